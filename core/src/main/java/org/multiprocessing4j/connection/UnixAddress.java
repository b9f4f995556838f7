package org.multiprocessing4j.connection;

import java.io.Serial;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The path of a Unix domain socket: Python's {@code 'AF_UNIX'} address (a file name).
 *
 * <p>A {@link Listener} creates the socket file and removes it when closed. The empty path stands
 * for an unnamed socket: it is what {@link Listener#lastAccepted()} reports for a client of a Unix
 * listener, where Python reports {@code ''}. Linux abstract socket names (Python's
 * {@code "\0name"}) are not supported by the JDK: {@link Address#parse} refuses them.
 *
 * @param path the socket file
 */
public record UnixAddress(Path path) implements Address {
  @Serial private static final long serialVersionUID = 1L;

  /** Checks the path. */
  public UnixAddress {
    Objects.requireNonNull(path, "the path of a UnixAddress must not be null");
  }

  /** The path, as text: the form {@link Address#parse} reads (when it contains a {@code /}). */
  @Override
  public String toString() {
    return path.toString();
  }

  /** {@link Path} is not serializable: a UnixAddress travels as its path's text. */
  @Serial
  private Object writeReplace() {
    return new Serialized(path.toString());
  }

  /** The serialized form of a {@link UnixAddress}: its path as text. */
  private record Serialized(String path) implements java.io.Serializable {
    @Serial private static final long serialVersionUID = 1L;

    @Serial
    private Object readResolve() {
      return new UnixAddress(Path.of(path));
    }
  }
}
