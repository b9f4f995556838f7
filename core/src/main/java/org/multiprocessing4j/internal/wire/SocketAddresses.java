package org.multiprocessing4j.internal.wire;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import org.multiprocessing4j.connection.Address;
import org.multiprocessing4j.connection.TcpAddress;
import org.multiprocessing4j.connection.UnixAddress;

/** Conversions between our {@link Address} values and {@code java.net} socket addresses. */
public final class SocketAddresses {
  private SocketAddresses() {}

  /** The protocol family of a channel for {@code address}. */
  public static ProtocolFamily family(Address address) {
    return switch (address) {
      case UnixAddress u -> StandardProtocolFamily.UNIX;
      case TcpAddress t -> resolve(t, false).getAddress() instanceof java.net.Inet6Address
          ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    };
  }

  /**
   * The socket address to bind ({@code forBind}) or connect to. An empty TCP host binds every
   * interface and connects to this machine (Python's {@code ''}).
   *
   * @throws UncheckedIOException caused by {@link UnknownHostException} when the host does not resolve
   */
  public static SocketAddress toSocketAddress(Address address, boolean forBind) {
    return switch (address) {
      case UnixAddress u -> UnixDomainSocketAddress.of(u.path());
      case TcpAddress t -> resolve(t, forBind);
    };
  }

  private static InetSocketAddress resolve(TcpAddress t, boolean forBind) {
    if (t.host().isEmpty()) {
      return forBind ? new InetSocketAddress(t.port()) : new InetSocketAddress(InetAddress.getLoopbackAddress(), t.port());
    }
    var resolved = new InetSocketAddress(t.host(), t.port());
    if (resolved.isUnresolved()) {
      throw new UncheckedIOException("cannot resolve the host of " + t + ": unknown host '" + t.host() + "'",
          new UnknownHostException(t.host()));
    }
    return resolved;
  }

  /** Our address for a socket address a channel reports; null for null. */
  public static Address fromSocketAddress(SocketAddress address) {
    return switch (address) {
      case null -> null;
      case InetSocketAddress inet -> new TcpAddress(
          inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString(), inet.getPort());
      case UnixDomainSocketAddress unix -> new UnixAddress(unix.getPath());
      default -> throw new IllegalArgumentException("unsupported socket address type " + address.getClass().getName());
    };
  }
}
