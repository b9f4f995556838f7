package org.multiprocessing4j;

import java.io.Serial;

/**
 * The authentication handshake of a connection failed: the peer does not know the authkey, or
 * does not speak the handshake; Python's {@code multiprocessing.AuthenticationError}.
 *
 * <p>Thrown on both sides of a failed handshake: by the side that checked the digest and by the
 * side whose digest was rejected.
 */
public class AuthenticationException extends ProcessException {
  @Serial private static final long serialVersionUID = 1L;

  /** An exception saying what went wrong in the handshake. */
  public AuthenticationException(String message) {
    super(message);
  }

  /** An exception saying what went wrong in the handshake, and what caused it. */
  public AuthenticationException(String message, Throwable cause) {
    super(message, cause);
  }
}
