package org.multiprocessing4j.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.multiprocessing4j.BufferTooShortException;
import org.multiprocessing4j.ConnectionClosedException;
import org.multiprocessing4j.PicklingException;
import org.multiprocessing4j.ProcessException;
import org.multiprocessing4j.ProcessInterruptedException;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.pickle.Codec;

/** The {@link Connection} contract on socket connections (TCP and Unix), between two threads. */
class ConnectionTest {

  record Point(int x, int y) implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void bytesRoundTripWithMessageBoundariesKeptForEmptySmallAndOneMebibyteMessages(Family family) throws Exception {
    byte[] big = randomBytes(1 << 20, 42);
    try (var pair = SocketPair.open(family); var bg = new Background()) {
      Future<?> sender = bg.run(() -> {
        pair.client().sendBytes(new byte[0]);
        pair.client().sendBytes("hello".getBytes());
        pair.client().sendBytes(big);
        pair.client().sendBytes(new byte[0]);
      });
      assertThat(pair.server().recvBytes()).isEmpty();
      assertThat(pair.server().recvBytes()).asString().isEqualTo("hello");
      assertThat(pair.server().recvBytes()).isEqualTo(big);
      assertThat(pair.server().recvBytes()).isEmpty();
      Background.await(sender);
      assertThat(pair.server().poll()).isFalse();
    }
  }

  @Test
  void sixteenMebibyteMessageTravelsBothWays() throws Exception {
    byte[] big = randomBytes(16 << 20, 7);
    try (var pair = SocketPair.open(Family.TCP); var bg = new Background()) {
      Future<?> echo = bg.run(() -> pair.server().sendBytes(pair.server().recvBytes()));
      pair.client().sendBytes(big);
      assertThat(pair.client().recvBytes()).isEqualTo(big);
      Background.await(echo);
    }
  }

  @Test
  void sendBytesWithOffsetAndSizeSendsThatSliceAsCPythonDoes() {
    byte[] msg = "abcdefghijklmnopqrstuvwxyz".getBytes();
    try (var pair = SocketPair.open(Family.UNIX)) {
      Connection a = pair.client();
      Connection b = pair.server();
      a.sendBytes(msg);
      assertThat(b.recvBytes()).asString().isEqualTo("abcdefghijklmnopqrstuvwxyz");
      a.sendBytes(msg, 5, msg.length - 5);
      assertThat(b.recvBytes()).asString().isEqualTo("fghijklmnopqrstuvwxyz");
      a.sendBytes(msg, 7, 8);
      assertThat(b.recvBytes()).asString().isEqualTo("hijklmno");
      a.sendBytes(msg, 26, 0);
      assertThat(b.recvBytes()).isEmpty();
    }
  }

