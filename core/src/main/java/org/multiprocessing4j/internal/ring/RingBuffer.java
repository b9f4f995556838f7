package org.multiprocessing4j.internal.ring;

import static org.multiprocessing4j.internal.ring.RecordDescriptor.FIRST;
import static org.multiprocessing4j.internal.ring.RecordDescriptor.HEADER;
import static org.multiprocessing4j.internal.ring.RecordDescriptor.LAST;
import static org.multiprocessing4j.internal.ring.RecordDescriptor.MESSAGE;
import static org.multiprocessing4j.internal.ring.RecordDescriptor.MIDDLE;
import static org.multiprocessing4j.internal.ring.RecordDescriptor.PADDING;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.multiprocessing4j.internal.futex.Futex;
import org.multiprocessing4j.internal.futex.Spin;
import org.multiprocessing4j.internal.sync.Pids;
import org.multiprocessing4j.internal.sync.RobustMutex;

/**
 * A ring of variable-length messages in shared memory, written and read by any number of threads
 * in any number of processes: the transport under {@code Pipe} and {@code Queue} (DESIGN.md §5).
 *
 * <pre>{@code
 * RingBuffer ring = RingBuffer.format(segment, "mp4j-4711-ab", true);   // or RingBuffer.attach(...)
 * ring.write(bytes, 0, bytes.length);          // blocks while the ring is full
 * byte[] m = ring.read(-1);                     // blocks while it is empty; null after a timeout
 * }</pre>
 *
 * <p>Blocking: {@link #write} waits while the ring is full, {@link #read} while it is empty, both
 * spin briefly, then sleep on a futex doorbell ({@code NOT_FULL_SEQ}, {@code NOT_EMPTY_SEQ}) that
 * the other side rings only when someone waits. Messages larger than a quarter of the ring are
 * cut into FIRST/MIDDLE/LAST records, so any size up to 2 GiB passes. Messages from one writer
 * thread arrive in the order written; messages are never interleaved or duplicated.
 *
 * <p>Memory consistency: actions of a writer before {@code write} happen-before the actions of
 * the reader after the {@code read} that returns that message.
 *
 * <p>Overview of implementation. Writers take the producer {@link RobustMutex}, readers the
 * consumer one (Python's queue takes a lock on each side too), so the ring itself is one
 * producer, one consumer at a time. A writer: waits for room (HEAD is read volatile when the
 * HEAD it read last leaves too little), writes a padding record if the message does not fit
 * before the end of the data area, writes the record header with a negative LENGTH, advances
 * TAIL, copies the payload, then stores the positive LENGTH (volatile). A reader: reads LENGTH at HEAD (volatile); 0 means empty,
 * negative means a writer is still copying (or died doing so: its PID is checked, and the record
 * skipped), positive means a committed record, which it copies out and releases by advancing
 * HEAD; it zeroes the consumed bytes (so that LENGTH reads 0 there next time round) a cache line
 * at a time, once HEAD has passed the line, and writers leave that line's worth of room free
 * behind HEAD (see {@link RingDescriptor}). Because the header (with the length) is written
 * before TAIL moves, a writer killed at any point leaves either nothing or a record
 * whose size is known, which readers skip; a dead writer's mutex is taken over by the next writer
 * (see {@link RobustMutex}), or, when a reader finds a dead writer's header that TAIL had not
 * moved past yet, by that reader. A writer that dies between the parts of a large message leaves
 * parts that the reader drops when the next record is not their continuation.
 *
 * <p>Ends: for a pipe, each process holding the write end is counted in the WRITERS table (and
 * readers in READERS); a read on an empty ring whose writers are all gone (closed, or their
 * process dead) throws {@link PeerGoneException}, as does a write when all readers are gone.
 */
