package org.multiprocessing4j.internal.sync;

/**
 * The layout of a {@code Lock}'s or {@code RLock}'s segment payload (Agrona's descriptor style).
 * Offsets in bytes from the start of the payload; all words native-endian and naturally aligned.
 *
 * <pre>
 *   0 +------------------+------------------+
 *     | STATE (int)      | WAITERS (int)    |  robust mutex: owner pid, 0 = free | threads asleep on STATE
 *   8 +------------------+------------------+
 *     | DEATHS (int)     | DEAD_OWNER (int) |  robust mutex's record: owners found dead | pid of the last
 *  16 +------------------+------------------+
 *     | OWNER (long): pid &lt;&lt; 32 | thread   |  the holding thread, written by it after taking STATE
 *  24 +------------------+------------------+
 *     | COUNT (int)      | KIND (int)       |  RLock recursion depth | {@link #KIND_LOCK} or {@link #KIND_RLOCK}
 *  32 +------------------+------------------+
 *     | reserved (zero)                     |
 *  64 +-------------------------------------+
 * </pre>
 *
 * <ul>
 *   <li>STATE, WAITERS, DEATHS, DEAD_OWNER: a {@link RobustMutex} with a recovery record.
 *   <li>OWNER: 0 when free; else the holder's pid in the high half and the low 32 bits of its
 *       {@link Thread#threadId()} in the low half. One word, so "is it mine?" is one read that no
 *       other thread can make true: only the owner itself writes its own value. Cleared by the
 *       holder before it frees STATE.
 *   <li>COUNT: how many times the owning thread holds an RLock; touched only by the owner.
 *   <li>KIND: written once by the creator; an attacher checks it.
 * </ul>
 */
final class LockDescriptor {
  static final long STATE = 0;
  static final long WAITERS = STATE + Integer.BYTES;
  static final long DEATHS = 8;
  static final long OWNER = 16;
  static final long COUNT = 24;
  static final long KIND = COUNT + Integer.BYTES;
  /** Payload length: one cache line. */
  static final long LENGTH = 64;

  static final int KIND_LOCK = 1;
  static final int KIND_RLOCK = 2;

  /** Bits of OWNER that hold the pid. */
  static final int PID_SHIFT = 32;
  /** Bits of OWNER that hold the thread. */
  static final long THREAD_MASK = 0xFFFF_FFFFL;

  private LockDescriptor() {}
}
