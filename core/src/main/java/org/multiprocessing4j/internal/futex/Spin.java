package org.multiprocessing4j.internal.futex;

import java.util.function.BooleanSupplier;

/**
 * The busy phase of a cross-process wait: look at a condition for a few tens of microseconds
 * before going to sleep on a futex.
 *
 * <p>Why: waking a process that sleeps in {@code FUTEX_WAIT} costs the waker a system call and the
 * sleeper a trip through the scheduler, 20–60 µs on these machines each way. A request and its
 * reply between two processes (a pipe round trip, a pool task) mostly take less than that, so a
 * waiter that keeps looking for a little while sees the answer at the cost of a cache-line
 * transfer (under a microsecond) and the other side need not make the wake call at all (it rings
 * only when somebody sleeps).
 *
 * <p>Polite spinning: the first microseconds use {@link Thread#onSpinWait()} only; after that
 * each round also calls {@link Thread#yield()}, so that on a machine with more runnable threads
 * than cores the thread we wait for gets the core instead of us.
 */
public final class Spin {
  /** How long a waiter keeps looking before it sleeps, by default. */
  public static final long DEFAULT_NANOS = 50_000;
  /** Pure busy-wait before yields are mixed in. */
  private static final long BUSY_NANOS = 2_000;
  /** Condition checks between two reads of the clock. */
  private static final int CHECKS_PER_CLOCK = 32;

  private Spin() {}

  /**
   * Looks at {@code ready} until it holds or {@code nanos} passed.
   *
   * @return whether {@code ready} held
   */
  public static boolean until(BooleanSupplier ready, long nanos) {
    if (ready.getAsBoolean()) {
      return true;
    }
    long start = System.nanoTime();
    while (true) {
      for (int i = 0; i < CHECKS_PER_CLOCK; i++) {
        Thread.onSpinWait();
        if (ready.getAsBoolean()) {
          return true;
        }
      }
      long spent = System.nanoTime() - start;
      if (spent >= nanos) {
        return false;
      }
      if (spent >= BUSY_NANOS) {
        Thread.yield();
      }
    }
  }
}
