package org.multiprocessing4j.internal.sync;

/**
 * The layout of a {@code Semaphore}'s or {@code BoundedSemaphore}'s segment payload. Offsets in
 * bytes from the start of the payload; native-endian, naturally aligned ints.
 *
 * <pre>
 *   0 +------------------+------------------+
 *     | VALUE (int)      | WAITERS (int)    |  units available, the futex word | threads asleep on it
 *   8 +------------------+------------------+
 *     | MAXVALUE (int)   | KIND (int)       |  bound of VALUE | {@link #KIND_SEMAPHORE} or {@link #KIND_BOUNDED}
 *  16 +------------------+------------------+
 *     | reserved (zero)                     |
 *  64 +-------------------------------------+
 * </pre>
 *
 * VALUE changes only by CAS: an acquire takes 1 when it is positive, a release adds 1 unless
 * that would pass MAXVALUE ({@link Integer#MAX_VALUE} for a plain semaphore: Python's
 * {@code SEM_VALUE_MAX}; the initial value for a bounded one).
 */
final class SemaphoreDescriptor {
  static final long VALUE = 0;
  static final long WAITERS = VALUE + Integer.BYTES;
  static final long MAXVALUE = 8;
  static final long KIND = MAXVALUE + Integer.BYTES;
  /** Payload length: one cache line. */
  static final long LENGTH = 64;

  static final int KIND_SEMAPHORE = 1;
  static final int KIND_BOUNDED = 2;

  private SemaphoreDescriptor() {}
}
