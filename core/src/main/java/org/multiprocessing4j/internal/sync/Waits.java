package org.multiprocessing4j.internal.sync;

import java.time.Duration;
import org.multiprocessing4j.ProcessInterruptedException;

/** Timeouts and interrupts as the primitives of this package take and report them. */
final class Waits {
  /** A timeout meaning "wait forever". */
  static final long FOREVER = -1;
  /** A timeout meaning "do not wait". */
  static final long NO_WAIT = 0;

  private Waits() {}

  /**
   * Python's {@code (block, timeout)} as nanoseconds: {@link #NO_WAIT} when not blocking,
   * {@link #FOREVER} for a null timeout, else the timeout (zero or more).
   */
  static long nanos(boolean block, Duration timeout) {
    if (!block) {
      return NO_WAIT;
    }
    if (timeout == null) {
      return FOREVER;
    }
    if (timeout.isNegative()) {
      return NO_WAIT;
    }
    try {
      return timeout.toNanos();
    } catch (ArithmeticException e) {
      return FOREVER; // centuries
    }
  }

  /** The deadline of a wait of {@code nanos} (see {@link #nanos}) started now; Long.MAX_VALUE for none. */
  static long deadline(long nanos) {
    return nanos < 0 ? Long.MAX_VALUE : System.nanoTime() + nanos;
  }

  /** Nanoseconds left until {@code deadline}; Long.MAX_VALUE for none. */
  static long remaining(long deadline) {
    return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
  }

  /**
   * Sets the interrupt flag again (the futex wait cleared it) and makes the exception the
   * Python-style methods throw.
   */
  static ProcessInterruptedException interrupted(String doing, Object what, InterruptedException e) {
    Thread.currentThread().interrupt();
    return new ProcessInterruptedException("interrupted while " + doing + " " + what, e);
  }
}