public final class RingBuffer {
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  /** How long a blocked reader or writer sleeps before it looks at the other end's liveness. */
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  /** How long a reader waits for a record in the making before it asks whether its writer lives. */
  private static final long COMMIT_PATIENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final java.util.concurrent.ConcurrentHashMap<String, ReentrantLock[]> LOCAL_LOCKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final MemorySegment segment;
  private final MemorySegment data;
  private final int capacity;
  private final int mask;
  /**
   * HEAD as a writer of this handle last read it (HEAD only grows, so an older value only
   * underestimates the room); read and written with the producer mutex held.
   */
  private long knownHead;
  private final int maxRecordPayload;
  private final boolean trackEnds;
  private final RobustMutex producer;
  private final RobustMutex consumer;

  private RingBuffer(MemorySegment segment, String name) {
    this.segment = segment;
    this.capacity = (int) INT.getVolatile(segment, RingDescriptor.CAPACITY);
    this.mask = capacity - 1;
    this.data = segment.asSlice(RingDescriptor.DATA, capacity);
    this.maxRecordPayload = capacity / 4 - HEADER;
    this.trackEnds = ((int) INT.getVolatile(segment, RingDescriptor.FLAGS) & RingDescriptor.FLAG_WRITERS_TRACKED) != 0;
    ReentrantLock[] locks = LOCAL_LOCKS.computeIfAbsent(name, n -> new ReentrantLock[] {new ReentrantLock(), new ReentrantLock()});
    this.producer = new RobustMutex(segment, RingDescriptor.PRODUCER_MUTEX, RingDescriptor.PRODUCER_MUTEX_WAITERS, locks[0]);
    this.consumer = new RobustMutex(segment, RingDescriptor.CONSUMER_MUTEX, RingDescriptor.CONSUMER_MUTEX_WAITERS, locks[1]);
  }

  /**
   * Lays out a new ring in a zero-filled segment of {@link #segmentSize(int)} bytes.
   *
   * @param name the segment's name: threads of this JVM on rings of the same name share locks
   * @param trackEnds true for a pipe: reading from a ring whose writers are all gone is EOF
   */
  public static RingBuffer format(MemorySegment segment, String name, boolean trackEnds) {
    long capacity = segment.byteSize() - RingDescriptor.DATA;
    if (capacity < RingDescriptor.MIN_CAPACITY || Long.bitCount(capacity) != 1 || capacity > RingDescriptor.MAX_CAPACITY) {
      throw new IllegalArgumentException("a ring segment needs " + RingDescriptor.DATA
          + " header bytes plus a power of two between " + RingDescriptor.MIN_CAPACITY + " and "
          + RingDescriptor.MAX_CAPACITY + " data bytes, not " + segment.byteSize() + " bytes in all");
    }
    INT.setVolatile(segment, RingDescriptor.CAPACITY, (int) capacity);
    INT.setVolatile(segment, RingDescriptor.FLAGS, trackEnds ? RingDescriptor.FLAG_WRITERS_TRACKED : 0);
    INT.setVolatile(segment, RingDescriptor.MAGIC, RingDescriptor.MAGIC_VALUE);
    return new RingBuffer(segment, name);
  }

  /** Attaches to a ring laid out by {@link #format} (in this or another process). */
  public static RingBuffer attach(MemorySegment segment, String name) {
    if ((int) INT.getVolatile(segment, RingDescriptor.MAGIC) != RingDescriptor.MAGIC_VALUE) {
      throw new IllegalStateException("segment " + name + " does not hold a ring (no magic number)");
    }
    return new RingBuffer(segment, name);
  }

  /** Bytes of shared memory a ring with {@code capacity} data bytes needs (a power of two). */
  public static long segmentSize(int capacity) {
    return RingDescriptor.segmentSize(capacity);
  }

  /** Data bytes of this ring. */
  public int capacity() {
    return capacity;
  }

  // ------------------------------------------------------------------------------ writing

  /**
   * Writes one message, waiting while the ring is full.
   *
   * @throws PeerGoneException when the ring tracks its ends and every reader is gone
   * @throws InterruptedException when interrupted while waiting (nothing of the message was
   *     written then)
   */
  public void write(byte[] bytes, int offset, int length) throws InterruptedException {
    write(bytes, offset, length, null);
  }

