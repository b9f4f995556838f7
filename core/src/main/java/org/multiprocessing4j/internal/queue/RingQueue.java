package org.multiprocessing4j.internal.queue;

import java.io.ObjectInputStream;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.JoinableQueue;
import org.multiprocessing4j.ProcessInterruptedException;
import org.multiprocessing4j.QueueEmptyException;
import org.multiprocessing4j.QueueFullException;
import org.multiprocessing4j.SimpleQueue;
import org.multiprocessing4j.internal.futex.Futex;
import org.multiprocessing4j.internal.pickle.Codec;
import org.multiprocessing4j.internal.ring.ReadBuffer;
import org.multiprocessing4j.internal.ring.RingBuffer;
import org.multiprocessing4j.internal.shm.ShmSegment;
import org.multiprocessing4j.internal.shm.ShmSweeper;
import org.multiprocessing4j.internal.spawn.ExitHooks;

/**
 * The one implementation of {@code Queue}, {@code JoinableQueue} and {@code SimpleQueue}
 * (Python's {@code multiprocessing.queues}): a {@link RingBuffer} in a shared segment, plus the
 * queue's counters ({@link QueueDescriptor}).
 *
 * <p>Overview of implementation. {@code put} serializes the item in the caller's thread, takes a
 * slot of a bounded queue (a counter in shared memory, waited on with a futex), counts the item
 * in PUT (and UNFINISHED for a joinable queue), then writes it straight into the ring when
 * nothing of this handle is buffered and the ring has room at once; otherwise the item joins the
 * handle's buffer and the feeder thread (a daemon thread, started on first need) writes it,
 * waiting for room. So {@code put} never waits on an unbounded queue and one thread's items stay
 * in order. {@code get} reads the ring (readers take the ring's consumer mutex: Python's
 * {@code _rlock}), then counts it in GOT and gives back the slot. A simple queue has no buffer
 * and no PUT and GOT counters (an update of a shared cache line per item on each side, for a
 * {@code qsize} its interface does not offer; {@link #qsize} counts the ring's records for it):
 * its {@code put} writes into the ring and waits while it is full.
 *
 * <p>At exit of the process, a feeder flushes what is buffered before the process reports its
 * exit, unless {@link #cancelJoinThread()} was called (Python's {@code _finalize_join}).
 *
 * @param <E> the type of the items
 */
public final class RingQueue<E> implements JoinableQueue<E>, SimpleQueue<E>, Codec.Portable {
  @Serial private static final long serialVersionUID = 1L;

  static {
    registerPortable();
  }
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  /** A waiter on a queue counter re-reads it at least this often. */
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final String name;
  private transient ShmSegment segment;
  private transient MemorySegment words;
  private transient RingBuffer ring;
  private transient int kind;
  private transient int maxsize;
  private transient Object lock;
  private transient ArrayDeque<byte[]> buffer;
  private transient boolean feederBusy;
  private transient Thread feeder;
  private transient volatile boolean closed;
  private transient volatile boolean joinCancelled;
  private transient volatile boolean reapWhenReleased;

  private RingQueue(ShmSegment segment) {
    this.name = segment.name();
    init(segment);
  }

  private void init(ShmSegment seg) {
    this.segment = seg;
    this.words = seg.payload();
    this.kind = (int) INT.getVolatile(words, QueueDescriptor.KIND);
    this.maxsize = (int) INT.getVolatile(words, QueueDescriptor.MAXSIZE);
    this.ring = RingBuffer.attach(words.asSlice(QueueDescriptor.RING), name);
    this.lock = new Object();
    this.buffer = new ArrayDeque<>();
  }

  /** A new queue; {@code maxsize <= 0} is unbounded (Python's rule). */
  public static <E> RingQueue<E> create(int maxsize, boolean joinable) {
    return create(joinable ? QueueDescriptor.KIND_JOINABLE : QueueDescriptor.KIND_QUEUE, Math.max(0, maxsize));
  }

  /** A new simple queue. */
  public static <E> RingQueue<E> createSimple() {
    return create(QueueDescriptor.KIND_SIMPLE, 0);
  }

  private static <E> RingQueue<E> create(int kind, int maxsize) {
    ShmSegment seg = ShmSegment.create(QueueDescriptor.RING + RingBuffer.segmentSize(QueueDescriptor.RING_CAPACITY));
    MemorySegment w = seg.payload();
    INT.setVolatile(w, QueueDescriptor.MAXSIZE, maxsize);
    INT.setVolatile(w, QueueDescriptor.SLOTS, maxsize);
    INT.setVolatile(w, QueueDescriptor.KIND, kind);
    RingBuffer.format(w.asSlice(QueueDescriptor.RING), seg.name(), false);
    return new RingQueue<>(seg);
  }

