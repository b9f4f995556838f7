package org.multiprocessing4j.internal.sync;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.multiprocessing4j.internal.futex.Futex;

/**
 * A mutex shared by processes that survives the death of its owner: the word holds the owner's
 * pid (0 when free). A waiter sleeps on the word in slices; after each slice in which the word did
 * not change it checks whether the owner still lives, and takes the mutex over from a dead owner.
 * The caller learns that from {@link #lock}'s result ({@link #RECOVERED}) and decides what it
 * means: the rings repair what the dead owner left half done; {@code Lock} frees itself and tells
 * its waiters ({@code OwnerDiedException}).
 *
 * <pre>{@code
 * var m = new RobustMutex(seg, WORD, WAITERS, null, DEATHS);   // offsets from a descriptor
 * if (m.lock(-1) == RobustMutex.RECOVERED) { repair(); }
 * try { ... } finally { m.unlock(); }
 * }</pre>
 *
 * <p>Layout (offsets given by the owner of the segment, see its descriptor):
 * <pre>
 *   word      +----------------+  owner pid; 0 = free; the futex word waiters sleep on
 *   waiters   +----------------+  threads sleeping on the word (so unlock wakes only if needed)
 *   deaths    +----------------+  optional: recoveries so far (bumped after DEAD OWNER is written)
 *             +----------------+  optional: the pid of the last owner found dead
 * </pre>
 *
 * <p>Threads of one JVM share a pid. Either they first take a JVM-local {@link ReentrantLock}
 * (one per shared word, handed in by the owner of the segment; the rings do that), or, with no
 * local lock, they contend on the word itself; a thread's identity is then the caller's business
 * (the locks of {@code internal.sync} keep it in a word of their own).
 *
 * <p>Memory consistency: taking the word is a volatile CAS and freeing it a volatile store, so
 * whatever the previous owner wrote before unlocking is visible to the next owner.
 *
 * <p>Blocking: a short spin of CAS attempts, then {@link Futex#await} in slices of at most
 * {@value #SLICE_MILLIS} ms; the first slice after the owner died detects the death, so a waiter
 * blocked on a dead owner is released within one slice (plus the time to read {@code /proc}).
 */
public final class RobustMutex {
  /** Result of {@link #lock}: acquired normally. */
  public static final int ACQUIRED = 1;
  /** Result of {@link #lock}: acquired from an owner that died while holding it. */
  public static final int RECOVERED = 2;
  /** Result of {@link #lock}: the timeout passed. */
  public static final int TIMED_OUT = 0;
  /** {@code deaths} offset meaning "do not record recoveries". */
  public static final long NO_RECORD = -1;

  /** The word of a free mutex. */
  public static final int FREE = 0;
  /** The recovery record: a count, then the pid of the last dead owner. */
  private static final long DEAD_OWNER_AFTER_DEATHS = Integer.BYTES;

  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
  private static final int SPINS = 64;
  /** Longest sleep of a waiter before it checks whether the owner is still alive. */
  static final long SLICE_MILLIS = 50;
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(SLICE_MILLIS);

  private final MemorySegment segment;
  private final long word;
  private final long waiters;
  private final ReentrantLock local;
  private final long deaths;

  /**
   * A mutex on the words at {@code word} and {@code waiters} of {@code segment}, whose threads of
   * this JVM first take {@code local}; recoveries are not recorded.
   */
  public RobustMutex(MemorySegment segment, long word, long waiters, ReentrantLock local) {
    this(segment, word, waiters, local, NO_RECORD);
  }

  /**
   * A mutex on the words at {@code word} and {@code waiters} of {@code segment}.
   *
   * @param local a JVM-local lock taken before the word, or null to contend on the word directly
   * @param deaths offset of the 8-byte recovery record (see the class comment), or {@link #NO_RECORD}
   */
  public RobustMutex(MemorySegment segment, long word, long waiters, ReentrantLock local, long deaths) {
    this.segment = segment;
    this.word = word;
    this.waiters = waiters;
    this.local = local;
    this.deaths = deaths;
  }

  /** Takes the mutex if it is free now: one CAS, no waiting, no liveness check. */
  public boolean tryLock() {
    if (local == null) {
      return INT.compareAndSet(segment, word, FREE, Pids.SELF);
    }
    if (!local.tryLock()) {
      return false;
    }
    if (INT.compareAndSet(segment, word, FREE, Pids.SELF)) {
      return true;
    }
    local.unlock();
    return false;
  }

