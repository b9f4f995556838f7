package org.multiprocessing4j.internal.sync;

import java.io.Serial;
import org.multiprocessing4j.internal.shm.ShmSegment;

/**
 * {@code Lock} (Python's {@code multiprocessing.Lock}) in a segment of its own; see
 * {@link ShmLockBase} for the algorithm and {@link LockDescriptor} for the layout. As in Python,
 * any thread of any process may release it; releasing it while it is free throws
 * {@link IllegalMonitorStateException}.
 */
public final class ShmLock extends ShmLockBase {
  @Serial private static final long serialVersionUID = 1L;

  private ShmLock(ShmSegment segment) {
    super(segment);
  }

  /** A new, free lock. */
  public static ShmLock create() {
    return new ShmLock(newSegment(LockDescriptor.KIND_LOCK));
  }

  /** A handle of the lock in segment {@code name}. */
  static ShmLock attach(String name) {
    return new ShmLock(attachSegment(name, LockDescriptor.KIND_LOCK, "Lock"));
  }

  @Override
  String kind() {
    return "Lock";
  }

  /** The uncontended path first: one CAS and the owner's word, nothing else. */
  @Override
  public boolean acquire() {
    checkOpen();
    if (mutex.tryLock()) {
      LONG.setOpaque(words, LockDescriptor.OWNER, me());
      return true;
    }
    return super.acquire();
  }

  @Override
  boolean acquireNanos(long nanos) throws InterruptedException {
    if (!take(nanos)) {
      return false;
    }
    LONG.setOpaque(words, LockDescriptor.OWNER, me());
    return true;
  }

  @Override
  public void release() {
    checkOpen();
    LONG.setOpaque(words, LockDescriptor.OWNER, 0L);
    if (!mutex.unlockIfLocked()) {
      throw new IllegalMonitorStateException("Lock " + name + " released while not locked"
          + " (Python: ValueError, semaphore or lock released too many times)");
    }
  }

  @Override
  int releaseForWait() {
    release();
    return 1;
  }

  @Override
  void reacquireAfterWait(int depth) {
    takeUninterruptibly();
    LONG.setOpaque(words, LockDescriptor.OWNER, me());
  }

  @Override
  public String toString() {
    if (isClosed()) {
      return "<Lock(owner=unknown)>";
    }
    String owner = (long) LONG.getOpaque(words, LockDescriptor.OWNER) == me() ? currentName() : otherHolder();
    return "<Lock(owner=" + owner + ")>";
  }
}