  // ------------------------------------------------------------------------------ put

  @Override
  public void put(E item) {
    put(item, true, null);
  }

  @Override
  public void putNowait(E item) {
    put(item, false, null);
  }

  @Override
  public void put(E item, boolean block, Duration timeout) {
    checkOpen("put");
    byte[] bytes = Codec.encode(item, "an item put on ", this);
    if (maxsize > 0 && !takeSlot(block, timeout)) {
      throw new QueueFullException(this + " is full (maxsize " + maxsize + ")"
          + (block ? " after waiting " + timeout : "") + "; get items first or put with a longer timeout");
    }
    if (kind == QueueDescriptor.KIND_SIMPLE) {
      write(bytes, null);
      return;
    }
    LONG.getAndAdd(words, QueueDescriptor.PUT, 1L);
    if (kind == QueueDescriptor.KIND_JOINABLE) {
      INT.getAndAdd(words, QueueDescriptor.UNFINISHED, 1);
    }
    try {
      synchronized (lock) {
        if (buffer.isEmpty() && !feederBusy && ring.tryWrite(bytes, 0, bytes.length)) {
          return;
        }
        buffer.add(bytes);
        startFeeder();
        lock.notifyAll();
      }
    } catch (InterruptedException e) {
      // the item was neither written nor buffered: give back what was counted for it
      LONG.getAndAdd(words, QueueDescriptor.PUT, -1L);
      if (kind == QueueDescriptor.KIND_JOINABLE
          && (int) INT.getAndAdd(words, QueueDescriptor.UNFINISHED, -1) == 1) {
        wakeIfWaiting(QueueDescriptor.UNFINISHED, QueueDescriptor.UNFINISHED_WAITERS);
      }
      if (maxsize > 0) {
        INT.getAndAdd(words, QueueDescriptor.SLOTS, 1);
        wakeIfWaiting(QueueDescriptor.SLOTS, QueueDescriptor.SLOTS_WAITERS);
      }
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException("interrupted while putting on " + this, e);
    }
  }

  /**
   * Encodes an item for {@link #putEncodedWhile} or {@link #tryPutEncoded}.
   *
   * @throws org.multiprocessing4j.PicklingException when the item cannot be serialized
   */
  public byte[] encode(E item) {
    return Codec.encode(item, "an item put on ", this);
  }

  /**
   * Puts an encoded item into a simple queue with one known reader, checking {@code readerAlive}
   * while the ring is full: the pool's way to feed a worker without hanging on a dead one.
   *
   * @throws RingBuffer.PeerGoneException when the reader died while the ring was full
   */
  public void putEncodedWhile(byte[] bytes, java.util.function.BooleanSupplier readerAlive) {
    checkSimple("put");
    write(bytes, readerAlive);
  }

