package org.multiprocessing4j;

import java.io.Serial;

/**
 * The process that held a {@link Lock} or {@link RLock} died while holding it (killed with
 * SIGKILL, say, or it simply ended without releasing), so the data the lock guarded may be half
 * updated. An addition to Python, where the waiters of such a lock hang forever.
 *
 * <p>Every thread that was blocked acquiring the lock when the death was found gets this
 * exception, and the lock is then free: an acquire started afterwards succeeds. Catch it, check or
 * repair the guarded data, and acquire again. Comparable to a robust POSIX mutex's
 * {@code EOWNERDEAD}, except that no waiter is handed the lock. The death is found by waiters
 * only: a non-blocking {@code acquire(false)} or {@code tryLock()} just sees the lock taken.
 */
public class OwnerDiedException extends ProcessException {
  @Serial private static final long serialVersionUID = 1L;

  private final long ownerPid;

  /** An exception naming the lock and the pid of its dead owner. */
  public OwnerDiedException(String message, long ownerPid) {
    super(message);
    this.ownerPid = ownerPid;
  }

  /** The pid of the process that died holding the lock. */
  public long ownerPid() {
    return ownerPid;
  }
}
