package org.multiprocessing4j.internal.sync;

import java.io.Serial;
import java.time.Duration;
import org.multiprocessing4j.Held;
import org.multiprocessing4j.internal.shm.ShmSegment;

/**
 * What {@link ShmLockBase} and {@link ShmSemaphore} share beyond being handles: Python's
 * {@code acquire(block, timeout)} on top of a wait of at most so many nanoseconds, and
 * {@code hold()} (Python's {@code with}) on top of {@code acquire()} and {@code release()}.
 */
abstract sealed class ShmAcquirable extends ShmHandle permits ShmLockBase, ShmSemaphore {
  @Serial private static final long serialVersionUID = 1L;

  ShmAcquirable(ShmSegment segment) {
    super(segment);
  }

  /**
   * Acquires, waiting at most {@code nanos} ({@link Waits#FOREVER}, {@link Waits#NO_WAIT}).
   *
   * @return false when the timeout passed
   */
  abstract boolean acquireNanos(long nanos) throws InterruptedException;

  /** Python's {@code acquire()}: blocks until acquired; returns true. */
  public boolean acquire() {
    return acquire(true, null);
  }

  /** Python's {@code release()}. */
  public abstract void release();

  /** Python's {@code acquire(block, timeout)}; see {@link org.multiprocessing4j.Lock#acquire(boolean, Duration)}. */
  public boolean acquire(boolean block, Duration timeout) {
    checkOpen();
    try {
      return acquireNanos(Waits.nanos(block, timeout));
    } catch (InterruptedException e) {
      throw Waits.interrupted("acquiring", this, e);
    }
  }

  /** Acquires and returns a {@link Held} whose first {@code close()} releases (Python's {@code with}). */
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
}
