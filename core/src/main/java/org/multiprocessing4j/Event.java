package org.multiprocessing4j;

import java.io.Serializable;
import java.time.Duration;

/**
 * A flag shared by processes that threads can wait for: Python's {@code multiprocessing.Event}.
 *
 * <pre>{@code
 * Event started = Multiprocessing.event();
 * new Process(() -> { setUp(); started.set(); work(); }).start();
 * started.await();
 * }</pre>
 *
 * <p>A wait returns true when the flag was set at the call or was set during the wait, even if
 * it was cleared again before the waiter ran (as {@code threading.Event}). Memory consistency:
 * actions before {@link #set()} happen-before the return of a wait that sees that set.
 * Blocking: spin, then a futex wait on the flag's word; interrupted waits throw
 * {@link ProcessInterruptedException}, keeping the interrupt flag. Serializable like every handle;
 * see {@link Lock} on handles and closing.
 */
public interface Event extends Serializable, AutoCloseable {
  /** Whether the flag is set (Python's {@code is_set()}). */
  boolean isSet();

  /** Sets the flag and wakes every waiter (Python's {@code set()}). */
  void set();

  /** Clears the flag (Python's {@code clear()}). */
  void clear();

  /** Waits until the flag is set (Python's {@code wait()}). */
  void await();

  /**
   * Waits until the flag is set, at most {@code timeout} (null: forever); Python's
   * {@code wait(timeout)}.
   *
   * @return true when the flag was set, false when the timeout passed first
   */
  boolean await(Duration timeout);

  /** Lets go of this handle; see {@link Lock#close()}. */
  @Override
  void close();

  /** Python's repr: {@code <Event at mp4j-4711-… set>} or {@code … unset>}. */
  @Override
  String toString();
}