  /**
   * Writes one message like {@link #write(byte[], int, int)}; while it waits for room it checks
   * {@code readerAlive} now and then, and gives up with {@link PeerGoneException} when it says
   * false (for a ring with one known reader, such as a pool worker's inbox).
   */
  public void write(byte[] bytes, int offset, int length, java.util.function.BooleanSupplier readerAlive)
      throws InterruptedException {
    if (producer.lock(-1) == RobustMutex.RECOVERED) {
      clearAbandonedClaim();
    }
    try {
      if (length <= maxRecordPayload) {
        writeRecord(MESSAGE, bytes, offset, length, readerAlive);
      } else {
        int written = 0;
        while (written < length) {
          int part = Math.min(maxRecordPayload, length - written);
          int type = written == 0 ? FIRST : written + part == length ? LAST : MIDDLE;
          writeRecord(type, bytes, offset + written, part, readerAlive);
          written += part;
        }
      }
    } finally {
      producer.unlock();
    }
  }

  /**
   * Writes one message if that can be done at once: the writers' mutex is free, the message fits
   * in one record and there is room. Never waits.
   *
   * @return whether the message was written
   */
  public boolean tryWrite(byte[] bytes, int offset, int length) throws InterruptedException {
    if (length > maxRecordPayload) {
      return false;
    }
    int locked = producer.lock(0);
    if (locked == RobustMutex.TIMED_OUT) {
      return false;
    }
    try {
      if (locked == RobustMutex.RECOVERED) {
        clearAbandonedClaim();
      }
      return tryPlace(MESSAGE, bytes, offset, length);
    } finally {
      producer.unlock();
    }
  }

  private void writeRecord(int type, byte[] bytes, int offset, int size, java.util.function.BooleanSupplier readerAlive)
      throws InterruptedException {
    while (!tryPlace(type, bytes, offset, size)) {
      long head = (long) LONG.getVolatile(segment, RingDescriptor.HEAD);
      if (fits(RecordDescriptor.recordLength(size), head)) {
        continue;
      }
      if (readerAlive != null && !readerAlive.getAsBoolean()) {
        throw new PeerGoneException("the reader of the ring is gone");
      }
      long deadline = readerAlive == null ? Long.MAX_VALUE : System.nanoTime() + SLICE_NANOS;
      awaitDoorbell(RingDescriptor.NOT_FULL_SEQ, RingDescriptor.NOT_FULL_WAITERS, deadline,
          () -> (long) LONG.getVolatile(segment, RingDescriptor.HEAD) != head, true, true);
    }
  }

  /** Whether a record of {@code required} bytes fits now, given HEAD; TAIL is ours (mutex held). */
  private boolean fits(int required, long head) {
    long tail = (long) LONG.getVolatile(segment, RingDescriptor.TAIL);
    int toEnd = capacity - (int) (tail & mask);
    return fits(tail, required > toEnd ? toEnd : 0, required, head);
  }

  /**
   * Whether {@code padding} and a record of {@code required} bytes fit at {@code tail}, given
   * {@code head}: writers keep {@link RingDescriptor#WRITER_GAP} bytes free behind HEAD.
   */
  private boolean fits(long tail, int padding, int required, long head) {
    return tail + padding + required - head <= capacity - RingDescriptor.WRITER_GAP;
  }

