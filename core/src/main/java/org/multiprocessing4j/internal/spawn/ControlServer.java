package org.multiprocessing4j.internal.spawn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The parent's end of the children's back channel: a Unix domain socket on which each child JVM
 * reports that it booted ({@link ControlMessage#READY}), that its target finished and with which
 * exit code ({@link ControlMessage#DONE}), or that user code called {@code System.exit(n)}
 * ({@link ControlMessage#EXIT}). The child's stdin is the other direction (DESIGN.md §2).
 *
 * <p>Overview of implementation: one server socket per JVM, bound lazily in the temporary
 * directory as {@code mp4j-<pid>-<random>.sock} and deleted at exit (and by the start-up sweep of
 * a later JVM when this one was killed). One daemon thread serves all connections with a
 * selector, reading each child's pid and then its messages into the {@link ChildLink} of that pid.
 * EOF on a connection means the child's process is gone (the kernel closes the socket), so it
 * also marks the end of the child's messages.
 */
final class ControlServer {
  private static final String PREFIX = "mp4j-";
  private static final Pattern SOCKET_NAME = Pattern.compile("mp4j-(\\d+)-[0-9a-f]+\\.sock");
  private static volatile ControlServer instance;
  /** A message: its type byte and a 4-byte value. */
  private static final int MESSAGE_BYTES = Byte.BYTES + Integer.BYTES;

  private final Path path;
  private final ServerSocketChannel server;
  private final Selector selector;
  private final ConcurrentHashMap<Long, ChildLink> links = new ConcurrentHashMap<>();

  private ControlServer() throws IOException {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
    sweep(dir);
    long pid = ProcessHandle.current().pid();
    path = dir.resolve(PREFIX + pid + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + ".sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    ExitHooks.addLast(this::closeQuietly);
    server.configureBlocking(false);
    selector = Selector.open();
    server.register(selector, SelectionKey.OP_ACCEPT);
    Thread.ofPlatform().daemon().name("mp4j-control").start(this::serve);
  }

  /** The JVM's control server, bound on first use. */
  static ControlServer get() {
    ControlServer s = instance;
    if (s == null) {
      synchronized (ControlServer.class) {
        s = instance;
        if (s == null) {
          try {
            s = instance = new ControlServer();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot open the control socket for child processes in "
                + System.getProperty("java.io.tmpdir") + "; check that the directory is writable", e);
          }
        }
      }
    }
    return s;
  }

  /** The socket path children connect to. */
  Path path() {
    return path;
  }

  /** The link of the child with this pid, created on first mention by either side. */
  ChildLink link(long pid) {
    return links.computeIfAbsent(pid, ChildLink::new);
  }

  /** Forgets a child whose process has ended. */
  void forget(long pid) {
    links.remove(pid);
  }

  /**
   * The one thread that serves every child's connection, with a selector: a platform thread
   * wakes within microseconds of a child's DONE, where a virtual thread parked on a socket read
   * was seen to take milliseconds (it waits for the poller, then for a carrier).
   */
  private void serve() {
    try (Selector selector = this.selector) {
      while (server.isOpen()) {
        selector.select();
        for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
          SelectionKey key = it.next();
          it.remove();
          if (key.isValid() && key.isAcceptable()) {
            SocketChannel ch = server.accept();
            if (ch != null) {
              ch.configureBlocking(false);
              ch.register(selector, SelectionKey.OP_READ, new Reader());
            }
          } else if (key.isValid() && key.isReadable()) {
            ((Reader) key.attachment()).read(key);
          }
        }
      }
    } catch (IOException | ClosedSelectorException e) {
      // closed at exit
    }
  }

  /** Reads one child's connection: its pid (8 bytes), then messages (type byte, 4-byte value). */
  private final class Reader {
    private final ByteBuffer buf = ByteBuffer.allocate(256);
    private ChildLink link;

    void read(SelectionKey key) {
      var ch = (SocketChannel) key.channel();
      int n;
      try {
        n = ch.read(buf);
      } catch (IOException e) {
        n = -1;
      }
      buf.flip();
      if (link == null && buf.remaining() >= Long.BYTES) {
        link = link(buf.getLong());
        link.connected();
      }
      while (link != null && buf.remaining() >= MESSAGE_BYTES) {
        link.receive(ControlMessage.of(buf.get()), buf.getInt());
      }
      buf.compact();
      if (n < 0) {
        // EOF: the child's process is gone, or it closed the channel on its way out
        key.cancel();
        try {
          ch.close();
        } catch (IOException e) {
          // already broken
        }
        if (link != null) {
          link.disconnected();
        }
      }
    }
  }

  private void closeQuietly() {
    try {
      server.close();
      selector.close();
    } catch (IOException e) {
      // exiting anyway
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // exiting anyway; the next JVM's sweep removes it
    }
  }

  /** Deletes control sockets left by JVMs that are gone (killed before their exit hooks ran). */
  private static void sweep(Path dir) {
    try (var files = Files.newDirectoryStream(dir, PREFIX + "*.sock")) {
      for (Path p : files) {
        var m = SOCKET_NAME.matcher(p.getFileName().toString());
        if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException | RuntimeException e) {
      // a sweep is housekeeping: never let it break a start
    }
  }

  /**
   * What the parent knows of one child from its messages. Completes {@link #ready} on READY,
   * {@link #done} on DONE, records EXIT, and completes {@link #closed} on EOF.
   */
  static final class ChildLink {
    final long pid;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final CompletableFuture<Integer> done = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile boolean connected;
    private volatile Integer exitRequested;

    ChildLink(long pid) {
      this.pid = pid;
    }

    void connected() {
      connected = true;
    }

    boolean isConnected() {
      return connected;
    }

    Integer exitRequested() {
      return exitRequested;
    }

    void receive(ControlMessage type, int value) {
      switch (type) {
        case READY -> ready.complete(null);
        case DONE -> done.complete(value);
        case EXIT -> exitRequested = value;
      }
    }

    void disconnected() {
      closed.complete(null);
    }
  }
}
