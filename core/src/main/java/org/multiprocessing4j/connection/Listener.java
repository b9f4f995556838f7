package org.multiprocessing4j.connection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.multiprocessing4j.AuthenticationException;
import org.multiprocessing4j.ProcessException;
import org.multiprocessing4j.ProcessInterruptedException;
import org.multiprocessing4j.internal.spawn.ExitHooks;
import org.multiprocessing4j.internal.util.Cleanup;
import org.multiprocessing4j.internal.wire.Handshake;
import org.multiprocessing4j.internal.wire.SocketAddresses;
import org.multiprocessing4j.internal.wire.SocketConnection;

/**
 * A bound, listening socket that hands out a {@link Connection} per client: Python's
 * {@code multiprocessing.connection.Listener}, on TCP or a Unix domain socket.
 *
 * <pre>{@code
 * byte[] key = "secret password".getBytes();
 * try (var listener = new Listener(new TcpAddress("localhost", 6000), 1, key);
 *      var conn = listener.accept()) {
 *   System.out.println("connection accepted from " + listener.lastAccepted());
 *   conn.send(List.of(2.25, "junk"));
 *   conn.sendBytes("hello".getBytes());
 * }
 * }</pre>
 *
 * <p>With an authkey, {@link #accept()} runs CPython's HMAC handshake on each new connection
 * (first proving the client knows the key, then proving it to the client) and throws
 * {@link AuthenticationException} when it fails; nothing the client sends is decoded before that.
 * The wire format and handshake are CPython's, so a CPython {@code Client} can connect and
 * exchange {@code send_bytes}/{@code recv_bytes} (objects sent with {@code send} are Java
 * objects, which CPython cannot unpickle). Without an authkey (the default, as in Python 3) there
 * is no authentication: anyone who can reach the address can connect. To share a key among the
 * processes of a program, pass {@code Multiprocessing.currentProcess().getAuthkey()}, which
 * children inherit.
 *
 * <p>{@link #close()} closes the socket, removes a Unix socket file (and the temporary directory of
 * {@link #Listener()}), and makes a thread blocked in {@link #accept()} fail with
 * {@link IllegalStateException}. Listeners left open are closed when the JVM exits.
 *
 * <p>Messages are bounded by the system property {@code mp4j.connection.maxMessageBytes} (bytes,
 * default the largest Java array): a longer message from a peer closes its connection with an
 * error, so an unauthenticated peer cannot exhaust memory.
 */
public class Listener implements AutoCloseable {
  /*
   * Overview of implementation: the server channel is non-blocking and accept() waits in a
   * Selector of its own, so that an interrupt does not close the listener (a blocking
   * ServerSocketChannel would be closed by the JDK) and close() from another thread wakes the
   * waiter. What must be released (channel, selector, socket file, temporary directory) lives in
   * a State registered with the Cleaner and in a set that an exit hook drains, as Python's
   * util.Finalize(exitpriority=0) does.
   */
  /** Python's default backlog. */
  private static final int DEFAULT_BACKLOG = 1;
  private static final int RANDOM_NAME_BYTES = 8;
  private static final Set<State> OPEN = ConcurrentHashMap.newKeySet();
  private static final SecureRandom RANDOM = new SecureRandom();

  static {
    ExitHooks.addLast(() -> OPEN.forEach(State::run));
  }

  private final State state;
  private final Cleaner.Cleanable cleanable;
  private final Address address;
  private final byte[] authkey;
  private final ReentrantLock acceptLock = new ReentrantLock();
  private volatile Address lastAccepted;
  private volatile boolean closed;

  /**
   * A listener on a new Unix socket in a fresh private temporary directory, without
   * authentication: Python's {@code Listener()} (whose default family on Linux is
   * {@code AF_UNIX}).
   */
  public Listener() {
    this(null, DEFAULT_BACKLOG, null);
  }

  /** A listener on {@code address} with Python's backlog of 1 and no authentication. */
  public Listener(Address address) {
    this(address, DEFAULT_BACKLOG, null);
  }

