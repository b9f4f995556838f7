package org.multiprocessing4j;

import java.io.Serial;

/** A wait with a timeout ran out; Python's {@code multiprocessing.TimeoutError}. */
public class ProcessTimeoutException extends ProcessException {
  @Serial private static final long serialVersionUID = 1L;

  /** An exception saying what timed out and after how long. */
  public ProcessTimeoutException(String message) {
    super(message);
  }
}