  private void write(byte[] bytes, java.util.function.BooleanSupplier readerAlive) {
    try {
      if (readerAlive == null) {
        ring.write(bytes, 0, bytes.length);
      } else {
        ring.write(bytes, 0, bytes.length, readerAlive);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException("interrupted while putting on " + this, e);
    }
  }

  /**
   * Puts an encoded item into a simple queue if that can be done at once (the ring has room, no
   * other writer holds it, the item fits in one record); never waits. For a writer that must not
   * block (the pool's result thread).
   *
   * @return whether the item was put
   */
  public boolean tryPutEncoded(byte[] bytes) {
    checkSimple("put");
    try {
      return ring.tryWrite(bytes, 0, bytes.length);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException("interrupted while putting on " + this, e);
    }
  }

  private void checkSimple(String what) {
    checkOpen(what);
    if (kind != QueueDescriptor.KIND_SIMPLE) {
      throw new IllegalStateException(what + " of encoded items needs a SimpleQueue; " + this + " is not one");
    }
  }

  private boolean takeSlot(boolean block, Duration timeout) {
    long deadline = !block ? 0 : timeout == null ? Long.MAX_VALUE : System.nanoTime() + Math.max(0, timeout.toNanos());
    while (true) {
      int free = (int) INT.getVolatile(words, QueueDescriptor.SLOTS);
      if (free > 0) {
        if (INT.compareAndSet(words, QueueDescriptor.SLOTS, free, free - 1)) {
          return true;
        }
        continue;
      }
      long remaining = deadline == Long.MAX_VALUE ? SLICE_NANOS : deadline - System.nanoTime();
      if (remaining <= 0) {
        return false;
      }
      awaitWord(QueueDescriptor.SLOTS, QueueDescriptor.SLOTS_WAITERS, 0, Math.min(remaining, SLICE_NANOS), "putting on");
    }
  }

  private void startFeeder() {
    if (feeder == null) {
      feeder = Thread.ofPlatform().daemon().name("mp4j-queue-feeder").start(this::feed);
      ExitHooks.addFirst(this::flushAtExit);
    }
  }

  /** The feeder thread: moves buffered items into the ring, in order, until closed and empty. */
  private void feed() {
    while (true) {
      byte[] next;
      synchronized (lock) {
        while (buffer.isEmpty() && !closed) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (buffer.isEmpty()) {
          break; // closed and flushed
        }
        next = buffer.poll();
        feederBusy = true;
      }
      try {
        ring.write(next, 0, next.length);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // as Python's feeder: report and go on with the next item
        System.err.println("multiprocessing4j: the feeder of " + this + " could not write an item: " + e);
      } finally {
        synchronized (lock) {
          feederBusy = false;
          lock.notifyAll();
        }
      }
    }
    release();
  }

  private void flushAtExit() {
    if (!joinCancelled) {
      close();
      joinThread();
    }
  }

  // ------------------------------------------------------------------------------ get

  @Override
  public E get() {
    return get(true, null);
  }

  @Override
  public E getNowait() {
    return get(false, null);
  }

  @Override
  @SuppressWarnings("unchecked")
  public E get(boolean block, Duration timeout) {
    long nanos = !block ? 0 : timeout == null ? -1 : Math.max(0, timeout.toNanos());
    Object item = next(nanos);
    if (item == NONE) {
      throw new QueueEmptyException(this + " is empty" + (block ? " after waiting " + timeout : ""));
    }
    return (E) item; // null when null was put, as in Python
  }

  /**
   * The next item, waiting at most {@code timeoutNanos} (negative: forever), or null when none
   * came; throws no {@code QueueEmptyException}. For queues whose items are never null (the pool's
   * result queue, whose thread waits in short slices: an exception per slice is work for nothing).
   */
  @SuppressWarnings("unchecked")
  public E getOrNull(long timeoutNanos) {
    Object item = next(timeoutNanos);
    return item == NONE ? null : (E) item;
  }

  /** What {@link #next} returns when no item came. */
  private static final Object NONE = new Object();

  /** The next item (which may be null), waiting at most {@code timeoutNanos}, or {@link #NONE}. */
  private Object next(long timeoutNanos) {
    checkOpen("get");
    ReadBuffer buffer = ReadBuffer.take();
    try {
      byte[] bytes = buffer.read(ring, timeoutNanos);
      return bytes == null ? NONE : received(bytes, buffer.length());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException("interrupted while getting from " + this, e);
    } finally {
      buffer.release();
    }
  }

  /**
   * The next item if one is there now, else null; never waits, throws no
   * {@code QueueEmptyException}. For queues whose items are never null (the pool's result queue).
   */
  public E pollOrNull() {
    checkOpen("get");
    return ring.hasData() ? getOrNull(0) : null;
  }

  /** Counts a message taken from the ring as gone from the queue (a slot freed) and decodes it. */
  @SuppressWarnings("unchecked")
  private E received(byte[] bytes, int length) {
    if (kind != QueueDescriptor.KIND_SIMPLE) {
      LONG.getAndAdd(words, QueueDescriptor.GOT, 1L);
    }
    if (maxsize > 0) {
      INT.getAndAdd(words, QueueDescriptor.SLOTS, 1);
      wakeIfWaiting(QueueDescriptor.SLOTS, QueueDescriptor.SLOTS_WAITERS);
    }
    return (E) Codec.decode(bytes, 0, length);
  }

  // ------------------------------------------------------------------------------ state

  @Override
  public int qsize() {
    checkOpen("qsize");
    if (kind == QueueDescriptor.KIND_SIMPLE) {
      return (int) Math.min(Integer.MAX_VALUE, ring.count());
    }
    long got = (long) LONG.getVolatile(words, QueueDescriptor.GOT); // first: PUT read after it is at least as new
    long put = (long) LONG.getVolatile(words, QueueDescriptor.PUT);
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, put - got));
  }

  @Override
  public boolean empty() {
    checkOpen("empty");
    return !ring.hasData();
  }

  @Override
  public boolean full() {
    checkOpen("full");
    return maxsize > 0 && (int) INT.getVolatile(words, QueueDescriptor.SLOTS) <= 0;
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      lock.notifyAll();
      if (feeder != null && (feederBusy || !buffer.isEmpty())) {
        return; // the feeder flushes, then releases the segment
      }
    }
    release(); // an idle feeder's own release after this does nothing
  }

  /**
   * Closes this handle and, when no live process maps the queue any more, removes it: for queues
   * whose other holders may have been killed (a killed process never gives its hold back), such
   * as a pool's worker inboxes and result queue. The check reads every process's memory map, so
   * it is for rare events, not for every close.
   */
  public void closeAndReap() {
    reapWhenReleased = true;
    close();
  }

  /** Releases this handle's segment (once), and reaps it if {@link #closeAndReap()} asked for it. */
  private void release() {
    if (segment.isClosed()) {
      return;
    }
    segment.close();
    if (reapWhenReleased) {
      ShmSweeper.deleteIfUnmapped(name);
    }
  }

  @Override
  public void joinThread() {
    if (!closed) {
      throw new IllegalStateException(this + " is not closed: call close() before joinThread()");
    }
    Thread f;
    synchronized (lock) {
      f = feeder;
    }
    if (f != null) {
      try {
        f.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProcessInterruptedException("interrupted while joining the feeder of " + this, e);
      }
    }
  }

  @Override
  public void cancelJoinThread() {
    joinCancelled = true;
  }

  // ------------------------------------------------------------------------------ joinable

  @Override
  public void taskDone() {
    checkJoinable("taskDone");
    while (true) {
      int unfinished = (int) INT.getVolatile(words, QueueDescriptor.UNFINISHED);
      if (unfinished <= 0) {
        throw new IllegalStateException("task_done() called too many times on " + this
            + ": every item put has already been marked done");
      }
      if (INT.compareAndSet(words, QueueDescriptor.UNFINISHED, unfinished, unfinished - 1)) {
        if (unfinished == 1) {
          wakeIfWaiting(QueueDescriptor.UNFINISHED, QueueDescriptor.UNFINISHED_WAITERS);
        }
        return;
      }
    }
  }

  @Override
  public void join() {
    checkJoinable("join");
    while (true) {
      int unfinished = (int) INT.getVolatile(words, QueueDescriptor.UNFINISHED);
      if (unfinished <= 0) {
        return;
      }
      awaitWord(QueueDescriptor.UNFINISHED, QueueDescriptor.UNFINISHED_WAITERS, unfinished, SLICE_NANOS, "joining");
    }
  }

  private void checkJoinable(String what) {
    checkOpen(what);
    if (kind != QueueDescriptor.KIND_JOINABLE) {
      throw new IllegalStateException(what + "() needs a JoinableQueue; " + this + " is a plain queue");
    }
  }

  // ------------------------------------------------------------------------------ helpers

  private void awaitWord(long word, long waiters, int expected, long nanos, String doing) {
    INT.getAndAdd(words, waiters, 1);
    try {
      Futex.await(words, word, expected, nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException("interrupted while " + doing + " " + this, e);
    } finally {
      INT.getAndAdd(words, waiters, -1);
    }
  }

  private void wakeIfWaiting(long word, long waiters) {
    if ((int) INT.getVolatile(words, waiters) > 0) {
      Futex.wakeAll(words, word);
    }
  }

  private void checkOpen(String what) {
    if (closed) {
      throw new IllegalStateException(this + " is closed: cannot " + what + "; create a new queue or"
          + " stop using this handle");
    }
  }

  @Override
  public String toString() {
    String type = switch (kind) {
      case QueueDescriptor.KIND_JOINABLE -> "JoinableQueue";
      case QueueDescriptor.KIND_SIMPLE -> "SimpleQueue";
      default -> "Queue";
    };
    return type + "(" + name + (maxsize > 0 ? ", maxsize=" + maxsize : "") + ")";
  }

  // ------------------------------------------------------------------------------ serialization

  /**
   * The portable form (Python: what {@code Queue.__getstate__} pickles): in the codec a queue
   * travels as its segment's name, without JDK serialization (a young JVM, such as a new pool
   * worker, would pay ~40 ms to set that up); the receiver attaches (see {@link ShmSegment}).
   */
  @Override
  public Object[] portableFields() {
    checkOpen("send");
    return new Object[] {name};
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void registerPortable() {
    Codec.registerPortable((Class) RingQueue.class, new Attacher());
  }

  /** Builds the receiving end of a queue from its portable form. */
  private static final class Attacher implements java.util.function.Function<Object[], RingQueue<?>> {
    @Override
    public RingQueue<?> apply(Object[] fields) {
      // null while a spare decodes a hint: see Codec.decodeToWarmUp
      return Codec.warmingUp() ? null : new RingQueue<>(ShmSegment.attach((String) fields[0]));
    }
  }

  /** Inside a value that goes through JDK serialization: the portable form, as above. */
  @Serial
  private Object writeReplace() {
    return Codec.jdkForm(this);
  }

  @Serial
  private void readObject(ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException("a queue travels as its name, not its fields");
  }
}
