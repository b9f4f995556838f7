package org.multiprocessing4j;

import java.io.Serial;

/**
 * An object could not be sent to (or received from) another process; Python's
 * {@code pickle.PicklingError}. The message names the class at fault and what to do about it:
 * make the class {@link java.io.Serializable}, mark the field {@code transient}, or capture only
 * serializable values in the lambda.
 *
 * <p>An addition to Python's exception table: in Python a pickling error is a plain
 * {@code PicklingError}/{@code TypeError}; here it is a {@link ProcessException} so one catch
 * covers every failure of this library.
 */
public class PicklingException extends ProcessException {
  @Serial private static final long serialVersionUID = 1L;

  /** An exception naming the class that could not be (de)serialized. */
  public PicklingException(String message, Throwable cause) {
    super(message, cause);
  }
}
