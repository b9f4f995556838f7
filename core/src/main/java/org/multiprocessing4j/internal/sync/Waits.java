package org.multiprocessing4j.internal.sync;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import org.multiprocessing4j.ProcessInterruptedException;
import org.multiprocessing4j.internal.futex.Futex;

/**
 * Timeouts and interrupts as the primitives of this package take and report them, and the
 * counted futex sleep they all wait with.
 */
final class Waits {
  /** A timeout meaning "wait forever". */
  static final long FOREVER = -1;
  /** A timeout meaning "do not wait". */
  static final long NO_WAIT = 0;
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

  /** A wait that may be interrupted. */
  @FunctionalInterface
  interface Interruptible {
    void run() throws InterruptedException;
  }

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

  /**
   * Runs {@code wait} again each time it is interrupted, until it completes; then sets the
   * interrupt flag again if it was interrupted.
   */
  static void uninterruptibly(Interruptible wait) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          wait.run();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Sleeps on the int at {@code word} while it holds {@code expected}, at most {@code nanos}
   * ({@link #FOREVER}), counted meanwhile in the int at {@code sleepers}: the count goes up before
   * the futex wait and both are volatile, so a waker that changes the word and then reads the count
   * never misses this sleeper.
   *
   * @return what {@link Futex#await(MemorySegment, long, int, long)} returns
   */
  static boolean sleep(MemorySegment words, long word, int expected, long sleepers, long nanos) throws InterruptedException {
    INT.getAndAdd(words, sleepers, 1);
    try {
      return Futex.await(words, word, expected, nanos);
    } finally {
      INT.getAndAdd(words, sleepers, -1);
    }
  }
}
