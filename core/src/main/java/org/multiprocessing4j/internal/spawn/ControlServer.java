package org.multiprocessing4j.internal.spawn;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
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
 * a later JVM when this one was killed). A virtual thread accepts; each connection gets a virtual
 * thread that reads the child's pid and then its messages into the {@link ChildLink} of that pid.
 * EOF on a connection means the child's process is gone (the kernel closes the socket), so it
 * also marks the end of the child's messages.
 */
final class ControlServer {
  private static final String PREFIX = "mp4j-";
  private static final Pattern SOCKET_NAME = Pattern.compile("mp4j-(\\d+)-[0-9a-f]+\\.sock");
  private static volatile ControlServer instance;

  private final Path path;
  private final ServerSocketChannel server;
  private final ConcurrentHashMap<Long, ChildLink> links = new ConcurrentHashMap<>();

  private ControlServer() throws IOException {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
    sweep(dir);
    long pid = ProcessHandle.current().pid();
    path = dir.resolve(PREFIX + pid + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + ".sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    ExitHooks.addLast(this::closeQuietly);
    Thread.ofVirtual().name("mp4j-control-accept").start(this::acceptLoop);
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

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel channel = server.accept();
        Thread.ofVirtual().name("mp4j-control-read").start(() -> readLoop(channel));
      } catch (IOException e) {
        return; // closed at exit
      }
    }
  }

  private void readLoop(SocketChannel channel) {
    ChildLink link = null;
    try (channel; var in = new DataInputStream(Channels.newInputStream(channel))) {
      link = link(in.readLong());
      link.connected();
      while (true) {
        ControlMessage type = ControlMessage.of(in.readByte());
        int value = in.readInt();
        link.receive(type, value);
      }
    } catch (EOFException e) {
      // the child's process is gone, or it closed the channel on its way out
    } catch (IOException e) {
      // same as EOF: the channel broke with the child
    } finally {
      if (link != null) {
        link.disconnected();
      }
    }
  }

  private void closeQuietly() {
    try {
      server.close();
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
