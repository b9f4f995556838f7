package org.multiprocessing4j.internal.sync;

/**
 * The layout of a {@code Barrier}'s segment payload: {@code threading.Barrier}'s state behind a
 * robust mutex, and the word its parties sleep on. Offsets in bytes from the start of the payload;
 * native-endian, naturally aligned ints.
 *
 * <pre>
 *   0 +------------------+------------------+
 *     | MUTEX (int)      | MUTEX_WAITERS    |  robust mutex guarding STATE, COUNT, REASON
 *   8 +------------------+------------------+
 *     | DEATHS (int)     | DEAD_OWNER (int) |  the mutex's recovery record
 *  16 +------------------+------------------+
 *     | STATE (int)      | COUNT (int)      |  {@link #FILLING}, {@link #DRAINING}... | parties inside await
 *  24 +------------------+------------------+
 *     | SEQ (int)        | SEQ_WAITERS (int)|  bumped by every notify-all: the futex word | sleepers on it
 *  32 +------------------+------------------+
 *     | PARTIES (int)    | REASON (int)     |  fixed at creation | why it broke, {@link #BROKEN_BY_ABORT}...
 *  40 +------------------+------------------+
 *     | reserved (zero)                     |
 *  64 +-------------------------------------+
 * </pre>
 */
final class BarrierDescriptor {
  static final long MUTEX = 0;
  static final long MUTEX_WAITERS = MUTEX + Integer.BYTES;
  static final long DEATHS = 8;
  static final long STATE = 16;
  static final long COUNT = STATE + Integer.BYTES;
  static final long SEQ = 24;
  static final long SEQ_WAITERS = SEQ + Integer.BYTES;
  static final long PARTIES = 32;
  static final long REASON = PARTIES + Integer.BYTES;
  /** Payload length: one cache line. */
  static final long LENGTH = 64;

  /** Python's states ({@code threading.Barrier._state}). */
  static final int FILLING = 0;
  static final int DRAINING = 1;
  static final int RESETTING = -1;
  static final int BROKEN = -2;

  /** Why the barrier broke, for the exception's message. */
  static final int BROKEN_BY_ABORT = 1;
  static final int BROKEN_BY_TIMEOUT = 2;
  static final int BROKEN_BY_ACTION = 3;
  static final int BROKEN_BY_INTERRUPT = 4;
  static final int BROKEN_BY_DEATH = 5;
  static final int BROKEN_BY_RESET = 6;

  private BarrierDescriptor() {}
}
