package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.connection.Connection;

/** Pipe and its connections across real processes (CPython's _TestConnection, where it applies). */
class PipeTest {
  private static final Context WARM = Multiprocessing.getContext("warm");

  private static void closeBoth(Pipe p) {
    p.conn1().close();
    p.conn2().close();
  }

  @Test
  void childSendsAndParentReceivesTheSpecExample() {
    Pipe pipe = Multiprocessing.pipe();
    Connection child = pipe.conn2();
    var p = WARM.process(() -> {
      child.send(Arrays.asList(42, null, "hello"));
      child.close();
    });
    p.start();
    assertThat(pipe.conn1().recv()).isEqualTo(Arrays.asList(42, null, "hello"));
    p.join();
    closeBoth(pipe);
  }

  @Test
  void duplexPipeSendsBothWaysAndSimplexOnlyOneWay() {
    Pipe duplex = Multiprocessing.pipe();
    duplex.conn1().send("to 2");
    duplex.conn2().send("to 1");
    assertThat(duplex.conn2().recv()).isEqualTo("to 2");
    assertThat(duplex.conn1().recv()).isEqualTo("to 1");
    assertThat(duplex.conn1().readable()).isTrue();
    assertThat(duplex.conn1().writable()).isTrue();
    closeBoth(duplex);

    Pipe simplex = Multiprocessing.pipe(false);
    assertThat(simplex.conn1().readable()).isTrue();
    assertThat(simplex.conn1().writable()).isFalse();
    assertThat(simplex.conn2().readable()).isFalse();
    assertThat(simplex.conn2().writable()).isTrue();
    assertThatThrownBy(() -> simplex.conn1().send(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
    assertThatThrownBy(() -> simplex.conn2().recv()).isInstanceOf(IllegalStateException.class).hasMessageContaining("write-only");
    simplex.conn2().send("one way");
    assertThat(simplex.conn1().recv()).isEqualTo("one way");
    closeBoth(simplex);
  }

  @Test
  void sendBytesChecksItsArgumentsAsCPython() {
    Pipe pipe = Multiprocessing.pipe();
    Connection c = pipe.conn1();
    byte[] buf = new byte[10];
    assertThatThrownBy(() -> c.sendBytes(buf, -1, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset is negative");
    assertThatThrownBy(() -> c.sendBytes(buf, 11, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("buffer length < offset");
    assertThatThrownBy(() -> c.sendBytes(buf, 0, -1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size is negative");
    assertThatThrownBy(() -> c.sendBytes(buf, 5, 6)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset + size");
    c.sendBytes(new byte[] {1, 2, 3, 4, 5}, 1, 3);
    assertThat(pipe.conn2().recvBytes()).containsExactly(2, 3, 4);
    closeBoth(pipe);
  }

  @Test
  void recvBytesIntoAndBufferTooShort() {
    Pipe pipe = Multiprocessing.pipe();
    pipe.conn2().sendBytes("abcdef".getBytes());
    byte[] buf = new byte[10];
    assertThat(pipe.conn1().recvBytesInto(buf, 2)).isEqualTo(6);
    assertThat(new String(buf, 2, 6)).isEqualTo("abcdef");
    pipe.conn2().sendBytes("0123456789".getBytes());
    assertThatThrownBy(() -> pipe.conn1().recvBytesInto(buf, 5)).isInstanceOfSatisfying(BufferTooShortException.class,
        e -> assertThat(new String(e.message())).isEqualTo("0123456789"));
    assertThatThrownBy(() -> pipe.conn1().recvBytesInto(buf, 11)).isInstanceOf(IllegalArgumentException.class);
    closeBoth(pipe);
  }

  @Test
  void recvBytesWithATooSmallMaxLengthFailsAndClosesTheConnection() {
    Pipe pipe = Multiprocessing.pipe();
    pipe.conn2().sendBytes(new byte[100]);
    assertThatThrownBy(() -> pipe.conn1().recvBytes(10)).isInstanceOf(ProcessException.class).hasMessageContaining("bad message length");
    assertThat(pipe.conn1().isClosed()).isTrue();
    assertThatThrownBy(() -> pipe.conn1().recv()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    pipe.conn2().close();
  }

  @Test
  void pollWaitsForDataWithATimeout() {
    Pipe pipe = Multiprocessing.pipe();
    assertThat(pipe.conn1().poll()).isFalse();
    long t0 = System.nanoTime();
    assertThat(pipe.conn1().poll(Duration.ofMillis(200))).isFalse();
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    Connection writer = pipe.conn2();
    var p = WARM.process(() -> writer.send("late"));
    p.start();
    assertThat(pipe.conn1().poll(null)).isTrue();
    assertThat(pipe.conn1().recv()).isEqualTo("late");
    p.join();
    closeBoth(pipe);
  }

  @Test
  void recvGetsEofOnceTheWriterClosedAndTheDataIsDrained() {
    Pipe pipe = Multiprocessing.pipe(false);
    pipe.conn2().send(1);
    pipe.conn2().send(2);
    pipe.conn2().close();
    assertThat(pipe.conn1().recv()).isEqualTo(1);
    assertThat(pipe.conn1().recv()).isEqualTo(2);
    assertThatThrownBy(() -> pipe.conn1().recv()).isInstanceOf(ConnectionClosedException.class).hasMessageContaining("EOF");
    assertThatThrownBy(() -> pipe.conn1().send(1)).isInstanceOf(IllegalStateException.class);
    pipe.conn1().close();
  }

  @Test
  void sendOnAPipeWhoseReaderClosedIsABrokenPipe() {
    Pipe pipe = Multiprocessing.pipe(false);
    pipe.conn1().close();
    assertThatThrownBy(() -> pipe.conn2().send(1)).isInstanceOf(ConnectionClosedException.class).hasMessageContaining("broken pipe");
    pipe.conn2().close();
  }

  @Test
  void readerWaitingOnAPipeWhoseWriterIsKilledGetsEof() throws Exception {
    Pipe pipe = Multiprocessing.pipe(false);
    Connection writer = pipe.conn2();
    var p = WARM.process(() -> {
      writer.send("ready");
      try {
        Thread.sleep(Duration.ofMinutes(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    p.start();
    assertThat(pipe.conn1().recv()).isEqualTo("ready");
    writer.close(); // only the child holds the write end now
    p.kill();
    long killedAt = System.nanoTime();
    assertThatThrownBy(() -> pipe.conn1().recv()).isInstanceOf(ConnectionClosedException.class);
    assertThat(System.nanoTime() - killedAt).isLessThan(Duration.ofSeconds(5).toNanos());
    p.join();
    pipe.conn1().close();
  }

  @Test
  void hundredMebibyteMessageThroughAPipe() {
    Pipe pipe = Multiprocessing.pipe(false);
    Connection writer = pipe.conn2();
    var p = WARM.process(() -> {
      byte[] big = new byte[100 << 20];
      big[big.length - 1] = 7;
      writer.sendBytes(big);
    });
    p.start();
    byte[] got = pipe.conn1().recvBytes();
    p.join();
    assertThat(got).hasSize(100 << 20);
    assertThat(got[got.length - 1]).isEqualTo((byte) 7);
    closeBoth(pipe);
  }

  @Test
  void aConnectionTravelsThroughAQueue() {
    try (Queue<Connection> q = Multiprocessing.queue()) {
      Pipe pipe = Multiprocessing.pipe();
      var p = WARM.process(() -> {
        Connection c = q.get();
        c.send(c.recv() + " back");
        c.close();
      });
      p.start();
      q.put(pipe.conn2());
      pipe.conn1().send("there and");
      assertThat(pipe.conn1().recv()).isEqualTo("there and back");
      p.join();
      closeBoth(pipe);
    }
  }

  @Test
  void pipeWorksWithConnectionsWait() {
    Pipe a = Multiprocessing.pipe();
    Pipe b = Multiprocessing.pipe();
    b.conn2().send("x");
    List<Object> ready = org.multiprocessing4j.connection.Connections.wait(List.of(a.conn1(), b.conn1()), Duration.ofSeconds(10));
    assertThat(ready).containsExactly(b.conn1());
    closeBoth(a);
    closeBoth(b);
  }

  @Test
  void parentMayCloseTheChildsEndsRightAfterStartAsInPython() {
    Pipe pipe = Multiprocessing.pipe();
    Connection childEnd = pipe.conn2();
    var p = WARM.process(() -> {
      childEnd.send("from the child");
      childEnd.send(childEnd.recv() + " and back");
    });
    p.start();
    childEnd.close(); // p.start(); child_conn.close()
    assertThat(pipe.conn1().recv()).isEqualTo("from the child");
    pipe.conn1().send("there");
    assertThat(pipe.conn1().recv()).isEqualTo("there and back");
    p.join();
    assertThatThrownBy(() -> pipe.conn1().recv()).isInstanceOf(ConnectionClosedException.class);
    pipe.conn1().close();
  }
}