  /** Places one record if it fits now; the caller holds the producer mutex. */
  private boolean tryPlace(int type, byte[] bytes, int offset, int size) {
    int required = RecordDescriptor.recordLength(size);
    long tail = (long) LONG.getVolatile(segment, RingDescriptor.TAIL);
    int index = (int) (tail & mask);
    int toEnd = capacity - index;
    int padding = required > toEnd ? toEnd : 0;
    // HEAD only grows: an older value of it is safe, and reading the reader's line only when
    // that value says full keeps it from moving between the cores with every record
    if (!fits(tail, padding, required, knownHead)) {
      knownHead = (long) LONG.getVolatile(segment, RingDescriptor.HEAD);
      if (!fits(tail, padding, required, knownHead)) {
        return false;
      }
    }
    if (padding > 0) {
      claim(index, PADDING, 0, padding, tail);
      INT.setRelease(data, index + RecordDescriptor.LENGTH, padding);
      tail += padding;
      index = 0;
    }
    claim(index, type, size, required, tail);
    MemorySegment.copy(bytes, offset, data, ValueLayout.JAVA_BYTE, index + HEADER, size);
    INT.setVolatile(data, index + RecordDescriptor.LENGTH, required);
    ring(RingDescriptor.NOT_EMPTY_SEQ, RingDescriptor.NOT_EMPTY_WAITERS);
    return true;
  }

  /**
   * Writes a record's header with a negative (uncommitted) length, then moves TAIL past it: from
   * then on its size is known to readers even if this process dies before committing it.
   */
  private void claim(int index, int type, int size, int length, long tail) {
    INT.set(data, index + RecordDescriptor.TYPE, type);
    INT.set(data, index + RecordDescriptor.PID, Pids.SELF);
    INT.set(data, index + RecordDescriptor.SIZE, size);
    INT.setRelease(data, index + RecordDescriptor.LENGTH, -length);
    LONG.setRelease(segment, RingDescriptor.TAIL, tail + length);
  }

  /**
   * After taking the producer mutex over from a dead writer: that writer may have written a
   * header at TAIL and died before moving TAIL past it. Nobody will commit it; clear it.
   */
  private void clearAbandonedClaim() {
    long tail = (long) LONG.getVolatile(segment, RingDescriptor.TAIL);
    int index = (int) (tail & mask);
    if ((int) INT.getVolatile(data, index + RecordDescriptor.LENGTH) < 0) {
      data.asSlice(index, HEADER).fill((byte) 0);
    }
  }

  /**
   * A reader found at HEAD the header of a record whose writer died after writing it and before
   * moving TAIL past it (between the two stores of {@link #claim}). The next writer clears such a
   * header when it takes the dead writer's mutex over ({@link #clearAbandonedClaim}), but there may
   * never be a next writer (a pipe whose only writer was killed), and the reader would wait for
   * the commit for ever: it takes the producer mutex over itself and clears the header.
   *
   * @return whether the header is gone; false when a live writer holds the producer mutex (it
   *     took it over from the dead one, and clears the header itself)
   */
  private boolean clearDeadWritersClaim() {
    if (producer.tryLockOrRecover() == RobustMutex.TIMED_OUT) {
      return false;
    }
    try {
      clearAbandonedClaim();
    } finally {
      producer.unlock();
    }
    return true;
  }

  // ------------------------------------------------------------------------------ reading

  /**
   * Reads the next message, waiting at most {@code timeoutNanos} (negative: forever) while the
   * ring is empty.
   *
   * @return the message, or null when the timeout passed
   * @throws PeerGoneException when the ring tracks its ends, is empty, and every writer is gone
   * @throws InterruptedException when interrupted while waiting
   */
  public byte[] read(long timeoutNanos) throws InterruptedException {
    return read(timeoutNanos, null, 0, null);
  }

