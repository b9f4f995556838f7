package org.multiprocessing4j.connection;

import java.io.Serial;
import java.util.Objects;

/**
 * A TCP address: Python's {@code (host, port)} tuple of the {@code 'AF_INET'} family.
 *
 * <p>An empty host or {@code 0.0.0.0} binds every interface (Python's {@code ''}); port 0 lets a
 * {@link Listener} pick a free port, which {@link Listener#address()} then reports. An address a
 * listener reports carries the numeric host it is bound to ({@code 127.0.0.1} for
 * {@code localhost}), as Python's {@code getsockname()} does.
 *
 * @param host a host name or numeric IPv4/IPv6 address (without brackets)
 * @param port 0..65535
 */
public record TcpAddress(String host, int port) implements Address {
  @Serial private static final long serialVersionUID = 1L;
  private static final int MAX_PORT = 65_535;

  /**
   * Checks the parts.
   *
   * @throws IllegalArgumentException when the port is outside 0..65535
   */
  public TcpAddress {
    Objects.requireNonNull(host, "the host of a TcpAddress must not be null (use \"\" for every interface)");
    if (port < 0 || port > MAX_PORT) {
      throw new IllegalArgumentException("port " + port + " of " + host + " is outside 0..65535");
    }
  }

  /** {@code host:port}, or {@code [host]:port} for an IPv6 host: the form {@link Address#parse} reads. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
