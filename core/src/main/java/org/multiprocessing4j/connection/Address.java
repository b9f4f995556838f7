package org.multiprocessing4j.connection;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * Where a {@link Listener} listens and a {@link Client} connects: a TCP host and port, or the
 * path of a Unix domain socket. Python's address formats, typed: {@code ('localhost', 6000)} is
 * {@code new TcpAddress("localhost", 6000)}, {@code '/tmp/listener-x'} is
 * {@code new UnixAddress(Path.of("/tmp/listener-x"))}; the family (Python's {@code 'AF_INET'},
 * {@code 'AF_UNIX'}) follows from the type.
 *
 * <pre>{@code
 * Address a = Address.parse("localhost:6000");        // TcpAddress[localhost, 6000]
 * Address b = Address.parse("[::1]:6000");            // IPv6
 * Address c = Address.parse("/tmp/my-listener");      // UnixAddress
 * }</pre>
 *
 * <p>Addresses are values: immutable, comparable with {@code equals}, serializable (send one to a
 * child so it can connect back). {@link #toString()} gives the form {@link #parse} reads.
 *
 * <p>Windows named pipes (Python's {@code 'AF_PIPE'}, {@code \\.\pipe\name}) are not supported:
 * {@link #parse} refuses them with a message that says so.
 */
public sealed interface Address extends Serializable permits TcpAddress, UnixAddress {

  /**
   * Reads an address: {@code host:port} (IPv6 hosts in brackets, {@code [::1]:6000}; port 0
   * lets a listener pick a free port) or a Unix socket path (any text containing {@code /}; write
   * {@code ./name} for a file in the working directory).
   *
   * @throws IllegalArgumentException when the text is neither form, the port is not a number in
   *     0..65535, or it is a Windows named pipe ({@code \\.\pipe\...}) or a Linux abstract socket
   *     name ({@code "\0name"})
   */
  static Address parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("an address must not be empty: write host:port"
          + " (localhost:6000) or the path of a Unix socket (/tmp/listener)");
    }
    if (text.startsWith("\\\\")) {
      throw new IllegalArgumentException("address '" + text + "' is a Windows named pipe (AF_PIPE),"
          + " which exists only on Windows; use a Unix socket path (/tmp/listener) or host:port");
    }
    if (text.startsWith("\0")) {
      throw new IllegalArgumentException("Linux abstract socket names (\"\\0" + text.substring(1) + "\") are not"
          + " supported by the JDK; use a file path such as /tmp/listener");
    }
    if (text.indexOf('/') >= 0) {
      return new UnixAddress(Path.of(text));
    }
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("address '" + text + "' is neither host:port nor a path:"
          + " write localhost:6000 for TCP, or ./" + text + " for a Unix socket in this directory");
    }
    String host = text.substring(0, colon);
    String portText = text.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("address '" + text + "': write an IPv6 host in brackets,"
          + " as in [::1]:6000");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address '" + text + "': the port '" + portText
          + "' is not a number; write host:port, as in localhost:6000", e);
    }
    return new TcpAddress(host, port);
  }
}