  /**
   * Reads the next message like {@link #read(long)}, into {@code into} at {@code offset} when it
   * is one record and fits there (then {@code into} itself is returned and {@code sizeOut[0]}
   * holds its length); otherwise the message is returned in a new array and {@code into} is left
   * untouched.
   */
  public byte[] read(long timeoutNanos, byte[] into, int offset, int[] sizeOut) throws InterruptedException {
    long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
    int locked = consumer.lock(timeoutNanos);
    if (locked == RobustMutex.TIMED_OUT) {
      return null;
    }
    if (locked == RobustMutex.RECOVERED) {
      finishDeadReadersRelease();
    }
    try {
      ByteArrayOutputStream parts = null;
      int partsPid = 0;
      long patience = COMMIT_PATIENCE_NANOS;
      while (true) {
        long head = (long) LONG.getVolatile(segment, RingDescriptor.HEAD);
        int index = (int) (head & mask);
        int length = (int) INT.getVolatile(data, index + RecordDescriptor.LENGTH);
        // while a large message is half read, its writer is busy: wait for it, not for the caller's deadline
        long until = parts == null ? deadline : System.nanoTime() + SLICE_NANOS;
        if (length == 0) {
          if (!waitForData(index, until)) {
            if (parts == null) {
              return null;
            }
            parts = Pids.alive(partsPid) ? parts : null; // its writer died between two parts
          }
          continue;
        }
        int pid = (int) INT.get(data, index + RecordDescriptor.PID);
        if (length < 0) {
          // a writer is copying its record: wait for the commit first, and ask whether the writer
          // lives only when none came for a while (asking reads /proc, tens of µs: asked on every
          // sight of a record in the making, it slowed a pipe round trip from 0.7 to ~10 µs
          // whenever the reader's looks fell in the writer's copy)
          if (waitForCommit(index, length, Math.min(until, System.nanoTime() + patience))) {
            continue;
          }
          boolean claimed = head - length <= (long) LONG.getVolatile(segment, RingDescriptor.TAIL);
          if (!Pids.alive(pid)) {
            parts = null; // its writer died: no more of its parts come
            if (claimed) {
              release(head, index, -length); // the writer died while copying: skip its record
              continue;
            }
            if (clearDeadWritersClaim()) {
              continue; // it died between its header and TAIL: nothing is left at HEAD now
            }
            // else a live writer holds the producer mutex: it took it from the dead one and clears the header
          }
          if (parts == null && until != Long.MAX_VALUE && System.nanoTime() - until >= 0) {
            return null;
          }
          patience = SLICE_NANOS; // a writer this slow (stopped, or copying a huge record): ask less often
          continue;
        }
        int type = (int) INT.get(data, index + RecordDescriptor.TYPE);
        int size = (int) INT.get(data, index + RecordDescriptor.SIZE);
        switch (type) {
          case MESSAGE -> {
            if (into != null && size <= into.length - offset) {
              MemorySegment.copy(data, ValueLayout.JAVA_BYTE, index + HEADER, into, offset, size);
              release(head, index, length);
              sizeOut[0] = size;
              return into;
            }
            byte[] message = copyOut(index, size);
            release(head, index, length);
            return message;
          }
          case FIRST -> {
            parts = new ByteArrayOutputStream(size * 4);
            partsPid = pid;
            parts.writeBytes(copyOut(index, size));
          }
          case MIDDLE, LAST -> {
            if (parts != null && pid == partsPid) {
              parts.writeBytes(copyOut(index, size));
              if (type == LAST) {
                release(head, index, length);
                return parts.toByteArray();
              }
            }
          }
          default -> {
            // PADDING, or a part whose beginning was lost: skip
          }
        }
        release(head, index, length);
      }
    } finally {
      consumer.unlock();
    }
  }

  /** Whether a message (or part of one) is waiting; a hint, as Python's {@code poll()}. */
  public boolean hasData() {
    long head = (long) LONG.getVolatile(segment, RingDescriptor.HEAD);
    return (int) INT.getVolatile(data, (int) (head & mask) + RecordDescriptor.LENGTH) != 0;
  }

  /**
   * Waits until a message is waiting or the timeout passed (negative: forever), without taking
   * it (Python's {@code poll(timeout)}).
   *
   * @return whether data is waiting
   * @throws PeerGoneException when the ring tracks its ends, is empty and every writer is gone
   */
  public boolean awaitData(long timeoutNanos) throws InterruptedException {
    long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
    while (!hasData()) {
      long head = (long) LONG.getVolatile(segment, RingDescriptor.HEAD);
      if (!waitForData((int) (head & mask), deadline)) {
        return hasData();
      }
    }
    return true;
  }

