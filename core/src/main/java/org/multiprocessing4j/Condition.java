package org.multiprocessing4j;

import java.io.Serializable;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A condition variable shared by processes: Python's {@code multiprocessing.Condition}. It is
 * bound to a {@link Lock} or {@link RLock} (a new {@link RLock} by default); a thread that holds
 * the lock may {@link #await(Duration)}, which releases the lock (every level of an RLock), waits
 * for a {@link #signal(int)} and takes the lock again.
 *
 * <pre>{@code
 * Condition ready = Multiprocessing.condition();
 * try (var held = ready.hold()) {
 *   ready.waitFor(() -> shared.isReady(), Duration.ofSeconds(5));
 * }
 * // elsewhere, in any process:
 * try (var held = ready.hold()) {
 *   shared.markReady();
 *   ready.signalAll();
 * }
 * }</pre>
 *
 * <p>{@code Object.wait/notify} are final in Java, so Python's {@code wait}, {@code wait_for},
 * {@code notify(n)} and {@code notify_all} are {@link #await(Duration)}, {@link #waitFor},
 * {@link #signal(int)} and {@link #signalAll()}. It is also a
 * {@link java.util.concurrent.locks.Condition}, whose methods keep their contracts
 * ({@link #await()} throws {@link InterruptedException}).
 *
 * <p>Semantics: a signal wakes waiters that were waiting when it was sent, oldest first; a waiter
 * that arrives later cannot take it. Waiting or signalling without holding the lock throws
 * {@link IllegalMonitorStateException} (Python's {@code AssertionError}). An interrupted
 * {@link #await(Duration)} takes the lock back, then throws {@link ProcessInterruptedException}
 * with the interrupt flag set; one that was signalled before it saw the interrupt returns normally
 * with the flag set. A waiter whose process dies absorbs at most one signal.
 *
 * <p>Memory consistency: that of its lock. Serializable like every handle (the lock travels with
 * it); see {@link Lock} on handles and closing.
 */
public interface Condition extends java.util.concurrent.locks.Condition, Serializable, AutoCloseable {
  /** Acquires the underlying lock (Python's {@code acquire()}); see {@link Lock#acquire()}. */
  boolean acquire();

  /** Acquires the underlying lock, waiting or not; see {@link Lock#acquire(boolean)}. */
  boolean acquire(boolean block);

  /** Acquires the underlying lock, waiting at most {@code timeout}; see {@link Lock#acquire(Duration)}. */
  boolean acquire(Duration timeout);

  /** Releases the underlying lock (Python's {@code release()}); see {@link Lock#release()}. */
  void release();

  /** Acquires the underlying lock for try-with-resources (Python's {@code with cond:}). */
  Held hold();

  /** The lock this condition is bound to. */
  Lock getLock();

  /**
   * Releases the lock, waits until signalled or until {@code timeout} passed (null: forever),
   * then takes the lock back (Python's {@code wait(timeout)}).
   *
   * @return false when the timeout passed without a signal
   * @throws IllegalMonitorStateException when the current thread does not hold the lock
   * @throws ProcessInterruptedException when interrupted before a signal came
   */
  boolean await(Duration timeout);

  /**
   * Waits until {@code predicate} is true, or the timeout passed (null: forever), as Python's
   * {@code wait_for}: the predicate is checked first, then after every wake, with the lock held.
   *
   * @return the last value of the predicate
   */
  boolean waitFor(BooleanSupplier predicate, Duration timeout);

  /** {@link #waitFor(BooleanSupplier, Duration)} without a timeout. */
  boolean waitFor(BooleanSupplier predicate);

  /**
   * Wakes up to {@code n} threads waiting on this condition, the longest waiting first
   * (Python's {@code notify(n)}).
   *
   * @throws IllegalMonitorStateException when the current thread does not hold the lock
   * @throws IllegalArgumentException when {@code n} is negative
   */
  void signal(int n);

  /** Lets go of this handle (and of its own handle of the lock); see {@link Lock#close()}. */
  @Override
  void close();

  /** Python's repr: {@code <Condition(<RLock(None, 0)>, 0)>}, the last number counting the waiters. */
  @Override
  String toString();
}
