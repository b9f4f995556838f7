package org.multiprocessing4j.internal.sync;

/**
 * The layout of an {@code Event}'s segment payload. Offsets in bytes from the start of the
 * payload; native-endian, naturally aligned ints.
 *
 * <pre>
 *   0 +------------------+------------------+
 *     | STATE (int)      | WAITERS (int)    |  generation &lt;&lt; 1 | flag, the futex word | threads asleep on it
 *   8 +------------------+------------------+
 *     | reserved (zero)                     |
 *  64 +-------------------------------------+
 * </pre>
 *
 * STATE's low bit is the flag; the other bits count the sets that found the flag clear (the
 * generation, wrapping around). So every set that matters changes the word, and a waiter that
 * saw it clear learns of a set even when a clear came right after it.
 */
final class EventDescriptor {
  static final long STATE = 0;
  static final long WAITERS = STATE + Integer.BYTES;
  /** Payload length: one cache line. */
  static final long LENGTH = 64;

  /** STATE's flag bit. */
  static final int FLAG = 1;
  /** What a set adds to STATE's generation bits. */
  static final int GENERATION = 2;

  private EventDescriptor() {}
}