  /**
   * Whole messages in the ring now, counted by walking its records: a hint, as Python's
   * {@code qsize()} (readers and writers may move while it counts). No counter is kept: it would
   * cost both sides an atomic update of a shared cache line per message.
   */
  public long count() {
    long tail = (long) LONG.getVolatile(segment, RingDescriptor.TAIL);
    long pos = (long) LONG.getVolatile(segment, RingDescriptor.HEAD);
    long n = 0;
    while (pos < tail) {
      int index = (int) (pos & mask);
      int length = (int) INT.getVolatile(data, index + RecordDescriptor.LENGTH);
      if (length == 0) {
        break; // consumed under us
      }
      int type = (int) INT.get(data, index + RecordDescriptor.TYPE);
      if (length > 0 && (type == MESSAGE || type == LAST)) {
        n++;
      }
      pos += Math.abs(length);
    }
    return n;
  }

  private byte[] copyOut(int index, int size) {
    byte[] out = new byte[size];
    MemorySegment.copy(data, ValueLayout.JAVA_BYTE, index + HEADER, out, 0, size);
    return out;
  }

  /**
   * Gives a consumed record's bytes back to the writers, zeroing the cache lines HEAD has now
   * passed (see {@link RingDescriptor}); the caller holds the consumer mutex.
   */
  private void release(long head, int index, int length) {
    long next = head + length;
    long zeroed = (long) LONG.get(segment, RingDescriptor.ZEROED);
    long upTo = next & -RingDescriptor.CACHE_LINE;
    if (upTo > zeroed) {
      // only a release that zeroes can leave a 0 at HEAD if this reader dies before moving it
      LONG.setRelease(segment, RingDescriptor.RELEASING, next); // see finishDeadReadersRelease
      zero(zeroed, upTo);
      LONG.set(segment, RingDescriptor.ZEROED, upTo); // published with HEAD below
    }
    LONG.setVolatile(segment, RingDescriptor.HEAD, next);
    ring(RingDescriptor.NOT_FULL_SEQ, RingDescriptor.NOT_FULL_WAITERS);
  }

  /**
   * After taking the consumer mutex over from a dead reader: that reader may have died in a
   * release, after zeroing the header at HEAD and before moving HEAD (see {@link RingDescriptor}).
   * Finish it: the record was consumed, and is lost with its reader. (A reader that died in a
   * release that zeroed nothing left its record whole at HEAD, and RELEASING, set by an earlier
   * release, is not ahead of HEAD: the next reader reads that record.)
   */
  private void finishDeadReadersRelease() {
    long head = (long) LONG.getVolatile(segment, RingDescriptor.HEAD);
    long next = (long) LONG.getVolatile(segment, RingDescriptor.RELEASING);
    if (next > head) {
      release(head, (int) (head & mask), (int) (next - head));
    }
  }

  /** Zeroes the data bytes at ring positions {@code [from, to)} (at most {@code capacity} of them). */
  private void zero(long from, long to) {
    int index = (int) (from & mask);
    long n = to - from;
    int first = (int) Math.min(n, capacity - index);
    data.asSlice(index, first).fill((byte) 0);
    if (n > first) {
      data.asSlice(0, n - first).fill((byte) 0);
    }
  }

  private boolean waitForData(int index, long deadline) throws InterruptedException {
    return awaitDoorbell(RingDescriptor.NOT_EMPTY_SEQ, RingDescriptor.NOT_EMPTY_WAITERS, deadline,
        () -> (int) INT.getVolatile(data, index + RecordDescriptor.LENGTH) != 0, false, true);
  }

  /**
   * Waits for the record in the making at {@code index} to be committed (or to change). No check
   * of the ends: a writer that died in its copy leaves the record uncommitted, and the caller
   * skips it after asking whether that writer lives, even when no other writer is left.
   */
  private boolean waitForCommit(int index, int length, long deadline) throws InterruptedException {
    return awaitDoorbell(RingDescriptor.NOT_EMPTY_SEQ, RingDescriptor.NOT_EMPTY_WAITERS, deadline,
        () -> (int) INT.getVolatile(data, index + RecordDescriptor.LENGTH) != length, false, false);
  }

