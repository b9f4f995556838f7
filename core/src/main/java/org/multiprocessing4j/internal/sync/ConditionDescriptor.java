package org.multiprocessing4j.internal.sync;

/**
 * The layout of a {@code Condition}'s segment payload: counters, then one slot per waiting
 * thread. Offsets in bytes from the start of the payload; native-endian, naturally aligned.
 *
 * <pre>
 *   0 +--------------------------------------+
 *     | NEXT_TICKET (long)                   |  tickets handed to waiters, in arrival order
 *   8 +------------------+-------------------+
 *     | WAITING (int)    | HIGH (int)        |  slots in state WAITING | slots [0, HIGH) were ever used
 *  16 +------------------+-------------------+
 *     | SLOT_FREED (int) | ..._WAITERS (int) |  bumped when a slot frees, for a thread that found none
 *  24 +------------------+-------------------+
 *     | reserved (zero)                      |
 *  64 +--------------------------------------+  SLOTS, {@value #SLOT_COUNT} of {@value #SLOT_LENGTH} bytes:
 *     | STATE (int)      | PID (int)         |    the waiter's futex word | its process
 *     | TICKET (long)                        |    its place in line
 *     +--------------------------------------+
 *     | ... slot 1 ...                       |
 * </pre>
 *
 * A slot's STATE goes {@link #FREE} → {@link #CLAIMED} (a waiter fills PID and TICKET) →
 * {@link #WAITING_STATE} → either {@link #SIGNALLED} (by a signaller, who CASes it) or back to
 * {@link #CLAIMED} (by the waiter itself, who timed out or was interrupted, also by CAS, so exactly
 * one of them wins) → {@link #FREE} (by the waiter once it is done with the slot). Slots are
 * claimed only by threads holding the condition's lock, and signals are sent only by them.
 */
final class ConditionDescriptor {
  static final long NEXT_TICKET = 0;
  static final long WAITING = 8;
  static final long HIGH = WAITING + Integer.BYTES;
  static final long SLOT_FREED = 16;
  static final long SLOT_FREED_WAITERS = SLOT_FREED + Integer.BYTES;
  /** Where the slots start: the second cache line. */
  static final long SLOTS = 64;

  /** How many threads, of all processes, may wait on one condition at once; more wait for a slot. */
  static final int SLOT_COUNT = 1024;
  static final long SLOT_LENGTH = 16;
  /** Offsets within a slot. */
  static final long SLOT_STATE = 0;
  static final long SLOT_PID = SLOT_STATE + Integer.BYTES;
  static final long SLOT_TICKET = 8;

  /** Payload length. */
  static final long LENGTH = SLOTS + SLOT_COUNT * SLOT_LENGTH;

  static final int FREE = 0;
  static final int CLAIMED = 1;
  static final int WAITING_STATE = 2;
  static final int SIGNALLED = 3;

  private ConditionDescriptor() {}

  static long slot(int index) {
    return SLOTS + index * SLOT_LENGTH;
  }
}
