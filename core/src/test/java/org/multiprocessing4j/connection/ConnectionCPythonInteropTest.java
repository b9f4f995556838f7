package org.multiprocessing4j.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.multiprocessing4j.AuthenticationException;

/**
 * Our Listener and Client against the machine's CPython {@code multiprocessing.connection}: 3.11
 * (legacy HMAC-MD5 handshake) and 3.13 (SHA-256), over TCP and Unix sockets, with
 * {@code send_bytes}/{@code recv_bytes}. A version that is not installed is skipped with a message.
 */
class ConnectionCPythonInteropTest {
  private static final byte[] KEY = "interop secret".getBytes(StandardCharsets.UTF_8);
  private static final byte[] WRONG_KEY = "not the secret".getBytes(StandardCharsets.UTF_8);
  /** 1 MiB that both sides can build: bytes(range(256)) * 4096. */
  private static final byte[] PATTERN = pattern();

  /** The CPython side: a Client or a Listener that exchanges a few messages and prints what it saw. */
  private static final String SCRIPT = """
      import sys
      from multiprocessing import AuthenticationError
      from multiprocessing.connection import Client, Listener
      role, family, where, key = sys.argv[1], sys.argv[2], sys.argv[3], bytes.fromhex(sys.argv[4])
      PATTERN = bytes(range(256)) * 4096
      def address(where):
          if family == 'tcp':
              host, port = where.rsplit(':', 1)
              return (host, int(port))
          return where
      def out(*a):
          print(*a, flush=True)
      if role == 'client':
          try:
              c = Client(address(where), authkey=key)
          except AuthenticationError as e:
              out('AuthenticationError', e)
              sys.exit(0)
          c.send_bytes(b'hello from python')
          c.send_bytes(PATTERN)
          c.send_bytes(b'')
          got = c.recv_bytes()
          big = c.recv_bytes()
          out('python got', got.decode(), len(big), big == PATTERN)
          c.close()
      else:
          l = Listener(address(where), authkey=key)
          out('listening', ('%s:%d' % l.address) if family == 'tcp' else l.address)
          try:
              c = l.accept()
          except AuthenticationError as e:
              out('AuthenticationError', e)
              l.close()
              sys.exit(0)
          m = c.recv_bytes()
          c.send_bytes(m[::-1])
          big = c.recv_bytes()
          c.send_bytes(b'%d' % len(big))
          c.send_bytes(big)
          try:
              c.recv_bytes()
          except EOFError:
              out('python saw EOF')
          c.close()
          l.close()
          out('done')
      """;

  private final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stopExecutor() throws InterruptedException {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
  }

  private static byte[] pattern() {
    byte[] b = new byte[256 * 4096];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  private static CPython python(String version) {
    CPython python = CPython.find(version);
    assumeTrue(python != null, CPython.missing(version));
    return python;
  }

  private static String hex(byte[] key) {
    return HexFormat.of().formatHex(key);
  }

  /** Accepts on {@code listener} unless the CPython process ends first (then fails with its output). */
  private Connection acceptFrom(Listener listener, CPython.Run py) throws Exception {
    CompletableFuture<Connection> accepted = CompletableFuture.supplyAsync(listener::accept, executor);
    CompletableFuture.anyOf(accepted, py.process().onExit()).get(CPython.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    if (!accepted.isDone()) {
      py.finish();
      accepted.cancel(true);
      throw new AssertionError("CPython ended before connecting: " + py.output());
    }
    return accepted.join();
  }

  @ParameterizedTest(name = "CPython {0} over {1}")
  @CsvSource({"3.11, TCP", "3.11, UNIX", "3.13, TCP", "3.13, UNIX"})
  void aCPythonClientAuthenticatesWithOurListenerAndExchangesBytes(String version, Family family) throws Exception {
    CPython python = python(version);
    try (var listener = family.listener(KEY);
         var py = python.start("-c", SCRIPT, "client", family.name().toLowerCase(), listener.address().toString(), hex(KEY))) {
      try (var conn = acceptFrom(listener, py)) {
        assertThat(conn.recvBytes()).asString().isEqualTo("hello from python");
        assertThat(conn.recvBytes()).isEqualTo(PATTERN);
        assertThat(conn.recvBytes()).isEmpty();
        conn.sendBytes("hello from java".getBytes());
        conn.sendBytes(PATTERN);
        assertThatThrownBy(conn::recvBytes).isInstanceOf(org.multiprocessing4j.ConnectionClosedException.class);
      }
      assertThat(py.finish()).as(py.output()).containsExactly("python got hello from java 1048576 True");
      assertThat(py.exitCode()).isZero();
    }
  }

  @ParameterizedTest(name = "CPython {0} over {1}")
  @CsvSource({"3.11, TCP", "3.11, UNIX", "3.13, TCP", "3.13, UNIX"})
  void ourClientAuthenticatesWithACPythonListenerAndExchangesBytes(String version, Family family, @TempDir Path dir)
      throws Exception {
    CPython python = python(version);
    String where = family == Family.TCP ? "127.0.0.1:0" : dir.resolve("cpython.sock").toString();
    try (var py = python.start("-c", SCRIPT, "server", family.name().toLowerCase(), where, hex(KEY))) {
      String listening = py.nextLine();
      assertThat(listening).as(py.output()).startsWith("listening ");
      Address address = Address.parse(listening.substring("listening ".length()));
      try (var conn = Client.connect(address, KEY)) {
        conn.sendBytes("stressed".getBytes());
        assertThat(conn.recvBytes()).asString().isEqualTo("desserts");
        conn.sendBytes(PATTERN);
        assertThat(conn.recvBytes()).asString().isEqualTo("1048576");
        assertThat(conn.recvBytes()).isEqualTo(PATTERN);
      }
      assertThat(py.finish()).as(py.output()).containsExactly(listening, "python saw EOF", "done");
      assertThat(py.exitCode()).isZero();
    }
    if (family == Family.UNIX) {
      assertThat(Path.of(where)).doesNotExist();
    }
  }

  @ParameterizedTest(name = "CPython {0}")
  @ValueSource(strings = {"3.11", "3.13"})
  void aCPythonClientWithTheWrongKeyIsRejectedOnBothSides(String version) throws Exception {
    CPython python = python(version);
    try (var listener = Family.TCP.listener(KEY);
         var py = python.start("-c", SCRIPT, "client", "tcp", listener.address().toString(), hex(WRONG_KEY))) {
      CompletableFuture<Connection> accepted = CompletableFuture.supplyAsync(listener::accept, executor);
      assertThatThrownBy(() -> accepted.get(CPython.PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
          .hasCauseInstanceOf(AuthenticationException.class).hasMessageContaining("digest received was wrong");
      assertThat(py.finish()).as(py.output()).containsExactly("AuthenticationError digest sent was rejected");
    }
  }

  @ParameterizedTest(name = "CPython {0}")
  @ValueSource(strings = {"3.11", "3.13"})
  void ourClientWithTheWrongKeyIsRejectedByACPythonListenerOnBothSides(String version) throws Exception {
    CPython python = python(version);
    try (var py = python.start("-c", SCRIPT, "server", "tcp", "127.0.0.1:0", hex(KEY))) {
      String listening = py.nextLine();
      assertThat(listening).as(py.output()).startsWith("listening ");
      Address address = Address.parse(listening.substring("listening ".length()));
      assertThatThrownBy(() -> Client.connect(address, WRONG_KEY)).isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("digest sent was rejected");
      List<String> out = py.finish();
      assertThat(out).as(py.output()).containsExactly(listening, "AuthenticationError digest received was wrong");
    }
  }
}
