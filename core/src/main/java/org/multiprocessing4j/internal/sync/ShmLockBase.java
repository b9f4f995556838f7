package org.multiprocessing4j.internal.sync;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.Condition;
import org.multiprocessing4j.Held;
import org.multiprocessing4j.Lock;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.OwnerDiedException;
import org.multiprocessing4j.internal.pickle.Codec;
import org.multiprocessing4j.internal.shm.ShmSegment;

/**
 * What {@link ShmLock} and {@link ShmRLock} share: a segment laid out by {@link LockDescriptor},
 * the {@link RobustMutex} on its STATE word, the owner-death policy, the j.u.c methods, the
 * serialized form, and what a {@link ShmCondition} needs to wait with the lock released.
 *
 * <p>Overview of implementation. Acquiring is one CAS of STATE from 0 to this pid when the lock
 * is free; otherwise the robust mutex spins, then sleeps on STATE in slices, checking after each
 * slice whether the owner's process lives. The holding thread then writes OWNER (pid and thread),
 * which tells {@code RLock} re-entry, {@link #heldByCurrentThread()} and the repr who holds it.
 *
 * <p>Owner death. The waiter that finds the owner dead takes STATE over (the robust mutex counts
 * the death and records the pid), clears OWNER and COUNT, frees STATE and throws
 * {@link OwnerDiedException}. Every other waiter that was already blocked notices, when it gets
 * STATE, that the death count moved since it started waiting: it frees STATE again and throws the
 * same exception. An acquire that starts after the death was counted succeeds as usual. So each
 * thread that was waiting for the dead owner learns of the death, and nobody is handed a lock
 * whose data the dead owner may have left half updated without being told.
 */
public abstract sealed class ShmLockBase implements Lock permits ShmLock, ShmRLock {
  @Serial private static final long serialVersionUID = 1L;
  static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
  static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  /** Python's name of the main thread is MainThread; Java's is main. */
  private static final String MAIN_THREAD = "main";

  final String name;
  transient ShmSegment segment;
  transient MemorySegment words;
  transient RobustMutex mutex;
  private transient volatile boolean closed;

  ShmLockBase(ShmSegment segment) {
    this.name = segment.name();
    this.segment = segment;
    this.words = segment.payload();
    this.mutex = new RobustMutex(words, LockDescriptor.STATE, LockDescriptor.WAITERS, null, LockDescriptor.DEATHS);
  }

  /** A new segment for a lock of {@code kind}. */
  static ShmSegment newSegment(int kind) {
    ShmSegment seg = ShmSegment.create(LockDescriptor.LENGTH);
    INT.setVolatile(seg.payload(), LockDescriptor.KIND, kind);
    return seg;
  }

  /** Attaches the segment {@code name}, checking that it holds a lock of {@code kind}. */
  static ShmSegment attachSegment(String name, int kind, String what) {
    ShmSegment seg = ShmSegment.attach(name);
    if (seg.payloadSize() < LockDescriptor.LENGTH || (int) INT.getVolatile(seg.payload(), LockDescriptor.KIND) != kind) {
      seg.close();
      throw new IllegalStateException("shared memory segment " + name + " does not hold a " + what);
    }
    return seg;
  }

  /** This thread's OWNER value: pid and thread; see {@link LockDescriptor}. */
  static long me() {
    return ((long) Pids.SELF << LockDescriptor.PID_SHIFT) | (Thread.currentThread().threadId() & LockDescriptor.THREAD_MASK);
  }

  /** The segment's name in /dev/shm. */
  public String segmentName() {
    return name;
  }

  /** Threads of all processes asleep waiting for the lock now; for diagnostics and tests. */
  public int sleepers() {
    return (int) INT.getVolatile(words, LockDescriptor.WAITERS);
  }

  // ------------------------------------------------------------------------------ the word

  /**
   * Takes STATE, waiting at most {@code nanos} ({@link Waits#FOREVER}, {@link Waits#NO_WAIT}).
   *
   * @return false when the timeout passed
   * @throws OwnerDiedException see the class comment
   */
  final boolean take(long nanos) throws InterruptedException {
    if (mutex.tryLock()) {
      return true;
    }
    if (nanos == Waits.NO_WAIT) {
      return false;
    }
    int deathsBefore = mutex.deaths();
    int r = mutex.lock(nanos);
    if (r == RobustMutex.TIMED_OUT) {
      return false;
    }
    if (r == RobustMutex.RECOVERED) {
      int dead = mutex.lastDeadOwner();
      LONG.setVolatile(words, LockDescriptor.OWNER, 0L);
      INT.setVolatile(words, LockDescriptor.COUNT, 0);
      mutex.unlock();
      throw ownerDied(dead);
    }
    if (mutex.deaths() != deathsBefore) {
      int dead = mutex.lastDeadOwner();
      mutex.unlock();
      throw ownerDied(dead);
    }
    return true;
  }