  @Test
  void sendBytesRejectsOffsetsAndSizesOutsideTheBufferWithCPythonsMessages() {
    byte[] msg = "abcdefghijklmnopqrstuvwxyz".getBytes();
    try (var pair = SocketPair.open(Family.UNIX)) {
      Connection a = pair.client();
      assertThatThrownBy(() -> a.sendBytes(msg, 27, 0)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("buffer length < offset");
      assertThatThrownBy(() -> a.sendBytes(msg, 22, 5)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("buffer length < offset + size");
      assertThatThrownBy(() -> a.sendBytes(msg, 26, 1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("buffer length < offset + size");
      assertThatThrownBy(() -> a.sendBytes(msg, -1, 1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("offset is negative");
      assertThatThrownBy(() -> a.sendBytes(msg, 4, -1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("size is negative");
      assertThatThrownBy(() -> a.sendBytes(msg, 1, Integer.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("buffer length < offset + size");
      // nothing was sent by the refused calls
      assertThat(pair.server().poll()).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void recvBytesOfAMessageLongerThanMaxLengthFailsAndTheConnectionCanNoLongerReceive(Family family) {
    try (var pair = SocketPair.open(family)) {
      pair.client().sendBytes("0123456789".getBytes());
      pair.client().sendBytes("next".getBytes());
      assertThatThrownBy(() -> pair.server().recvBytes(9)).isInstanceOf(ProcessException.class)
          .hasMessageContaining("bad message length").hasMessageContaining("10 bytes")
          .hasMessageContaining("maxLength 9");
      // as CPython's _bad_message_length on a duplex connection: no longer readable, still writable
      assertThat(pair.server().readable()).isFalse();
      assertThat(pair.server().writable()).isTrue();
      assertThatThrownBy(() -> pair.server().recvBytes()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("can no longer receive");
      assertThatThrownBy(() -> pair.server().poll()).isInstanceOf(IllegalStateException.class);
      pair.server().sendBytes("still writable".getBytes());
      assertThat(pair.client().recvBytes()).asString().isEqualTo("still writable");
    }
  }

  @Test
  void recvBytesWithinMaxLengthReturnsTheMessage() {
    try (var pair = SocketPair.open(Family.TCP)) {
      pair.client().sendBytes("0123456789".getBytes());
      assertThat(pair.server().recvBytes(10)).asString().isEqualTo("0123456789");
      assertThatThrownBy(() -> pair.server().recvBytes(-1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("negative maxLength");
    }
  }

  @Test
  void recvBytesIntoWritesTheMessageAtTheOffsetAndReturnsItsLength() {
    try (var pair = SocketPair.open(Family.UNIX)) {
      byte[] buf = new byte[40];
      Arrays.fill(buf, (byte) '.');
      pair.client().sendBytes("12345678".getBytes());
      assertThat(pair.server().recvBytesInto(buf, 12)).isEqualTo(8);
      assertThat(new String(buf)).isEqualTo("............12345678....................");
      pair.client().sendBytes("ab".getBytes());
      assertThat(pair.server().recvBytesInto(buf)).isEqualTo(2);
      assertThat(new String(buf, 0, 4)).isEqualTo("ab..");
      pair.client().sendBytes(new byte[0]);
      assertThat(pair.server().recvBytesInto(buf, 40)).isZero();
    }
  }

  @Test
  void recvBytesIntoATooShortBufferThrowsBufferTooShortHoldingTheWholeMessage() {
    byte[] longmsg = "hello world".repeat(10).getBytes();
    try (var pair = SocketPair.open(Family.TCP)) {
      byte[] buf = new byte[40];
      pair.client().sendBytes(longmsg);
      pair.client().sendBytes("after".getBytes());
      assertThatThrownBy(() -> pair.server().recvBytesInto(buf))
          .isInstanceOfSatisfying(BufferTooShortException.class, e -> assertThat(e.message()).isEqualTo(longmsg))
          .hasMessageContaining("110 bytes");
      assertThat(buf).containsOnly(0);
      // the message was consumed; the connection goes on with the next one
      assertThat(pair.server().recvBytes()).asString().isEqualTo("after");
      pair.client().sendBytes("1234".getBytes());
      assertThatThrownBy(() -> pair.server().recvBytesInto(buf, 37)).isInstanceOf(BufferTooShortException.class);
    }
  }

  @Test
  void recvBytesIntoRejectsBadOffsetsBeforeReceivingAnything() {
    try (var pair = SocketPair.open(Family.UNIX)) {
      pair.client().sendBytes("kept".getBytes());
      byte[] buf = new byte[8];
      assertThatThrownBy(() -> pair.server().recvBytesInto(buf, -1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("negative offset");
      assertThatThrownBy(() -> pair.server().recvBytesInto(buf, 9)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("offset too large");
      assertThat(pair.server().recvBytes()).asString().isEqualTo("kept");
    }
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void objectsOfManyKindsRoundTripBetweenThreads(Family family) throws Exception {
    Map<String, Object> map = new HashMap<>();
    map.put("a", 1);
    map.put("b", List.of(2.5, "x"));
    var cause = new IllegalStateException("inner");
    var error = new IllegalArgumentException("outer", cause);
    List<Object> values = Arrays.asList(1729, "hello", 2.25, null, List.of(1, 2, 3), new Point(3, 4), map,
        new int[] {1, 2}, Arrays.asList(2.25, null, "junk", Double.class), 'c', true, Long.MAX_VALUE);
    try (var pair = SocketPair.open(family); var bg = new Background()) {
      Future<?> sender = bg.run(() -> {
        for (Object v : values) {
          pair.client().send(v);
        }
        pair.client().send(error);
      });
      for (Object v : values) {
        Object got = pair.server().recv();
        if (v instanceof int[] a) {
          assertThat((int[]) got).isEqualTo(a);
        } else {
          assertThat(got).isEqualTo(v);
        }
      }
      Object got = pair.server().recv();
      assertThat(got).isInstanceOfSatisfying(IllegalArgumentException.class, e -> {
        assertThat(e).hasMessage("outer");
        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("inner");
        assertThat(e.getStackTrace()).isNotEmpty();
      });
      Background.await(sender);
    }
  }

  @Test
  void sendOfAnUnserializableObjectFailsInTheSenderAndSendsNothing() {
    try (var pair = SocketPair.open(Family.UNIX)) {
      assertThatThrownBy(() -> pair.client().send(new Object())).isInstanceOf(PicklingException.class)
          .hasMessageContaining("java.lang.Object");
      assertThat(pair.server().poll()).isFalse();
      pair.client().send("fine");
      assertThat(pair.server().recv()).isEqualTo("fine");
    }
  }

  @Test
  void recvOfRawBytesIsAPicklingErrorAndConsumesOnlyThatMessage() {
    try (var pair = SocketPair.open(Family.TCP)) {
      pair.client().sendBytes(new byte[] {(byte) 0x80, 4, 'K'});
      pair.client().send("next");
      assertThatThrownBy(() -> pair.server().recv()).isInstanceOf(PicklingException.class);
      assertThat(pair.server().recv()).isEqualTo("next");
    }
  }

  @Test
  void pollWithoutTimeoutAnswersAtOnce() {
    try (var pair = SocketPair.open(Family.UNIX)) {
      long start = System.nanoTime();
      assertThat(pair.server().poll()).isFalse();
      assertThat(pair.server().poll(Duration.ofSeconds(-1))).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void pollWithTimeoutWaitsAtLeastTheTimeoutWhenNothingArrives(Family family) {
    try (var pair = SocketPair.open(family)) {
      long start = System.nanoTime();
      assertThat(pair.server().poll(Duration.ofMillis(200))).isFalse();
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void pollWithTimeoutReturnsAsSoonAsAMessageArrivesAndDoesNotConsumeIt(Family family) throws Exception {
    try (var pair = SocketPair.open(family); var bg = new Background()) {
      var polling = new CompletableFuture<Void>();
      Future<Boolean> poll = bg.call(() -> {
        polling.complete(null);
        return pair.server().poll(Duration.ofMinutes(5));
      });
      polling.get();
      long start = System.nanoTime();
      pair.client().sendBytes("a".getBytes());
      assertThat(Background.await(poll)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(1));
      assertThat(pair.server().poll()).isTrue();
      assertThat(pair.server().poll(Duration.ofSeconds(1))).isTrue();
      assertThat(pair.server().recvBytes()).asString().isEqualTo("a");
      assertThat(pair.server().poll()).isFalse();
    }
  }

  @Test
  void pollWithNullTimeoutWaitsUntilAMessageArrives() throws Exception {
    try (var pair = SocketPair.open(Family.TCP); var bg = new Background()) {
      Future<Boolean> poll = bg.call(() -> pair.server().poll(null));
      pair.client().sendBytes(new byte[0]);
      assertThat(Background.await(poll)).isTrue();
      assertThat(pair.server().recvBytes()).isEmpty();
    }
  }

  @Test
  void pollKeepsMessagesSeparate() {
    // CPython's test_dont_merge
    try (var pair = SocketPair.open(Family.UNIX)) {
      assertThat(pair.server().poll(Duration.ZERO)).isFalse();
      assertThat(pair.server().poll(Duration.ofMillis(100))).isFalse();
      pair.client().sendBytes("a".getBytes());
      pair.client().sendBytes("b".getBytes());
      pair.client().sendBytes("cd".getBytes());
      assertThat(pair.server().recvBytes()).asString().isEqualTo("a");
      assertThat(pair.server().poll(Duration.ofSeconds(1))).isTrue();
      assertThat(pair.server().poll(Duration.ofSeconds(1))).isTrue();
      assertThat(pair.server().recvBytes()).asString().isEqualTo("b");
      assertThat(pair.server().poll(Duration.ofSeconds(1))).isTrue();
      assertThat(pair.server().poll(Duration.ZERO)).isTrue();
      assertThat(pair.server().recvBytes()).asString().isEqualTo("cd");
    }
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void recvAfterThePeerClosedDeliversWhatWasSentThenThrowsConnectionClosed(Family family) {
    try (var pair = SocketPair.open(family)) {
      pair.client().send("one");
      pair.client().sendBytes("two".getBytes());
      pair.client().send(3);
      pair.client().close();
      assertThat(pair.server().recv()).isEqualTo("one");
      assertThat(pair.server().recvBytes()).asString().isEqualTo("two");
      assertThat(pair.server().poll(Duration.ofSeconds(30))).isTrue();
      assertThat(pair.server().recv()).isEqualTo(3);
      assertThat(pair.server().poll(Duration.ofSeconds(30))).isTrue();   // end of stream counts as readable
      assertThatThrownBy(() -> pair.server().recv()).isInstanceOf(ConnectionClosedException.class)
          .hasMessageContaining("peer closed");
      assertThatThrownBy(() -> pair.server().recvBytes()).isInstanceOf(ConnectionClosedException.class);
      // still open on this side, as in CPython: readable and writable stay true
      assertThat(pair.server().isClosed()).isFalse();
      assertThat(pair.server().readable()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void sendToAPeerThatClosedThrowsConnectionClosed(Family family) {
    try (var pair = SocketPair.open(family)) {
      pair.server().close();
      long deadline = System.nanoTime() + Background.PATIENCE.toNanos();
      // the first writes may still be accepted by the kernel; the peer's reset ends them
      assertThatThrownBy(() -> {
        while (System.nanoTime() - deadline < 0) {
          pair.client().sendBytes(new byte[1024]);
        }
      }).isInstanceOf(ConnectionClosedException.class).hasMessageContaining("peer closed");
    }
  }

  @Test
  void everyOperationOnAClosedConnectionThrowsIllegalState() {
    try (var pair = SocketPair.open(Family.TCP)) {
      Connection c = pair.client();
      c.close();
      c.close();
      assertThat(c.isClosed()).isTrue();
      List<Runnable> ops = List.of(() -> c.send(1), c::recv, () -> c.sendBytes(new byte[1]), c::recvBytes,
          () -> c.recvBytes(5), () -> c.recvBytesInto(new byte[4]), c::poll, () -> c.poll(Duration.ofSeconds(1)));
      for (Runnable op : ops) {
        assertThatThrownBy(op::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
      }
    }
  }

  @Test
  void socketConnectionRefusesToBeSerializedWithAClearMessage() {
    try (var pair = SocketPair.open(Family.UNIX)) {
      Connection c = pair.client();
      assertThatThrownBy(() -> Codec.encode(c, "a connection")).isInstanceOf(PicklingException.class)
          .hasMessageContaining("socket connections cannot be sent between processes")
          .hasMessageContaining(c.toString().substring(1, c.toString().length() - 1));
      SerializableRunnable captures = () -> c.sendBytes(new byte[0]);
      assertThatThrownBy(() -> Codec.encode(captures, "a target")).isInstanceOf(PicklingException.class)
          .hasMessageContaining("socket connections cannot be sent between processes");
      assertThat(c.isClosed()).isFalse();
    }
  }

  @Test
  void concurrentSendersNeverInterleaveTheirMessages() throws Exception {
    int senders = 4;
    int perSender = 100;
    try (var pair = SocketPair.open(Family.TCP); var bg = new Background()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int s = 0; s < senders; s++) {
        int id = s;
        futures.add(bg.run(() -> {
          var rnd = new Random(id);
          for (int i = 0; i < perSender; i++) {
            byte[] m = new byte[1 + rnd.nextInt(100_000)];
            Arrays.fill(m, (byte) (id * perSender + i));
            m[0] = (byte) id;
            pair.client().sendBytes(m);
          }
        }));
      }
      int[] next = new int[senders];
      for (int n = 0; n < senders * perSender; n++) {
        byte[] m = pair.server().recvBytes();
        int id = m[0];
        byte fill = (byte) (id * perSender + next[id]);
        for (int i = 1; i < m.length; i++) {
          if (m[i] != fill) {
            throw new AssertionError("message " + next[id] + " of sender " + id + " is corrupt at byte " + i);
          }
        }
        next[id]++;
      }
      for (Future<?> f : futures) {
        Background.await(f);
      }
      assertThat(next).containsOnly(perSender);
    }
  }

  @Test
  void anInterruptedRecvThrowsProcessInterruptedKeepsTheFlagAndLeavesTheConnectionUsable() throws Exception {
    try (var pair = SocketPair.open(Family.UNIX); var bg = new Background()) {
      var thread = new CompletableFuture<Thread>();
      Future<Throwable> blocked = bg.call(() -> {
        thread.complete(Thread.currentThread());
        try {
          pair.server().recv();
          return null;
        } catch (ProcessInterruptedException e) {
          return Thread.currentThread().isInterrupted() ? e : new AssertionError("interrupt flag was cleared", e);
        }
      });
      Thread t = thread.get();
      await().atMost(Background.PATIENCE).until(() -> Background.blockedInSelect(t));
      t.interrupt();
      assertThat(Background.await(blocked)).isInstanceOf(ProcessInterruptedException.class)
          .hasMessageContaining("interrupted while waiting to recv");
      pair.client().send("after the interrupt");
      assertThat(pair.server().recv()).isEqualTo("after the interrupt");
    }
  }

  @Test
  void closingFromAnotherThreadWakesABlockedRecvWithConnectionClosed() throws Exception {
    try (var pair = SocketPair.open(Family.TCP); var bg = new Background()) {
      var thread = new CompletableFuture<Thread>();
      Future<Object> blocked = bg.call(() -> {
        thread.complete(Thread.currentThread());
        return pair.server().recv();
      });
      Thread t = thread.get();
      await().atMost(Background.PATIENCE).until(() -> Background.blockedInSelect(t));
      pair.server().close();
      assertThatThrownBy(() -> Background.await(blocked)).hasCauseInstanceOf(ConnectionClosedException.class)
          .hasMessageContaining("closed by another thread");
      // the peer sees the end of the stream
      assertThatThrownBy(() -> pair.client().recv()).isInstanceOf(ConnectionClosedException.class);
    }
  }

  @Test
  void toStringNamesTheConnectionAndItsState() {
    try (var pair = SocketPair.open(Family.TCP)) {
      assertThat(pair.client().toString()).startsWith("<socket connection to 127.0.0.1:")
          .doesNotContain("closed");
      assertThat(pair.server().toString()).startsWith("<socket connection from 127.0.0.1:")
          .contains("accepted at " + pair.listener().address());
      pair.client().close();
      assertThat(pair.client().toString()).endsWith(" closed>");
    }
  }
}
