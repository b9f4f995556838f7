package org.multiprocessing4j.internal.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ring's logic inside one JVM, on ordinary shared memory; cross-process tests live with Pipe and Queue. */
class RingBufferTest {
  private static final int CAPACITY = 4096;
  private final Arena arena = Arena.ofShared();
  private int rings;

  @AfterEach
  void closeArena() {
    arena.close();
  }

  private RingBuffer newRing(boolean tracked) {
    MemorySegment seg = arena.allocate(RingBuffer.segmentSize(CAPACITY), 64);
    seg.fill((byte) 0);
    return RingBuffer.format(seg, "test-ring-" + System.identityHashCode(this) + "-" + rings++, tracked);
  }

  private static byte[] message(int seq, int size) {
    byte[] b = new byte[Math.max(size, 8)];
    new Random(seq).nextBytes(b);
    ByteBuffer.wrap(b).putInt(seq).putInt(size);
    return size < 8 ? java.util.Arrays.copyOf(b, size) : b;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 15, 16, 17, 1000, CAPACITY / 4 - RecordDescriptor.HEADER, CAPACITY / 4 - RecordDescriptor.HEADER + 1, CAPACITY, 10 * CAPACITY + 3})
  void messageOfAnySizeComesBackWhole(int size) throws Exception {
    RingBuffer ring = newRing(false);
    byte[] sent = message(size, size);
    var writer = Executors.newSingleThreadExecutor();
    try {
      Future<?> w = writer.submit(() -> {
        ring.write(sent, 0, sent.length);
        return null;
      });
      assertThat(ring.read(TimeUnit.SECONDS.toNanos(30))).isEqualTo(sent);
      w.get(30, TimeUnit.SECONDS);
      assertThat(ring.count()).isZero();
      assertThat(ring.hasData()).isFalse();
    } finally {
      writer.shutdownNow();
    }
  }

  @Test
  void writeUsesTheGivenSliceOfTheArray() throws Exception {
    RingBuffer ring = newRing(false);
    ring.write(new byte[] {9, 1, 2, 3, 9}, 1, 3);
    assertThat(ring.count()).isEqualTo(1);
    assertThat(ring.read(0)).containsExactly(1, 2, 3);
  }

  @Test
  void aFullRingTakesEachNewRecordRightBehindTheReaderKeepingContent() throws Exception {
    // the reader zeroes consumed bytes a cache line at a time, after HEAD has passed the line;
    // here every write lands in the room the last read just gave back, lap after lap
    RingBuffer ring = newRing(false);
    var rnd = new Random(7);
    var expected = new java.util.ArrayDeque<byte[]>();
    int seq = 0;
    for (int lap = 0; lap < 40 * CAPACITY / 16; lap++) {
      while (true) {
        byte[] m = message(seq, rnd.nextInt(40));
        if (!ring.tryWrite(m, 0, m.length)) {
          break;
        }
        expected.add(m);
        seq++;
      }
      assertThat(expected).as("the ring holds messages at lap %d", lap).isNotEmpty();
      assertThat(ring.read(0)).as("message after %d written", seq).isEqualTo(expected.poll());
    }
    while (!expected.isEmpty()) {
      assertThat(ring.read(0)).isEqualTo(expected.poll());
    }
    assertThat(ring.hasData()).isFalse();
  }

  @Test
  void aReaderKilledInItsReleaseLeavesNoZeroAtHeadForTheNextReader() throws Exception {
    // the state a reader killed after zeroing a consumed record's line and before moving HEAD
    // leaves: RELEASING set, the header at HEAD zeroed, HEAD not moved, the consumer mutex its
    RingBuffer ring = newRing(false);
    int size = 0;
    while (RecordDescriptor.recordLength(size) % RingDescriptor.CACHE_LINE != 0) {
      size++;
    }
    byte[] consumed = message(1, size);
    byte[] next = message(2, 10);
    ring.write(consumed, 0, consumed.length);
    ring.write(next, 0, next.length);
    MemorySegment seg = segmentOf(ring);
    long released = RecordDescriptor.recordLength(size);
    seg.set(ValueLayout.JAVA_LONG, RingDescriptor.RELEASING, released);
    seg.asSlice(RingDescriptor.DATA, released).fill((byte) 0);
    seg.set(ValueLayout.JAVA_LONG, RingDescriptor.ZEROED, released);
    seg.set(ValueLayout.JAVA_INT, RingDescriptor.CONSUMER_MUTEX, deadPid());
    assertThat(ring.read(TimeUnit.SECONDS.toNanos(10))).as("the message after the one the dead reader took")
        .isEqualTo(next);
    assertThat(ring.hasData()).isFalse();
  }

  @Test
  void wrapsAroundManyTimesKeepingOrderAndContent() throws Exception {
    RingBuffer ring = newRing(false);
    var rnd = new Random(42);
    int n = 5000;
    var sizes = new int[n];
    for (int i = 0; i < n; i++) {
      sizes[i] = rnd.nextInt(CAPACITY / 3);
    }
    var writer = Executors.newSingleThreadExecutor();
    try {
      Future<?> w = writer.submit(() -> {
        for (int i = 0; i < n; i++) {
          byte[] m = message(i, sizes[i]);
          ring.write(m, 0, m.length);
        }
        return null;
      });
      for (int i = 0; i < n; i++) {
        assertThat(ring.read(TimeUnit.SECONDS.toNanos(30))).as("message %d", i).isEqualTo(message(i, sizes[i]));
      }
      w.get(30, TimeUnit.SECONDS);
    } finally {
      writer.shutdownNow();
    }
  }

  @Test
  void manyWritersAndReadersLoseAndDuplicateNothing() throws Exception {
    RingBuffer ring = newRing(false);
    int writers = 4;
    int readers = 4;
    int perWriter = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
    try {
      var seen = ConcurrentHashMap.<Integer>newKeySet();
      var lastPerWriter = new ConcurrentHashMap<Integer, Integer>();
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int id = w;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < perWriter; i++) {
            byte[] m = ByteBuffer.allocate(8 + (i % 50)).putInt(id).putInt(i).array();
            ring.write(m, 0, m.length);
          }
          return null;
        }));
      }
      var duplicates = ConcurrentHashMap.<Integer>newKeySet();
      var outOfOrder = ConcurrentHashMap.<Integer>newKeySet();
      for (int r = 0; r < readers; r++) {
        futures.add(pool.submit(() -> {
          while (true) {
            byte[] m = ring.read(TimeUnit.MILLISECONDS.toNanos(500));
            if (m == null) {
              return null;
            }
            var b = ByteBuffer.wrap(m);
            int writer = b.getInt();
            int seq = b.getInt();
            if (!seen.add(writer * perWriter + seq)) {
              duplicates.add(writer * perWriter + seq);
            }
            lastPerWriter.merge(writer, seq, Math::max);
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
      assertThat(duplicates).isEmpty();
      assertThat(outOfOrder).isEmpty();
      assertThat(seen).hasSize(writers * perWriter);
      assertThat(ring.count()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void oneReaderSeesEachWritersMessagesInOrder() throws Exception {
    RingBuffer ring = newRing(false);
    int writers = 3;
    int perWriter = 10_000;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      for (int w = 0; w < writers; w++) {
        int id = w;
        pool.submit(() -> {
          for (int i = 0; i < perWriter; i++) {
            byte[] m = ByteBuffer.allocate(8).putInt(id).putInt(i).array();
            ring.write(m, 0, m.length);
          }
          return null;
        });
      }
      int[] next = new int[writers];
      for (int n = 0; n < writers * perWriter; n++) {
        var b = ByteBuffer.wrap(ring.read(TimeUnit.SECONDS.toNanos(30)));
        int w = b.getInt();
        assertThat(b.getInt()).as("writer %d", w).isEqualTo(next[w]++);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void readTimesOutOnAnEmptyRingAfterTheTimeout() throws Exception {
    RingBuffer ring = newRing(false);
    long t0 = System.nanoTime();
    assertThat(ring.read(TimeUnit.MILLISECONDS.toNanos(200))).isNull();
    long waited = System.nanoTime() - t0;
    assertThat(waited).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    assertThat(waited).isLessThan(TimeUnit.SECONDS.toNanos(10));
    assertThat(ring.awaitData(TimeUnit.MILLISECONDS.toNanos(50))).isFalse();
  }

  @Test
  void readerOfATrackedRingGetsEofWhenTheLastWriterCloses() throws Exception {
    RingBuffer ring = newRing(true);
    ring.addWriter();
    ring.addReader();
    byte[] m = {1, 2, 3};
    ring.write(m, 0, m.length);
    ring.removeWriter();
    assertThat(ring.read(-1)).containsExactly(1, 2, 3); // data written before the close is still read
    assertThatThrownBy(() -> ring.read(-1)).isInstanceOf(RingBuffer.PeerGoneException.class)
        .hasMessageContaining("every writer");
    assertThat(ring.writersAlive()).isFalse();
  }

  @Test
  void waitingReaderIsWokenByTheWritersClose() throws Exception {
    RingBuffer ring = newRing(true);
    ring.addWriter();
    var reader = Executors.newSingleThreadExecutor();
    try {
      Future<byte[]> r = reader.submit(() -> ring.read(-1));
      ring.removeWriter();
      assertThatThrownBy(() -> r.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RingBuffer.PeerGoneException.class);
    } finally {
      reader.shutdownNow();
    }
  }

  @Test
  void writerOfAFullTrackedRingGetsBrokenPipeWhenTheReaderCloses() throws Exception {
    RingBuffer ring = newRing(true);
    ring.addWriter();
    ring.addReader();
    byte[] big = new byte[CAPACITY / 8];
    var writer = Executors.newSingleThreadExecutor();
    try {
      Future<?> w = writer.submit(() -> {
        while (true) {
          ring.write(big, 0, big.length);
        }
      });
      while (ring.count() < 7) {
        Thread.onSpinWait(); // the ring fills up: 8 records of CAPACITY/8 + header do not fit
      }
      ring.removeReader();
      assertThatThrownBy(() -> w.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RingBuffer.PeerGoneException.class)
          .cause().hasMessageContaining("every reader");
    } finally {
      writer.shutdownNow();
    }
  }

  /**
   * What a writer in the middle of its copy leaves at the start of an empty ring (and a writer
   * killed there leaves for good): a claimed header (negative length) and TAIL past it.
   */
  private void recordInTheMaking(RingBuffer ring, int writerPid) throws Exception {
    MemorySegment seg = segmentOf(ring);
    MemorySegment data = seg.asSlice(RingDescriptor.DATA);
    int length = RecordDescriptor.recordLength(10);
    data.set(ValueLayout.JAVA_INT, RecordDescriptor.TYPE, RecordDescriptor.MESSAGE);
    data.set(ValueLayout.JAVA_INT, RecordDescriptor.PID, writerPid);
    data.set(ValueLayout.JAVA_INT, RecordDescriptor.SIZE, 10);
    data.set(ValueLayout.JAVA_INT, RecordDescriptor.LENGTH, -length);
    seg.set(ValueLayout.JAVA_LONG, RingDescriptor.TAIL, length);
  }

  @Test
  void recordLeftHalfWrittenByADeadWriterIsSkipped() throws Exception {
    RingBuffer ring = newRing(false);
    MemorySegment seg = segmentOf(ring);
    int deadPid = deadPid();
    recordInTheMaking(ring, deadPid);
    // ... and its producer mutex, still held
    seg.set(ValueLayout.JAVA_INT, RingDescriptor.PRODUCER_MUTEX, deadPid);
    byte[] m = {7, 7};
    ring.write(m, 0, m.length);
    assertThat(ring.read(TimeUnit.SECONDS.toNanos(10))).containsExactly(7, 7);
  }

  @Test
  void claimAbandonedBeforeTailMovedIsClearedByTheNextWriter() throws Exception {
    RingBuffer ring = newRing(false);
    MemorySegment seg = segmentOf(ring);
    int deadPid = deadPid();
    MemorySegment data = seg.asSlice(RingDescriptor.DATA);
    data.set(ValueLayout.JAVA_INT, RecordDescriptor.PID, deadPid);
    data.set(ValueLayout.JAVA_INT, RecordDescriptor.LENGTH, -RecordDescriptor.recordLength(100));
    seg.set(ValueLayout.JAVA_INT, RingDescriptor.PRODUCER_MUTEX, deadPid);
    byte[] m = {5};
    ring.write(m, 0, m.length);
    assertThat(ring.read(TimeUnit.SECONDS.toNanos(10))).containsExactly(5);
    assertThat(ring.hasData()).isFalse();
  }

  /**
   * A pipe's ring (tracked ends) where a writer died in its copy, still registered, and another
   * writer then sent a message and closed: the reader skips the dead record and gets the message
   * (it must not take the ring for abandoned while it waits for the dead record's commit).
   */
  private RingBuffer trackedRingWithADeadRecordThenAMessage() throws Exception {
    RingBuffer ring = newRing(true);
    ring.addReader();
    int deadPid = deadPid();
    recordInTheMaking(ring, deadPid);
    segmentOf(ring).set(ValueLayout.JAVA_LONG, RingDescriptor.WRITERS + Long.BYTES, ((long) deadPid << 32) | 1);
    ring.addWriter();
    byte[] m = {7, 7};
    ring.write(m, 0, m.length);
    ring.removeWriter();
    return ring;
  }

  @Test
  void aDeadWritersRecordIsSkippedOnATrackedRingWhoseLastWriterClosed() throws Exception {
    assertThat(trackedRingWithADeadRecordThenAMessage().read(TimeUnit.SECONDS.toNanos(10))).containsExactly(7, 7);
  }

  @Test
  void aDeadWritersRecordIsSkippedByAReadWithoutTimeout() throws Exception {
    assertThat(trackedRingWithADeadRecordThenAMessage().read(-1)).containsExactly(7, 7);
  }

  @Test
  void aReadWithoutWaitingReturnsNullWhileALiveWriterIsCopying() throws Exception {
    RingBuffer ring = newRing(false);
    recordInTheMaking(ring, (int) ProcessHandle.current().pid());
    assertThat(ring.read(0)).isNull();
    assertThat(ring.read(TimeUnit.MILLISECONDS.toNanos(30))).isNull();
  }

  /**
   * What a writer killed between the two stores of its claim leaves: its record's header at TAIL
   * (negative length), TAIL not moved past it, and its producer mutex still held. No writer may
   * ever come to clear it (a pipe whose only writer was killed mid-message).
   */
  private static void headerAbandonedBeforeTailMoved(MemorySegment seg, long at, int type, int writerPid) {
    MemorySegment data = seg.asSlice(RingDescriptor.DATA);
    data.set(ValueLayout.JAVA_INT, at + RecordDescriptor.TYPE, type);
    data.set(ValueLayout.JAVA_INT, at + RecordDescriptor.PID, writerPid);
    data.set(ValueLayout.JAVA_INT, at + RecordDescriptor.SIZE, 100);
    data.set(ValueLayout.JAVA_INT, at + RecordDescriptor.LENGTH, -RecordDescriptor.recordLength(100));
    seg.set(ValueLayout.JAVA_LONG, RingDescriptor.TAIL, at);
    seg.set(ValueLayout.JAVA_INT, RingDescriptor.PRODUCER_MUTEX, writerPid);
  }

  /** A read in another thread, given at most 10 s: a reader that waits for ever fails the test, not the build. */
  private static <T> T withinTenSeconds(java.util.concurrent.Callable<T> read) throws Exception {
    var reader = Executors.newSingleThreadExecutor();
    try {
      return reader.submit(read).get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    } finally {
      reader.shutdownNow();
      reader.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPipeWhoseOnlyWriterDiedBeforeMovingTailIsAtEofInsteadOfWaitingForTheCommit() throws Exception {
    RingBuffer ring = newRing(true);
    ring.addReader();
    MemorySegment seg = segmentOf(ring);
    int deadPid = deadPid();
    seg.set(ValueLayout.JAVA_LONG, RingDescriptor.WRITERS, ((long) deadPid << 32) | 1);
    headerAbandonedBeforeTailMoved(seg, 0, RecordDescriptor.MESSAGE, deadPid);
    assertThatThrownBy(() -> withinTenSeconds(() -> ring.read(-1))).isInstanceOf(RingBuffer.PeerGoneException.class)
        .hasMessageContaining("every writer");
    assertThat(ring.hasData()).isFalse();
  }

  @Test
  void aWriterDeadBeforeMovingTailInTheMiddleOfALargeMessageLeavesNoPartAndTheTimeoutHolds() throws Exception {
    RingBuffer ring = newRing(false); // a queue's ring: no ends, the read's timeout ends the wait
    MemorySegment seg = segmentOf(ring);
    MemorySegment data = seg.asSlice(RingDescriptor.DATA);
    int deadPid = deadPid();
    int first = RecordDescriptor.recordLength(100); // a committed first part ...
    data.set(ValueLayout.JAVA_INT, RecordDescriptor.TYPE, RecordDescriptor.FIRST);
    data.set(ValueLayout.JAVA_INT, RecordDescriptor.PID, deadPid);
    data.set(ValueLayout.JAVA_INT, RecordDescriptor.SIZE, 100);
    data.set(ValueLayout.JAVA_INT, RecordDescriptor.LENGTH, first);
    headerAbandonedBeforeTailMoved(seg, first, RecordDescriptor.MIDDLE, deadPid); // ... and the next one's header
    long t0 = System.nanoTime();
    assertThat(withinTenSeconds(() -> ring.read(TimeUnit.MILLISECONDS.toNanos(300)))).isNull();
    assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
    assertThat(ring.hasData()).isFalse();
    byte[] m = {4, 2};
    ring.write(m, 0, m.length); // the ring is usable: no dead writer's mutex or header is left
    assertThat(ring.read(TimeUnit.SECONDS.toNanos(10))).containsExactly(4, 2);
  }

  private MemorySegment segmentOf(RingBuffer ring) throws Exception {
    var f = RingBuffer.class.getDeclaredField("segment");
    f.setAccessible(true);
    return (MemorySegment) f.get(ring);
  }

  /** The pid of a process that has ended. */
  private static int deadPid() throws Exception {
    java.lang.Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return (int) p.pid();
  }
}