  /** Takes STATE, ignoring interrupts until it has it (then sets the interrupt flag again). */
  final void takeUninterruptibly() {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          take(Waits.FOREVER);
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private OwnerDiedException ownerDied(int pid) {
    return new OwnerDiedException(kind() + " " + name + ": its holder, process " + pid
        + ", died while holding it; the lock is free again, but what it guarded may be half updated:"
        + " check that before acquiring it again", pid);
  }

  // ------------------------------------------------------------------------------ what subclasses do

  /** "Lock" or "RLock", for messages and the repr. */
  abstract String kind();

  /** Acquires, waiting at most {@code nanos}; false when the timeout passed. */
  abstract boolean acquireNanos(long nanos) throws InterruptedException;

  /** Acquires for a {@link ShmCondition} that waited: every level it had, ignoring interrupts. */
  abstract void reacquireAfterWait(int depth);

  /** Releases every level the current thread holds, for a condition wait; returns how many. */
  abstract int releaseForWait();

  /** Whether the current thread holds the lock (Python's {@code _is_mine()}). */
  public boolean heldByCurrentThread() {
    checkOpen();
    return (long) LONG.getOpaque(words, LockDescriptor.OWNER) == me();
  }

  // ------------------------------------------------------------------------------ Python's API

  @Override
  public boolean acquire(boolean block, Duration timeout) {
    checkOpen();
    try {
      return acquireNanos(Waits.nanos(block, timeout));
    } catch (InterruptedException e) {
      throw Waits.interrupted("acquiring", this, e);
    }
  }

  @Override
  public Held hold() {
    acquire();
    return new Held() {
      private boolean released;

      @Override
      public void close() {
        if (!released) {
          released = true;
          release();
        }
      }
    };
  }

  @Override
  public boolean locked() {
    checkOpen();
    return mutex.owner() != RobustMutex.FREE;
  }

  // ------------------------------------------------------------------------------ j.u.c.locks.Lock

  @Override
  public void lock() {
    checkOpen();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          acquireNanos(Waits.FOREVER);
          return;
        } catch (InterruptedException e) {
          interrupted = true; // lock() ignores interrupts; the flag is set again below
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void lockInterruptibly() throws InterruptedException {
    checkOpen();
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted before acquiring " + this);
    }
    acquireNanos(Waits.FOREVER);
  }

  @Override
  public boolean tryLock() {
    return acquire(false);
  }

  @Override
  public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
    checkOpen();
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted before acquiring " + this);
    }
    return acquireNanos(Math.max(0, unit.toNanos(time)));
  }

  @Override
  public void unlock() {
    release();
  }

  /** A new shared {@link Condition} bound to this lock. */
  @Override
  public Condition newCondition() {
    checkOpen();
    return ShmCondition.create(this);
  }

  // ------------------------------------------------------------------------------ handle

  /** A new handle of the same lock, closed independently of this one. */
  abstract ShmLockBase reattach();

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      segment.close();
    }
  }

  final void checkOpen() {
    if (closed) {
      throw new IllegalStateException(kind() + " " + name + ": this handle is closed; use another handle of the lock");
    }
  }

  final boolean isClosed() {
    return closed;
  }

  /** Python's name for the current thread of the current process, as its repr shows it. */
  static String currentName() {
    String process = Multiprocessing.currentProcess().getName();
    String thread = Thread.currentThread().getName();
    return thread.equals(MAIN_THREAD) || thread.equals(process) ? process : process + "|" + thread;
  }

  /** Who holds the lock, as Python's repr names it, when the current thread does not. */
  final String otherHolder() {
    int pid = mutex.owner();
    if (pid == RobustMutex.FREE) {
      return "None";
    }
    return pid == Pids.SELF ? "SomeOtherThread" : "SomeOtherProcess";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShmLockBase other && other.getClass() == getClass() && other.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  /** Travels as its segment's name; the receiver attaches (see {@link ShmSegment}). */
  @Serial
  Object writeReplace() {
    checkOpen();
    return new Ref(name, this instanceof ShmRLock);
  }

  @Serial
  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a lock travels as its segment's name, not its fields");
  }

  /** The serialized form of a lock handle. */
  private record Ref(String name, boolean recursive) implements Serializable {
    @Serial
    private Object readResolve() {
      if (Codec.warmingUp()) {
        return null; // a warm spare decoding a hint must not attach: see Codec.decodeToWarmUp
      }
      return recursive ? ShmRLock.attach(name) : ShmLock.attach(name);
    }
  }
}
