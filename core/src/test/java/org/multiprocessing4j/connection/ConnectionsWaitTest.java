package org.multiprocessing4j.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.ProcessInterruptedException;

/** {@link Connections#wait}: Python's {@code multiprocessing.connection.wait} over sockets and processes. */
class ConnectionsWaitTest {

  /** Several socket pairs, closed together. */
  private static final class Pairs implements AutoCloseable {
    final List<SocketPair> pairs = new ArrayList<>();

    Pairs(Family family, int n) {
      for (int i = 0; i < n; i++) {
        pairs.add(SocketPair.open(family));
      }
    }

    Connection reader(int i) {
      return pairs.get(i).server();
    }

    Connection writer(int i) {
      return pairs.get(i).client();
    }

    List<Connection> readers() {
      return pairs.stream().map(SocketPair::server).toList();
    }

    @Override
    public void close() {
      pairs.forEach(SocketPair::close);
    }
  }

  @Test
  void waitReturnsTheReadyConnectionsInTheOrderGiven() {
    try (var pairs = new Pairs(Family.UNIX, 4)) {
      pairs.writer(3).sendBytes("three".getBytes());
      pairs.writer(1).sendBytes("one".getBytes());
      // both messages are there once each reader polls true; then wait must report both
      assertThat(pairs.reader(3).poll(Background.PATIENCE)).isTrue();
      assertThat(pairs.reader(1).poll(Background.PATIENCE)).isTrue();
      assertThat(Connections.wait(pairs.readers(), Duration.ZERO)).containsExactly(pairs.reader(1), pairs.reader(3));
    }
  }

  @Test
  void waitTimesOutWithAnEmptyListAfterAtLeastTheTimeout() {
    try (var pairs = new Pairs(Family.TCP, 2)) {
      long start = System.nanoTime();
      assertThat(Connections.wait(pairs.readers(), Duration.ofMillis(200))).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(10));
      assertThat(Connections.wait(pairs.readers(), Duration.ZERO)).isEmpty();
      assertThat(Connections.wait(pairs.readers(), Duration.ofSeconds(-1))).isEmpty();
    }
  }

  @Test
  void waitWithoutTimeoutWakesWhenAMessageArrivesFromAnotherThread() throws Exception {
    try (var pairs = new Pairs(Family.TCP, 3); var bg = new Background()) {
      var waiting = new CompletableFuture<Thread>();
      Future<List<Object>> ready = bg.call(() -> {
        waiting.complete(Thread.currentThread());
        return Connections.wait(pairs.readers());
      });
      Thread t = waiting.get();
      await().atMost(Background.PATIENCE).until(() -> Background.blockedInSelect(t));
      pairs.writer(2).send("wake up");
      assertThat(Background.await(ready)).containsExactly(pairs.reader(2));
      assertThat(pairs.reader(2).recv()).isEqualTo("wake up");
    }
  }

  @Test
  void aConnectionWhosePeerClosedIsReady() {
    try (var pairs = new Pairs(Family.UNIX, 2)) {
      pairs.writer(0).close();
      assertThat(Connections.wait(pairs.readers(), Background.PATIENCE)).containsExactly(pairs.reader(0));
    }
  }

  @Test
  void aMessageAlreadyTakenOffTheSocketIntoTheBufferCountsAsReady() throws IOException {
    // two frames in one write arrive together: the first recv buffers the second, so the socket
    // itself is no longer readable, yet the connection is
    try (var listener = Family.TCP.listener();
         var raw = SocketChannel.open(org.multiprocessing4j.internal.wire.SocketAddresses.toSocketAddress(listener.address(), false));
         var conn = listener.accept()) {
      var frames = ByteBuffer.allocate(12).putInt(2).put("ab".getBytes()).putInt(2).put("cd".getBytes()).flip();
      while (frames.hasRemaining()) {
        raw.write(frames);
      }
      assertThat(conn.recvBytes()).asString().isEqualTo("ab");
      assertThat(Connections.wait(List.of(conn), Duration.ZERO)).containsExactly(conn);
      assertThat(conn.recvBytes()).asString().isEqualTo("cd");
      assertThat(Connections.wait(List.of(conn), Duration.ZERO)).isEmpty();
    }
  }

  @Test
  void aProcessIsReadyWhenItHasEnded() {
    try (var pairs = new Pairs(Family.UNIX, 1)) {
      var child = new Process(() -> { });
      child.start();
      try {
        List<Object> ready = Connections.wait(List.of(pairs.reader(0), child), Duration.ofMinutes(2));
        assertThat(ready).containsExactly(child);
        assertThat(child.exitCode()).isZero();
      } finally {
        child.join();
      }
    }
  }

  @Test
  void otherConnectionImplementationsArePolled() throws Exception {
    var flag = new AtomicBoolean();
    var polled = new FlagConnection(flag);
    try (var pairs = new Pairs(Family.TCP, 1); var bg = new Background()) {
      Future<List<Object>> ready = bg.call(() -> Connections.wait(List.of(pairs.reader(0), polled), Background.PATIENCE));
      flag.set(true);
      assertThat(Background.await(ready)).containsExactly(polled);
    }
  }

  @Test
  void waitRefusesClosedConnectionsAndObjectsItCannotWaitOn() {
    try (var pairs = new Pairs(Family.UNIX, 1)) {
      pairs.reader(0).close();
      assertThatThrownBy(() -> Connections.wait(List.of(pairs.reader(0)), Duration.ZERO))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
      assertThatThrownBy(() -> Connections.wait(List.of("a string"), Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.String");
      assertThatThrownBy(() -> Connections.wait(List.of(new Process(() -> { })), Duration.ZERO))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("never started");
    }
  }

  @Test
  void anInterruptedWaitThrowsProcessInterrupted() throws Exception {
    try (var pairs = new Pairs(Family.TCP, 1); var bg = new Background()) {
      var waiting = new CompletableFuture<Thread>();
      Future<Throwable> result = bg.call(() -> {
        waiting.complete(Thread.currentThread());
        try {
          Connections.wait(pairs.readers());
          return null;
        } catch (ProcessInterruptedException e) {
          return Thread.currentThread().isInterrupted() ? e : new AssertionError("interrupt flag cleared", e);
        }
      });
      Thread t = waiting.get();
      await().atMost(Background.PATIENCE).until(() -> Background.blockedInSelect(t));
      t.interrupt();
      assertThat(Background.await(result)).isInstanceOf(ProcessInterruptedException.class);
    }
  }

  /** A connection without a socket (as a shared-memory pipe will be) whose poll() answers a flag. */
  static final class FlagConnection implements Connection {
    private final AtomicBoolean flag;

    FlagConnection(AtomicBoolean flag) {
      this.flag = flag;
    }

    @Override
    public boolean poll(Duration timeout) {
      return flag.get();
    }

    @Override
    public void send(Object obj) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object recv() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void sendBytes(byte[] buf, int offset, int size) {
      throw new UnsupportedOperationException();
    }

    @Override
    public byte[] recvBytes() {
      throw new UnsupportedOperationException();
    }

    @Override
    public byte[] recvBytes(int maxLength) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int recvBytesInto(byte[] buf, int offset) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isClosed() {
      return false;
    }

    @Override
    public boolean readable() {
      return true;
    }

    @Override
    public boolean writable() {
      return false;
    }

    @Override
    public void close() {}
  }
}