  // ------------------------------------------------------------------------------ doorbells

  /** Rings a doorbell if anyone waits on it. */
  private void ring(long seq, long waiters) {
    if ((int) INT.getVolatile(segment, waiters) > 0) {
      INT.getAndAdd(segment, seq, 1);
      Futex.wakeAll(segment, seq);
    }
  }

  /**
   * Waits until {@code ready} holds or the deadline passed: spins, then sleeps on the doorbell
   * in slices, checking between slices that the other end still exists (for tracked rings).
   *
   * @param writing true when a writer waits for room (then the readers must exist)
   * @param checkEnds whether to check (tracked rings) that the other end is still there
   * @return whether {@code ready} holds
   */
  private boolean awaitDoorbell(long seq, long waiters, long deadline, java.util.function.BooleanSupplier ready,
      boolean writing, boolean checkEnds) throws InterruptedException {
    if (Spin.until(ready, Math.min(Spin.DEFAULT_NANOS, deadline - System.nanoTime()))) {
      return true;
    }
    while (true) {
      int ticket = (int) INT.getVolatile(segment, seq);
      INT.getAndAdd(segment, waiters, 1);
      try {
        if (ready.getAsBoolean()) {
          return true;
        }
        long remaining = deadline == Long.MAX_VALUE ? SLICE_NANOS : deadline - System.nanoTime();
        if (remaining <= 0) {
          return false;
        }
        if (checkEnds && trackEnds && !endRegistered(writing ? RingDescriptor.READERS : RingDescriptor.WRITERS)) {
          throw peerGone(writing); // closed: a cheap look at the table, every time
        }
        boolean rung = Futex.await(segment, seq, ticket, Math.min(remaining, SLICE_NANOS));
        if (!rung && checkEnds) {
          checkOtherEnd(writing); // a whole slice without a ring: are the holders still alive?
        }
      } finally {
        INT.getAndAdd(segment, waiters, -1);
      }
      if (ready.getAsBoolean()) {
        return true;
      }
    }
  }

  private void checkOtherEnd(boolean writing) {
    if (trackEnds && !endAlive(writing ? RingDescriptor.READERS : RingDescriptor.WRITERS)) {
      throw peerGone(writing);
    }
  }

  private static PeerGoneException peerGone(boolean writing) {
    return new PeerGoneException(writing ? "every reader of the ring is gone" : "every writer of the ring is gone");
  }

