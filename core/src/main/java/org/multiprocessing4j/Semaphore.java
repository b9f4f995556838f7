package org.multiprocessing4j;

import java.io.Serializable;
import java.time.Duration;

/**
 * A counting semaphore shared by processes: Python's {@code multiprocessing.Semaphore}.
 * {@code acquire} takes one unit of the value, waiting while it is 0; {@code release} gives one
 * back. Permits have no owner: any thread of any process may release.
 *
 * <pre>{@code
 * Semaphore slots = Multiprocessing.semaphore(2);     // at most two workers at a time
 * try (var held = slots.hold()) {
 *   work();
 * }
 * }</pre>
 *
 * <p>Memory consistency: actions before a {@code release} happen-before the actions after the
 * {@code acquire} that takes that unit. Blocking: spin, then futex wait on the value word.
 * Interrupted waits throw {@link ProcessInterruptedException}, keeping the interrupt flag.
 *
 * <p>Units taken by a process that dies are not given back (as in Python: a semaphore has no
 * owner to check). Serializable like every handle; see {@link Lock} on handles and closing.
 */
public interface Semaphore extends Serializable, AutoCloseable {
  /** Waits for a unit and takes it (Python's {@code acquire()}); returns true. */
  default boolean acquire() {
    return acquire(true, null);
  }

  /** Takes a unit, waiting for one or not (Python's {@code acquire(block)}). */
  default boolean acquire(boolean block) {
    return acquire(block, null);
  }

  /** Takes a unit, waiting at most {@code timeout}; null waits forever. False when it timed out. */
  default boolean acquire(Duration timeout) {
    return acquire(true, timeout);
  }

  /** Python's {@code acquire(block, timeout)}: without {@code block} the timeout is ignored. */
  boolean acquire(boolean block, Duration timeout);

  /**
   * Gives a unit back and wakes a waiter (Python's {@code release()}).
   *
   * @throws IllegalStateException for a {@link BoundedSemaphore} already at its initial value,
   *     or when the value would pass {@link Integer#MAX_VALUE} (Python's {@code SEM_VALUE_MAX})
   */
  void release();

  /** The value now (Python's {@code get_value()}). */
  int getValue();

  /** Takes a unit and returns it held, for try-with-resources (Python's {@code with sem:}). */
  Held hold();

  /** Lets go of this handle; see {@link Lock#close()}. */
  @Override
  void close();

  /** Python's repr: {@code <Semaphore(value=2)>}. */
  @Override
  String toString();
}
