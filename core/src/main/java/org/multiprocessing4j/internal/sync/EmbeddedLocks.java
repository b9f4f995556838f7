package org.multiprocessing4j.internal.sync;

import org.multiprocessing4j.Lock;
import org.multiprocessing4j.internal.shm.ShmSegment;

/**
 * Locks for objects that keep their own data in shared memory ({@code sharedctypes}): an
 * {@link ShmRLock} laid out at the start of another structure's segment, so that the data sits
 * next to its lock (DESIGN.md §4), and handles of the caller's own locks.
 *
 * <p>An embedded lock is an ordinary {@link ShmRLock}: its words are the first
 * {@link #LENGTH} bytes of the segment's payload, laid out by {@link LockDescriptor}, so it
 * serializes as the segment's name and reattaches by that name like any lock ({@code attach}
 * only asks that the payload be at least {@link #LENGTH} bytes and that KIND say RLock). What
 * follows those bytes belongs to the segment's owner.
 */
public final class EmbeddedLocks {
  /** Bytes at the start of a payload that an embedded lock takes: one cache line. */
  public static final long LENGTH = LockDescriptor.LENGTH;

  private EmbeddedLocks() {}

  /**
   * Lays a new, free {@link ShmRLock} out in the first {@link #LENGTH} bytes of {@code segment}'s
   * payload, which must be zero when KIND is, and returns a handle of it of its own: closing the lock
   * handle and closing {@code segment} are independent, and the segment lives until both are
   * closed (and every other process let go).
   *
   * @return the lock, or null when the payload already holds one (made by an earlier call)
   * @throws IllegalArgumentException when the payload is shorter than {@link #LENGTH}
   */
  public static ShmRLock newRLockAtStartOf(ShmSegment segment) {
    var words = segment.payload();
    if (segment.payloadSize() < LENGTH) {
      throw new IllegalArgumentException("segment " + segment.name() + " has no room for a lock: "
          + segment.payloadSize() + " bytes of payload, a lock takes " + LENGTH);
    }
    if (!ShmLockBase.INT.compareAndSet(words, LockDescriptor.KIND, 0, LockDescriptor.KIND_RLOCK)) {
      return null;
    }
    return ShmRLock.attach(segment.name());
  }

  /**
   * A new handle of {@code lock}, closed independently of the caller's: what a structure that
   * was given a lock keeps (Python's {@code Value(..., lock=lock)}).
   *
   * @param forWhat what the lock is for, for the message ("a Value")
   * @throws IllegalArgumentException when {@code lock} is not a lock of this library (another
   *     process could not share it) or when the caller's handle is closed
   */
  public static ShmLockBase ownHandleOf(Lock lock, String forWhat) {
    if (!(lock instanceof ShmLockBase base)) {
      throw new IllegalArgumentException(forWhat + " needs a lock made by Multiprocessing.lock() or rlock() (or a"
          + " Context's), so that other processes can share it; got "
          + (lock == null ? "null" : lock.getClass().getName() + " " + lock));
    }
    if (base.isClosed()) {
      throw new IllegalArgumentException(forWhat + " was given a closed handle of " + base.kind() + " "
          + base.segmentName() + "; pass an open handle of the lock");
    }
    return base.reattach();
  }
}
