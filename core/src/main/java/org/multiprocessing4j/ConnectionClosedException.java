package org.multiprocessing4j;

import java.io.Serial;

/**
 * The other end of a connection is gone: Python's {@code EOFError} from {@code recv} and
 * {@code BrokenPipeError} (or {@code ConnectionResetError}) from {@code send}.
 *
 * <p>A receiver gets it only after every message that arrived before the peer closed has been
 * received. It is also thrown to a thread blocked on a connection that another thread closes.
 * Using a connection that was already closed by this side is a different mistake and raises
 * {@link IllegalStateException}.
 */
public class ConnectionClosedException extends ProcessException {
  @Serial private static final long serialVersionUID = 1L;

  /** An exception saying which connection closed and what was being done. */
  public ConnectionClosedException(String message) {
    super(message);
  }

  /** An exception saying which connection closed, with the I/O error that showed it. */
  public ConnectionClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
