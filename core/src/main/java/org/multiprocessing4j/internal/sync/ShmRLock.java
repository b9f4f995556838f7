package org.multiprocessing4j.internal.sync;

import java.io.Serial;
import org.multiprocessing4j.RLock;
import org.multiprocessing4j.internal.shm.ShmSegment;

/**
 * {@code RLock} (Python's {@code multiprocessing.RLock}) in a segment of its own; see
 * {@link ShmLockBase} for the algorithm and {@link LockDescriptor} for the layout. Owned by
 * (process, thread): the OWNER word. Re-entry only counts COUNT up; the last release frees STATE.
 */
public final class ShmRLock extends ShmLockBase implements RLock {
  @Serial private static final long serialVersionUID = 1L;

  private ShmRLock(ShmSegment segment) {
    super(segment);
  }

  /** A new, free recursive lock. */
  public static ShmRLock create() {
    return new ShmRLock(newSegment(LockDescriptor.KIND_RLOCK));
  }

  /** A handle of the recursive lock in segment {@code name}. */
  static ShmRLock attach(String name) {
    return new ShmRLock(attachSegment(name, LockDescriptor.KIND_RLOCK, "RLock"));
  }

  @Override
  String kind() {
    return "RLock";
  }

  @Override
  boolean acquireNanos(long nanos) throws InterruptedException {
    long me = me();
    if ((long) LONG.getOpaque(words, LockDescriptor.OWNER) == me) {
      int count = (int) INT.get(words, LockDescriptor.COUNT);
      if (count == Integer.MAX_VALUE) {
        throw new IllegalStateException("RLock " + name + " is already held " + count + " times by this thread");
      }
      INT.set(words, LockDescriptor.COUNT, count + 1);
      return true;
    }
    if (!take(nanos)) {
      return false;
    }
    LONG.setOpaque(words, LockDescriptor.OWNER, me);
    INT.set(words, LockDescriptor.COUNT, 1);
    return true;
  }

  @Override
  public void release() {
    checkOpen();
    if ((long) LONG.getOpaque(words, LockDescriptor.OWNER) != me()) {
      throw new IllegalMonitorStateException("RLock " + name + " released by a thread that does not hold it"
          + " (Python: AssertionError, attempt to release recursive lock not owned by thread); it is "
          + this);
    }
    int count = (int) INT.get(words, LockDescriptor.COUNT) - 1;
    if (count > 0) {
      INT.set(words, LockDescriptor.COUNT, count);
      return;
    }
    INT.set(words, LockDescriptor.COUNT, 0);
    LONG.setOpaque(words, LockDescriptor.OWNER, 0L);
    mutex.unlock();
  }

  @Override
  public int getHoldCount() {
    checkOpen();
    return (long) LONG.getOpaque(words, LockDescriptor.OWNER) == me() ? (int) INT.get(words, LockDescriptor.COUNT) : 0;
  }

  @Override
  int releaseForWait() {
    int depth = (int) INT.get(words, LockDescriptor.COUNT);
    INT.set(words, LockDescriptor.COUNT, 0);
    LONG.setOpaque(words, LockDescriptor.OWNER, 0L);
    mutex.unlock();
    return depth;
  }

  @Override
  void reacquireAfterWait(int depth) {
    takeUninterruptibly();
    LONG.setOpaque(words, LockDescriptor.OWNER, me());
    INT.set(words, LockDescriptor.COUNT, depth);
  }

  @Override
  public String toString() {
    if (isClosed()) {
      return "<RLock(unknown, unknown)>";
    }
    if ((long) LONG.getOpaque(words, LockDescriptor.OWNER) == me()) {
      return "<RLock(" + currentName() + ", " + (int) INT.get(words, LockDescriptor.COUNT) + ")>";
    }
    String holder = otherHolder();
    return "<RLock(" + holder + ", " + (holder.equals("None") ? "0" : "nonzero") + ")>";
  }
}
