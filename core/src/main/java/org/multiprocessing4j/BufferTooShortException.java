package org.multiprocessing4j;

import java.io.Serial;

/**
 * The buffer given to {@code Connection.recvBytesInto} is too short for the message that arrived;
 * Python's {@code multiprocessing.BufferTooShort}.
 *
 * <p>The message has been taken off the connection all the same: {@link #message()} holds all of
 * it (Python's {@code e.args[0]}), so nothing is lost.
 */
public class BufferTooShortException extends ProcessException {
  @Serial private static final long serialVersionUID = 1L;

  /** The whole message that did not fit. */
  private final byte[] message;

  /**
   * An exception carrying the message that did not fit.
   *
   * @param description what did not fit where, for {@link #getMessage()}
   * @param message the whole received message; kept as is, not copied
   */
  public BufferTooShortException(String description, byte[] message) {
    super(description);
    this.message = message;
  }

  /** The whole received message (not a copy: the exception is its only holder). */
  public byte[] message() {
    return message;
  }
}