  /** Whether any process has this end registered; no liveness check (cheap). */
  private boolean endRegistered(long table) {
    for (int i = 0; i < RingDescriptor.END_SLOTS; i++) {
      if ((int) (long) LONG.getVolatile(segment, table + (long) i * Long.BYTES) > 0) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------------------ ends

  /** Counts this process as holding the write end (once per handle it holds). */
  public void addWriter() {
    addEnd(RingDescriptor.WRITERS, 1);
  }

  /** Forgets one write-end handle of this process. */
  public void removeWriter() {
    addEnd(RingDescriptor.WRITERS, -1);
    // a reader may be waiting for data that will not come: let it look again
    INT.getAndAdd(segment, RingDescriptor.NOT_EMPTY_SEQ, 1);
    Futex.wakeAll(segment, RingDescriptor.NOT_EMPTY_SEQ);
  }

  /** Counts this process as holding the read end. */
  public void addReader() {
    addEnd(RingDescriptor.READERS, 1);
  }

  /** Forgets one read-end handle of this process. */
  public void removeReader() {
    addEnd(RingDescriptor.READERS, -1);
    INT.getAndAdd(segment, RingDescriptor.NOT_FULL_SEQ, 1);
    Futex.wakeAll(segment, RingDescriptor.NOT_FULL_SEQ);
  }

  /** Whether some live process holds the write end (always true for an untracked ring). */
  public boolean writersAlive() {
    return !trackEnds || endAlive(RingDescriptor.WRITERS);
  }

  /**
   * Whether some process has the read end registered (closed ends are gone; a dead process's
   * registration still counts): a check cheap enough for every send. Always true for an
   * untracked ring.
   */
  public boolean readersRegistered() {
    return !trackEnds || endRegistered(RingDescriptor.READERS);
  }

  /** Whether some live process holds the read end (always true for an untracked ring). */
  public boolean readersAlive() {
    return !trackEnds || endAlive(RingDescriptor.READERS);
  }

  /** A reservation of an end for a child that has not attached yet, in a slot's count. */
  private static final int RESERVED = 1 << 20;
  private static final int HANDLES_MASK = RESERVED - 1;

  /**
   * Counts process {@code pid} as holding an end before it has attached: the parent of a child
   * does so at start, for the ends it sends, so that closing its own copy right after
   * {@code start()} (the usual Python idiom) is not taken for the end's close. The child's first
   * attach takes the reservation over.
   */
  public void reserveWriter(long pid) {
    changeEnd(RingDescriptor.WRITERS, Math.toIntExact(pid), RESERVED);
  }

  /** Reserves the read end for {@code pid}; see {@link #reserveWriter}. */
  public void reserveReader(long pid) {
    changeEnd(RingDescriptor.READERS, Math.toIntExact(pid), RESERVED);
  }

  private void addEnd(long table, int delta) {
    changeEnd(table, Pids.SELF, delta);
  }

  /**
   * Changes the slot of {@code pid} in an end table by {@code delta} handles (or one
   * reservation). A slot is (pid << 32 | count); count is handles plus reservations x
   * {@link #RESERVED}; an attach (+1) consumes a reservation; the slot is freed at 0.
   */
  private void changeEnd(long table, int pid, int delta) {
    while (true) {
      int free = -1;
      boolean raced = false;
      for (int i = 0; i < RingDescriptor.END_SLOTS && !raced; i++) {
        long off = table + (long) i * Long.BYTES;
        long slot = (long) LONG.getVolatile(segment, off);
        if ((int) (slot >>> 32) == pid && slot != 0) {
          int count = (int) slot;
          int next = delta == 1 && count >= RESERVED ? count - RESERVED + 1 : count + delta;
          if (delta < 0 && (count & HANDLES_MASK) == 0) {
            return; // no handle of this process to drop
          }
          if (LONG.compareAndSet(segment, off, slot, next <= 0 ? 0L : ((long) pid << 32) | next)) {
            return;
          }
          raced = true; // another thread of ours changed it: look again
        } else if (free == -1 && (slot == 0 || !Pids.alive((int) (slot >>> 32)))) {
          free = i; // empty, or a dead process's: reusable
        }
      }
      if (raced) {
        continue;
      }
      if (delta < 0) {
        return; // nothing registered for this process
      }
      if (free == -1) {
        throw new IllegalStateException("more than " + RingDescriptor.END_SLOTS
            + " processes hold the same end of a pipe; close the handles that are not in use");
      }
      long off = table + (long) free * Long.BYTES;
      long old = (long) LONG.getVolatile(segment, off);
      if (LONG.compareAndSet(segment, off, old, ((long) pid << 32) | delta)) {
        return;
      }
    }
  }

  private boolean endAlive(long table) {
    for (int i = 0; i < RingDescriptor.END_SLOTS; i++) {
      long slot = (long) LONG.getVolatile(segment, table + (long) i * Long.BYTES);
      if (slot != 0 && (int) slot > 0 && Pids.alive((int) (slot >>> 32))) {
        return true;
      }
    }
    return false;
  }

  /** The other end of a tracked ring is gone: Python's EOFError / BrokenPipeError. */
  public static final class PeerGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PeerGoneException(String message) {
      super(message);
    }
  }
}
