package org.multiprocessing4j.internal.ring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.multiprocessing4j.internal.futex.Futex;

/**
 * A mutex shared by processes that survives the death of its owner: the word holds the owner's
 * pid (0 when free). A waiter sleeps on the word in slices; after each slice it checks whether
 * the owner still lives, and takes the mutex over from a dead owner. The caller learns that from
 * {@link #lock}'s result and repairs what the dead owner may have left half done.
 *
 * <p>Threads of one JVM share a pid, so they first take a JVM-local {@link ReentrantLock} (one per
 * shared word, handed in by the owner of the segment), then the shared word.
 *
 * <p>Memory consistency: taking the word is a volatile CAS and freeing it a volatile store, so
 * whatever the previous owner wrote before unlocking is visible to the next owner.
 */
final class RobustMutex {
  /** Result of {@link #lock}: acquired normally. */
  static final int ACQUIRED = 1;
  /** Result of {@link #lock}: acquired from an owner that died while holding it. */
  static final int RECOVERED = 2;
  /** Result of {@link #lock}: the timeout passed. */
  static final int TIMED_OUT = 0;

  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
  private static final int FREE = 0;
  private static final int SPINS = 64;
  /** How long a waiter sleeps before it checks whether the owner is still alive. */
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final MemorySegment segment;
  private final long word;
  private final long waiters;
  private final ReentrantLock local;

  RobustMutex(MemorySegment segment, long word, long waiters, ReentrantLock local) {
    this.segment = segment;
    this.word = word;
    this.waiters = waiters;
    this.local = local;
  }

  /**
   * Takes the mutex, waiting at most {@code timeoutNanos} (negative: forever).
   *
   * @return {@link #ACQUIRED}, {@link #RECOVERED} or {@link #TIMED_OUT}
   */
  int lock(long timeoutNanos) throws InterruptedException {
    long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
    if (timeoutNanos < 0) {
      local.lockInterruptibly();
    } else if (!local.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
      return TIMED_OUT;
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
        if (!changed && !Pids.alive(owner) && INT.compareAndSet(segment, word, owner, Pids.SELF)) {
          done = true;
          return RECOVERED;
        }
      }
    } finally {
      if (!done) {
        local.unlock();
      }
    }
  }

  /** Frees the mutex and wakes one waiter. */
  void unlock() {
    INT.setVolatile(segment, word, FREE);
    if ((int) INT.getVolatile(segment, waiters) > 0) {
      Futex.wake(segment, word, 1);
    }
    local.unlock();
  }
}
