package org.multiprocessing4j.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.multiprocessing4j.AuthenticationException;
import org.multiprocessing4j.ProcessInterruptedException;

/** {@link Listener}: addresses, accept, lastAccepted, close, and authentication (with {@link Client}). */
class ListenerTest {
  private static final byte[] KEY = "secret password".getBytes(StandardCharsets.UTF_8);

  @Test
  void theDefaultListenerIsAUnixSocketInAPrivateTemporaryDirectoryRemovedOnClose() {
    Path socket;
    try (var listener = new Listener()) {
      assertThat(listener.address()).isInstanceOf(UnixAddress.class);
      socket = ((UnixAddress) listener.address()).path();
      assertThat(socket.getFileName().toString()).startsWith("listener-");
      assertThat(socket.getParent().getFileName().toString()).startsWith("mp4j-");
      assertThat(socket).exists();
      try (var client = Client.connect(listener.address()); var server = listener.accept()) {
        client.send(1729);
        assertThat(server.recv()).isEqualTo(1729);
      }
    }
    assertThat(socket).doesNotExist();
    assertThat(socket.getParent()).doesNotExist();
  }

  @Test
  void aUnixListenerOnAGivenPathRemovesTheSocketFileOnClose(@TempDir Path dir) {
    Path path = dir.resolve("my.sock");
    try (var listener = new Listener(new UnixAddress(path))) {
      assertThat(listener.address()).isEqualTo(new UnixAddress(path));
      assertThat(path).exists();
    }
    assertThat(path).doesNotExist();
    assertThat(dir).exists();
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void bindingAnAddressInUseFails(Family family) {
    // CPython's test_multiple_bind
    try (var listener = family.listener()) {
      assertThatThrownBy(() -> new Listener(listener.address())).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("cannot listen at " + listener.address());
      if (listener.address() instanceof UnixAddress u) {
        assertThat(u.path()).exists();   // the failed listener did not remove the first one's file
      }
    }
  }

  @Test
  void aTcpListenerOnPortZeroReportsTheNumericHostAndTheRealPort() {
    try (var listener = new Listener(new TcpAddress("localhost", 0))) {
      var address = (TcpAddress) listener.address();
      assertThat(address.host()).isEqualTo("127.0.0.1");
      assertThat(address.port()).isPositive();
      try (var client = Client.connect(new TcpAddress("localhost", address.port())); var server = listener.accept()) {
        server.sendBytes("over localhost".getBytes());
        assertThat(client.recvBytes()).asString().isEqualTo("over localhost");
      }
    }
  }

  @Test
  void lastAcceptedIsNullBeforeTheFirstAcceptThenTheClientsAddress() {
    try (var listener = Family.TCP.listener()) {
      assertThat(listener.lastAccepted()).isNull();
      try (var client = Client.connect(listener.address()); var server = listener.accept()) {
        var from = (TcpAddress) listener.lastAccepted();
        assertThat(from.host()).isEqualTo("127.0.0.1");
        assertThat(from.port()).isPositive().isNotEqualTo(((TcpAddress) listener.address()).port());
        assertThat(server.toString()).contains("from " + from);
        client.send("from the client");
        assertThat(server.recv()).isEqualTo("from the client");
      }
    }
    try (var listener = Family.UNIX.listener();
         var client = Client.connect(listener.address()); var server = listener.accept()) {
      // a Unix client socket has no name: Python reports ''
      assertThat(listener.lastAccepted()).isEqualTo(new UnixAddress(Path.of("")));
      client.send("unnamed");
      assertThat(server.recv()).isEqualTo("unnamed");
    }
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void acceptAfterCloseThrowsIllegalState(Family family) {
    var listener = family.listener();
    listener.close();
    listener.close();
    assertThatThrownBy(listener::accept).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("listener is closed");
    assertThat(listener.toString()).endsWith(" closed>");
  }

  @Test
  @SuppressWarnings("try")   // the listener is closed inside its try block on purpose
  void closingTheListenerWakesABlockedAcceptWithIllegalState() throws Exception {
    try (var listener = Family.TCP.listener(); var bg = new Background()) {
      var thread = new CompletableFuture<Thread>();
      Future<Connection> accepting = bg.call(() -> {
        thread.complete(Thread.currentThread());
        return listener.accept();
      });
      Thread t = thread.get();
      await().atMost(Background.PATIENCE).until(() -> Background.blockedInSelect(t));
      listener.close();
      assertThatThrownBy(() -> Background.await(accepting)).hasCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("listener is closed");
    }
  }

  @Test
  void anInterruptedAcceptThrowsProcessInterruptedAndTheListenerStillWorks() throws Exception {
    try (var listener = Family.UNIX.listener(); var bg = new Background()) {
      var thread = new CompletableFuture<Thread>();
      Future<Throwable> accepting = bg.call(() -> {
        thread.complete(Thread.currentThread());
        try (var unexpected = listener.accept()) {
          return new AssertionError("accepted " + unexpected + " although nobody connected");
        } catch (ProcessInterruptedException e) {
          return e;
        }
      });
      Thread t = thread.get();
      await().atMost(Background.PATIENCE).until(() -> Background.blockedInSelect(t));
      t.interrupt();
      assertThat(Background.await(accepting)).isInstanceOf(ProcessInterruptedException.class);
      try (var client = Client.connect(listener.address()); var server = listener.accept()) {
        client.send("still listening");
        assertThat(server.recv()).isEqualTo("still listening");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void clientsWithTheRightKeyAreAuthenticatedBothWays(Family family) throws Exception {
    try (var listener = family.listener(KEY); var bg = new Background()) {
      Future<Connection> accepted = bg.call(listener::accept);
      try (var client = Client.connect(listener.address(), KEY); var server = Background.await(accepted)) {
        client.send("authenticated");
        assertThat(server.recv()).isEqualTo("authenticated");
        server.sendBytes("welcome".getBytes());
        assertThat(client.recvBytes()).asString().isEqualTo("welcome");
      }
    }
  }

  @Test
  void anEmptyKeyAuthenticates() throws Exception {
    // CPython's test_empty_authkey (bpo-43952)
    byte[] empty = new byte[0];
    try (var listener = Family.UNIX.listener(empty); var bg = new Background()) {
      Future<Object> received = bg.call(() -> {
        try (var d = listener.accept()) {
          return d.recv();
        }
      });
      try (var client = Client.connect(listener.address(), empty)) {
        client.send(1729);
        assertThat(Background.await(received)).isEqualTo(1729);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void aWrongKeyIsRejectedOnBothSidesAndTheListenerAcceptsTheNextClient(Family family) throws Exception {
    try (var listener = family.listener(KEY); var bg = new Background()) {
      Future<Connection> accepted = bg.call(listener::accept);
      assertThatThrownBy(() -> Client.connect(listener.address(), "wrong key".getBytes()))
          .isInstanceOf(AuthenticationException.class).hasMessageContaining("digest sent was rejected");
      assertThatThrownBy(() -> Background.await(accepted)).hasCauseInstanceOf(AuthenticationException.class)
          .hasMessageContaining("digest received was wrong");

      Future<Connection> next = bg.call(listener::accept);
      try (var client = Client.connect(listener.address(), KEY); var server = Background.await(next)) {
        client.send("second try");
        assertThat(server.recv()).isEqualTo("second try");
      }
    }
  }

  @Test
  void aClientWithoutAKeyIsRejectedByAListenerThatDemandsOne() throws Exception {
    try (var listener = Family.UNIX.listener(KEY); var bg = new Background()) {
      Future<Connection> accepted = bg.call(listener::accept);
      try (var unauthenticated = Client.connect(listener.address())) {
        // the listener's challenge arrives as an ordinary message; sending anything but a digest fails it
        byte[] challenge = unauthenticated.recvBytes();
        assertThat(new String(challenge, StandardCharsets.US_ASCII)).startsWith("#CHALLENGE#{sha256}");
        unauthenticated.send("not a digest");
        assertThatThrownBy(() -> Background.await(accepted)).hasCauseInstanceOf(AuthenticationException.class);
        assertThat(unauthenticated.recvBytes()).asString().isEqualTo("#FAILURE#");
      }
    }
  }

  @Test
  void anOverlongReplyDuringTheHandshakeIsAnAuthenticationFailure() throws Exception {
    try (var listener = Family.TCP.listener(KEY); var bg = new Background()) {
      Future<Connection> accepted = bg.call(listener::accept);
      try (var unauthenticated = Client.connect(listener.address())) {
        unauthenticated.recvBytes();
        unauthenticated.sendBytes(new byte[10_000]);
        assertThatThrownBy(() -> Background.await(accepted)).hasCauseInstanceOf(AuthenticationException.class)
            .hasMessageContaining("at most 256 bytes");
      }
    }
  }

  @Test
  void aNegativeBacklogIsRefused() {
    assertThatThrownBy(() -> new Listener(new TcpAddress("127.0.0.1", 0), -1, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backlog");
  }

  @Test
  void anUnknownHostIsReportedWithItsName() {
    assertThatThrownBy(() -> new Listener(new TcpAddress("no-such-host.invalid", 0)))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("no-such-host.invalid");
  }

  @Test
  void aListenerWithABacklogServesSeveralWaitingClients() {
    try (var listener = new Listener(new TcpAddress("127.0.0.1", 0), 8, null)) {
      var clients = new Connection[5];
      for (int i = 0; i < clients.length; i++) {
        clients[i] = Client.connect(listener.address());
        clients[i].send(i);
      }
      try {
        for (int i = 0; i < clients.length; i++) {
          try (var server = listener.accept()) {
            assertThat(server.recv()).isEqualTo(i);
          }
        }
      } finally {
        for (var c : clients) {
          c.close();
        }
      }
    }
  }

  @Test
  void toStringShowsTheAddressAndWhetherItAuthenticates() {
    try (var plain = new Listener(new TcpAddress("127.0.0.1", 0)); var auth = Family.TCP.listener(KEY)) {
      assertThat(plain.toString()).isEqualTo("<Listener address=" + plain.address() + " open>");
      assertThat(auth.toString()).isEqualTo("<Listener address=" + auth.address() + " authenticated open>");
    }
  }

  @Test
  void aUnixSocketPathThatCannotBeCreatedIsReportedClearly(@TempDir Path dir) throws Exception {
    Path missingDir = dir.resolve("missing").resolve("x.sock");
    assertThatThrownBy(() -> new Listener(new UnixAddress(missingDir))).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot listen at " + missingDir);
    Files.createFile(dir.resolve("taken"));
    assertThatThrownBy(() -> new Listener(new UnixAddress(dir.resolve("taken")))).isInstanceOf(UncheckedIOException.class);
    assertThat(dir.resolve("taken")).exists();
  }
}
