package org.multiprocessing4j;

import java.io.Serial;

/**
 * The thread was interrupted while it was blocked in one of this library's calls; the counterpart
 * of Python's {@code KeyboardInterrupt} in a blocked {@code acquire()} or {@code wait()}.
 *
 * <p>The thread stops waiting and keeps its interrupt flag set, so code further up still sees
 * {@link Thread#isInterrupted()}.
 */
public class ProcessInterruptedException extends ProcessException {
  @Serial private static final long serialVersionUID = 1L;

  /** An exception saying what the thread was waiting for when it was interrupted. */
  public ProcessInterruptedException(String message, InterruptedException cause) {
    super(message, cause);
  }
}
