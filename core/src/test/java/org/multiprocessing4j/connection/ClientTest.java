package org.multiprocessing4j.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.multiprocessing4j.AuthenticationException;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;

/** {@link Client}: connection errors, and a child JVM connecting back to the test's listener. */
class ClientTest {
  /** How long a child JVM may take to start and finish on two busy cores. */
  private static final Duration CHILD_PATIENCE = Duration.ofMinutes(2);
  /** The exit code of a child that saw the AuthenticationException it expected. */
  private static final int SAW_AUTHENTICATION_FAILURE = 3;

  record Point(int x, int y) implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
  }

  @Test
  void connectingWhereNobodyListensOnTcpFailsWithTheAddress() {
    Address gone;
    try (var listener = Family.TCP.listener()) {
      gone = listener.address();
    }
    assertThatThrownBy(() -> Client.connect(gone)).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot connect to " + gone).hasMessageContaining("is a Listener running there?");
  }

  @Test
  void connectingToAMissingUnixSocketFailsWithThePath(@TempDir Path dir) {
    var missing = new UnixAddress(dir.resolve("nobody.sock"));
    assertThatThrownBy(() -> Client.connect(missing, "key".getBytes())).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot connect to " + missing);
  }

  @Test
  void anUnknownHostIsReportedWithItsName() {
    assertThatThrownBy(() -> Client.connect(new TcpAddress("no-such-host.invalid", 6000)))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("no-such-host.invalid");
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void aChildProcessConnectsBackWithTheInheritedAuthkeyAndExchangesObjectsAndBytes(Family family) throws Exception {
    byte[] key = Multiprocessing.currentProcess().getAuthkey();
    byte[] big = new byte[1 << 20];
    Arrays.fill(big, (byte) 7);
    try (var listener = family.listener(key); var bg = new Background()) {
      Address address = listener.address();
      var child = new Process(() -> {
        try (var c = Client.connect(address, Multiprocessing.currentProcess().getAuthkey())) {
          c.send(new Point(1, 2));
          c.send(List.of("a", 1, 2.5));
          c.send(new IllegalStateException("from the child"));
          c.send("echo: " + c.recv());
          c.sendBytes(c.recvBytes());
        }
      });
      Future<Connection> accepted = bg.call(listener::accept);
      child.start();
      try (var conn = accepted.get(CHILD_PATIENCE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        assertThat(conn.recv()).isEqualTo(new Point(1, 2));
        assertThat(conn.recv()).isEqualTo(List.of("a", 1, 2.5));
        assertThat(conn.recv()).isInstanceOf(IllegalStateException.class).hasFieldOrPropertyWithValue("message", "from the child");
        conn.send("ping");
        assertThat(conn.recv()).isEqualTo("echo: ping");
        conn.sendBytes(big);
        assertThat(conn.recvBytes()).isEqualTo(big);
        assertThat(conn.poll(CHILD_PATIENCE)).isTrue();   // the child closed its end
        assertThatThrownBy(conn::recv).isInstanceOf(org.multiprocessing4j.ConnectionClosedException.class);
      } finally {
        endChild(child);
      }
      assertThat(child.exitCode()).isZero();
    }
  }

  @Test
  void aChildWithTheWrongKeyIsRejectedOnBothSides() throws Exception {
    byte[] key = "right".getBytes();
    try (var listener = Family.TCP.listener(key); var bg = new Background()) {
      Address address = listener.address();
      var child = new Process(() -> {
        try (var c = Client.connect(address, "wrong".getBytes())) {
          c.send("should never get here");
        } catch (AuthenticationException e) {
          System.exit(SAW_AUTHENTICATION_FAILURE);
        }
      });
      Future<Connection> accepted = bg.call(listener::accept);
      child.start();
      try {
        assertThatThrownBy(() -> accepted.get(CHILD_PATIENCE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
            .hasCauseInstanceOf(AuthenticationException.class);
      } finally {
        endChild(child);
      }
      assertThat(child.exitCode()).isEqualTo(SAW_AUTHENTICATION_FAILURE);
    }
  }

  /** Joins the child, killing it when it outlives the test's patience (then the test has failed anyway). */
  private static void endChild(Process child) {
    if (!child.join(CHILD_PATIENCE)) {
      child.kill();
      child.join();
    }
  }
}