  /**
   * A listener on {@code address} (Python's {@code Listener(address, backlog=, authkey=)}).
   *
   * @param address where to listen; null for a new Unix socket in a temporary directory. A TCP
   *     port 0 picks a free port: {@link #address()} tells which
   * @param backlog how many connections may wait to be accepted (passed to {@code listen}; 0 lets
   *     the system choose)
   * @param authkey the shared secret that {@link #accept()} authenticates clients with, or null for
   *     no authentication (an empty key is a key: it authenticates, as in Python)
   * @throws UncheckedIOException when the address cannot be bound (in use, no permission, a file
   *     in the way of a Unix socket)
   * @throws IllegalArgumentException when {@code backlog} is negative
   */
  @SuppressWarnings("this-escape")   // only registered with the Cleaner, which keeps no reference to it
  public Listener(Address address, int backlog, byte[] authkey) {
    if (backlog < 0) {
      throw new IllegalArgumentException("backlog must not be negative: " + backlog);
    }
    Path tempDir = null;
    if (address == null) {
      tempDir = createTempDir();
      address = new UnixAddress(tempDir.resolve("listener-" + randomHex()));
    }
    ServerSocketChannel server = null;
    Selector selector = null;
    try {
      server = ServerSocketChannel.open(SocketAddresses.family(address));
      if (address instanceof TcpAddress) {
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);   // as CPython on POSIX
      }
      server.bind(SocketAddresses.toSocketAddress(address, true), backlog);
      server.configureBlocking(false);
      selector = Selector.open();
      server.register(selector, SelectionKey.OP_ACCEPT);
      this.address = SocketAddresses.fromSocketAddress(server.getLocalAddress());
    } catch (IOException | RuntimeException e) {
      closeQuietly(selector);
      closeQuietly(server);
      deleteQuietly(tempDir);
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new UncheckedIOException("cannot listen at " + address + ": " + e.getMessage()
          + (address instanceof UnixAddress ? " (a Unix socket needs a path that does not exist yet in a writable"
              + " directory)" : ""), (IOException) e);
    }
    this.authkey = authkey == null ? null : authkey.clone();
    Path socketFile = this.address instanceof UnixAddress u ? u.path() : null;
    this.state = new State(server, selector, socketFile, tempDir);
    OPEN.add(state);
    this.cleanable = Cleanup.CLEANER.register(this, state);
  }

  /**
   * Waits for a client and returns the connection to it, authenticated when this listener has an
   * authkey (Python's {@code accept()}).
   *
   * @throws AuthenticationException when the client fails the handshake (its connection is closed;
   *     the listener goes on and may accept again)
   * @throws IllegalStateException when the listener is closed, also while waiting
   * @throws ProcessInterruptedException when the thread is interrupted while waiting
   */
  public Connection accept() {
    try {
      acceptLock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException("interrupted while waiting to accept on " + this, e);
    }
    SocketChannel channel;
    try {
      channel = waitForClient();
    } finally {
      acceptLock.unlock();
    }
    SocketConnection connection;
    try {
      Address remote = SocketAddresses.fromSocketAddress(channel.getRemoteAddress());
      if (remote instanceof TcpAddress) {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      }
      lastAccepted = remote;
      String from = remote instanceof UnixAddress u && u.path().toString().isEmpty() ? "" : " from " + remote;
      connection = new SocketConnection(channel, "socket connection" + from + " accepted at " + address,
          SocketConnection.configuredMaxMessageBytes());
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new UncheckedIOException("cannot set up a connection accepted at " + address + ": " + e, (IOException) e);
    }
    if (authkey != null) {
      try {
        Handshake.deliverChallenge(connection, authkey);
        Handshake.answerChallenge(connection, authkey);
      } catch (RuntimeException e) {
        connection.close();
        throw e;
      }
    }
    return connection;
  }

  private SocketChannel waitForClient() {
    Selector selector = state.selector;
    while (true) {
      checkOpen();
      try {
        SocketChannel channel = state.server.accept();
        if (channel != null) {
          return channel;
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new ProcessInterruptedException("interrupted while waiting to accept on " + this,
              new InterruptedException());
        }
        selector.select();
        selector.selectedKeys().clear();
      } catch (ClosedChannelException | ClosedSelectorException e) {
        checkOpen();
        throw new IllegalStateException("listener at " + address + " is closed", e);
      } catch (IOException e) {
        checkOpen();
        throw new UncheckedIOException("accept failed on " + this + ": " + e.getMessage(), e);
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("listener is closed: " + address + " no longer accepts connections;"
          + " create a new Listener");
    }
  }

  /**
   * Where the listener listens (Python's {@code address}): the real port when bound to port 0,
   * the numeric host it is bound to, or the Unix socket path.
   */
  public Address address() {
    return address;
  }

  /**
   * Where the last accepted connection came from (Python's {@code last_accepted}); null before the
   * first. A client of a Unix listener has no name: its address is the empty path.
   */
  public Address lastAccepted() {
    return lastAccepted;
  }

  /**
   * Stops listening (Python's {@code close()}): closes the socket, removes a Unix socket file and
   * the temporary directory of {@link #Listener()}. A thread blocked in {@link #accept()} gets
   * {@link IllegalStateException}. Closing twice does nothing. Connections already accepted stay
   * open.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    state.selector.wakeup();
    cleanable.clean();
  }

  /** {@code <Listener address=/tmp/mp4j-x/listener-y open>}. */
  @Override
  public String toString() {
    return "<Listener address=" + address + (authkey != null ? " authenticated" : "") + (closed ? " closed>" : " open>");
  }

  private static Path createTempDir() {
    try {
      return Files.createTempDirectory("mp4j-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for a Listener's socket in "
          + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
    }
  }

  private static String randomHex() {
    byte[] b = new byte[RANDOM_NAME_BYTES];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        // releasing after a failure: the first error is the one reported
      }
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // a leftover in the temporary directory, not worth hiding the real error for
      }
    }
  }

  /** What a listener holds; released once by close(), the Cleaner or the exit hook. */
  private static final class State implements Runnable {
    final ServerSocketChannel server;
    final Selector selector;
    private final Path socketFile;
    private final Path tempDir;
    private boolean released;

    State(ServerSocketChannel server, Selector selector, Path socketFile, Path tempDir) {
      this.server = server;
      this.selector = selector;
      this.socketFile = socketFile;
      this.tempDir = tempDir;
    }

    @Override
    public synchronized void run() {
      if (released) {
        return;
      }
      released = true;
      OPEN.remove(this);
      closeQuietly(selector);
      closeQuietly(server);
      try {
        if (socketFile != null) {
          Files.deleteIfExists(socketFile);
        }
        if (tempDir != null) {
          Files.deleteIfExists(tempDir);
        }
      } catch (IOException e) {
        throw new ProcessException("cannot remove the socket file " + socketFile + " of a closed Listener: " + e, e);
      }
    }
  }
}
