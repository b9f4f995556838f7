package org.multiprocessing4j;

import java.io.Serial;

/**
 * The base of this library's own exceptions; Python's {@code multiprocessing.ProcessError}.
 * Unchecked, like every exception this library throws.
 */
public class ProcessException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** An exception with a message that says what happened, to which object, and what to do. */
  public ProcessException(String message) {
    super(message);
  }

  /** An exception with a message and the exception that caused it. */
  public ProcessException(String message, Throwable cause) {
    super(message, cause);
  }
}