  /**
   * Takes the mutex if it is free now or its owner is dead: no waiting, and {@code /proc} is read
   * only when another process holds it. For one who must repair what a dead owner left and cannot
   * count on a next owner to come (a ring's reader, see {@code RingBuffer}).
   *
   * @return {@link #ACQUIRED}, {@link #RECOVERED}, or {@link #TIMED_OUT} when a live process holds
   *     it (or, with a local lock, another thread of this JVM)
   */
  public int tryLockOrRecover() {
    if (local != null && !local.tryLock()) {
      return TIMED_OUT;
    }
    if (INT.compareAndSet(segment, word, FREE, Pids.SELF)) {
      return ACQUIRED;
    }
    int owner = (int) INT.getVolatile(segment, word);
    if (owner != FREE && takeOverFromDead(owner)) {
      return RECOVERED;
    }
    if (local != null) {
      local.unlock();
    }
    return TIMED_OUT;
  }

  /**
   * Takes the mutex, waiting at most {@code timeoutNanos} (negative: forever; 0: not at all).
   *
   * @return {@link #ACQUIRED}, {@link #RECOVERED} or {@link #TIMED_OUT}
   * @throws InterruptedException when the thread is interrupted while it waits (a timeout of 0
   *     never waits, so it never throws: a queue's {@code put} that writes at once must not fail
   *     half done because the caller's interrupt flag is set)
   */
  public int lock(long timeoutNanos) throws InterruptedException {
    long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
    if (local != null) {
      if (timeoutNanos < 0) {
        local.lockInterruptibly();
      } else if (timeoutNanos == 0 ? !local.tryLock() : !local.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
        return TIMED_OUT;
      }
    }
    boolean done = false;
    try {
      for (int i = 0; ; i++) {
        if (INT.compareAndSet(segment, word, FREE, Pids.SELF)) {
          done = true;
          return ACQUIRED;
        }
        int owner = (int) INT.getVolatile(segment, word);
        if (owner == FREE || i < SPINS) {
          Thread.onSpinWait();
          continue;
        }
        long remaining = deadline == Long.MAX_VALUE ? SLICE_NANOS : deadline - System.nanoTime();
        if (remaining <= 0) {
          return TIMED_OUT;
        }
        INT.getAndAdd(segment, waiters, 1);
        boolean changed;
        try {
          changed = Futex.await(segment, word, owner, Math.min(remaining, SLICE_NANOS));
        } finally {
          INT.getAndAdd(segment, waiters, -1);
        }
        if (!changed && takeOverFromDead(owner)) {
          done = true;
          return RECOVERED;
        }
      }
    } finally {
      if (!done && local != null) {
        local.unlock();
      }
    }
  }

  /**
   * Takes the mutex from {@code owner} if that process is dead and still holds it, and records
   * the death (when recoveries are recorded).
   */
  private boolean takeOverFromDead(int owner) {
    if (Pids.alive(owner) || !INT.compareAndSet(segment, word, owner, Pids.SELF)) {
      return false;
    }
    if (deaths != NO_RECORD) {
      INT.setVolatile(segment, deaths + DEAD_OWNER_AFTER_DEATHS, owner);
      INT.getAndAdd(segment, deaths, 1);
    }
    return true;
  }

  /** Frees the mutex and wakes one waiter. The caller must hold it. */
  public void unlock() {
    INT.setVolatile(segment, word, FREE);
    wakeOne();
    if (local != null) {
      local.unlock();
    }
  }

  /**
   * Frees the mutex whoever holds it, and wakes one waiter; for mutexes without a local lock
   * (Python lets any thread release a {@code Lock}).
   *
   * @return false when it was free already
   */
  public boolean unlockIfLocked() {
    if ((int) INT.getAndSet(segment, word, FREE) == FREE) {
      return false; // it was free: storing FREE again changed nothing
    }
    wakeOne();
    return true;
  }

  /** The owner's pid, or {@link #FREE}. */
  public int owner() {
    return (int) INT.getVolatile(segment, word);
  }

  /** How many times an owner was found dead, when recoveries are recorded (else 0). */
  public int deaths() {
    return deaths == NO_RECORD ? 0 : (int) INT.getVolatile(segment, deaths);
  }

  /** The pid of the last owner found dead, when recoveries are recorded (else 0). */
  public int lastDeadOwner() {
    return deaths == NO_RECORD ? 0 : (int) INT.getVolatile(segment, deaths + DEAD_OWNER_AFTER_DEATHS);
  }

  private void wakeOne() {
    if ((int) INT.getVolatile(segment, waiters) > 0) {
      Futex.wake(segment, word, 1);
    }
  }
}
