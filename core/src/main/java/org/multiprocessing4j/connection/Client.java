package org.multiprocessing4j.connection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import org.multiprocessing4j.AuthenticationException;
import org.multiprocessing4j.ProcessInterruptedException;
import org.multiprocessing4j.internal.wire.Handshake;
import org.multiprocessing4j.internal.wire.SocketAddresses;
import org.multiprocessing4j.internal.wire.SocketConnection;

/**
 * Connects to a {@link Listener}: Python's {@code multiprocessing.connection.Client}. The address
 * family (TCP or Unix socket) follows from the {@link Address} type.
 *
 * <pre>{@code
 * try (Connection conn = Client.connect(new TcpAddress("localhost", 6000), "secret password".getBytes())) {
 *   System.out.println(conn.recv());
 *   System.out.println(new String(conn.recvBytes()));
 * }
 * }</pre>
 *
 * <p>The peer may be a CPython {@code Listener} (3.x, any version: the 3.12+ SHA-256 handshake and
 * the legacy HMAC-MD5 one of 3.11 and older are both spoken); bytes travel both ways with
 * {@code sendBytes}/{@code recvBytes} ↔ {@code send_bytes}/{@code recv_bytes}. Without an authkey
 * (the default, as in Python 3) there is no authentication; processes of one program share
 * {@code Multiprocessing.currentProcess().getAuthkey()}, which children inherit.
 *
 * <p>Messages from the listener are bounded by the system property
 * {@code mp4j.connection.maxMessageBytes} (see the package documentation).
 */
public final class Client {
  private Client() {}

  /** Connects without authentication (Python's {@code Client(address)}). */
  public static Connection connect(Address address) {
    return connect(address, null);
  }

  /**
   * Connects and, with an authkey, authenticates (Python's {@code Client(address, authkey=)}):
   * first answers the listener's challenge, then challenges the listener.
   *
   * @param authkey the shared secret, or null for no authentication
   * @throws AuthenticationException when either side's digest is wrong (the connection is closed)
   * @throws UncheckedIOException when the connection cannot be made (nobody listening, unknown
   *     host, no such socket file)
   * @throws ProcessInterruptedException when the thread is interrupted while connecting
   */
  public static Connection connect(Address address, byte[] authkey) {
    SocketChannel channel = null;
    SocketConnection connection;
    try {
      channel = SocketChannel.open(SocketAddresses.family(address));
      channel.connect(SocketAddresses.toSocketAddress(address, false));
      if (address instanceof TcpAddress) {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      }
      connection = new SocketConnection(channel, "socket connection to " + address,
          SocketConnection.configuredMaxMessageBytes());
    } catch (ClosedByInterruptException e) {
      throw new ProcessInterruptedException("interrupted while connecting to " + address,
          new InterruptedException(e.toString()));
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot connect to " + address + ": " + e.getMessage()
          + "; is a Listener running there?", e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
    if (authkey != null) {
      try {
        Handshake.answerChallenge(connection, authkey);
        Handshake.deliverChallenge(connection, authkey);
      } catch (RuntimeException e) {
        connection.close();
        throw e;
      }
    }
    return connection;
  }

  private static void closeQuietly(SocketChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // the connection failed already: that is the error to report
      }
    }
  }
}
