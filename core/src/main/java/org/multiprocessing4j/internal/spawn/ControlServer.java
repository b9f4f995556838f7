package org.multiprocessing4j.internal.spawn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.multiprocessing4j.internal.util.OwnPid;

/**
 * The parent's end of the children's back channel: a FIFO (named pipe) into which each child JVM
 * writes that it booted ({@link ControlMessage#READY}), that its target finished and with which
 * exit code ({@link ControlMessage#DONE}), or that it exits through {@code System.exit} rather
 * than a signal ({@link ControlMessage#EXIT}). The child's stdin is the other direction (DESIGN.md §2).
 *
 * <p>Why a FIFO and not a socket: a child opens it with plain file I/O. A Unix-domain socket
 * made every child JVM set up the socket provider and seed a {@code SecureRandom} (~15 ms and ~3
 * MiB of a young JVM) to send a few bytes.
 *
 * <p>Overview of implementation: one FIFO per JVM, made lazily in the temporary directory as
 * {@code mp4j-<pid>-<random>.fifo} (with {@code mkfifo}, mode 0600), removed at exit (and by the
 * start-up sweep of a later JVM when this one was killed). The parent holds it open for reading
 * and writing, so it never sees end-of-file while no child has it open, and reads it through a
 * second, read-only channel. Every message is one
 * {@link ControlMessage#BYTES}-byte record, which a FIFO never interleaves with another writer's
 * (writes of up to {@code PIPE_BUF} bytes are atomic). One daemon thread reads the records in
 * order into the {@link ChildLink} of their pid. Because records are read in order,
 * {@link #sync} — a record the parent writes itself and waits to see read — tells that every
 * message a child wrote before it exited has been handled.
 */
final class ControlServer {
  private static final String PREFIX = "mp4j-";
  private static final Pattern CHANNEL_NAME = Pattern.compile("mp4j-(\\d+)-[0-9a-f]+\\.(fifo|sock)");
  private static volatile ControlServer instance;

  private final Path path;
  /** Held for reading and writing: the parent's own records (SYNC, STOP) go through it. */
  private final FileChannel channel;
  /** Read by the reader thread only (a FileChannel does not read and write at the same time). */
  private final FileChannel in;
  private final long pid = OwnPid.PID;
  private final ConcurrentHashMap<Long, ChildLink> links = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, CompletableFuture<Void>> syncs = new ConcurrentHashMap<>();
  private final AtomicInteger syncNumbers = new AtomicInteger();

  private ControlServer() throws IOException {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
    sweep(dir);
    path = dir.resolve(PREFIX + pid + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + ".fifo");
    makeFifo(path);
    channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    in = FileChannel.open(path, StandardOpenOption.READ); // does not block: `channel` is a writer
    ExitHooks.addLast(this::closeQuietly);
    Thread.ofPlatform().daemon().name("mp4j-control").start(this::serve);
  }

  /** The JVM's control FIFO, made on first use. */
  static ControlServer get() {
    ControlServer s = instance;
    if (s == null) {
      synchronized (ControlServer.class) {
        s = instance;
        if (s == null) {
          try {
            s = instance = new ControlServer();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot make the control FIFO for child processes in "
                + System.getProperty("java.io.tmpdir") + " (" + e.getMessage() + "); check that the directory is"
                + " writable and that the mkfifo command (coreutils) is installed", e);
          }
        }
      }
    }
    return s;
  }

  /**
   * Makes a FIFO at {@code path} that only this user may open, with the {@code mkfifo} command
   * (the JDK has no call for it).
   */
  private static void makeFifo(Path path) throws IOException {
    java.lang.Process p = new ProcessBuilder("mkfifo", "-m", "600", path.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
    String output = new String(p.getInputStream().readAllBytes()).strip();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("mkfifo " + path + " failed" + (output.isEmpty() ? "" : ": " + output));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while making the FIFO " + path, e);
    }
  }

  /** The FIFO children write to. */
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
   * Waits until every record written to the FIFO before this call has been handled (at most
   * {@code timeoutMillis}): after a child's process has ended, its last messages are then known.
   *
   * @return whether that was seen within the timeout
   */
  boolean sync(long timeoutMillis) {
    int n = syncNumbers.incrementAndGet();
    var seen = new CompletableFuture<Void>();
    syncs.put(n, seen);
    try {
      write(ControlMessage.SYNC, n);
      seen.get(timeoutMillis, TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      syncs.remove(n);
    }
  }

  private void write(ControlMessage type, int value) {
    synchronized (channel) {
      type.writeTo(channel, pid, value);
    }
  }

  /**
   * The one thread that reads the FIFO: a platform thread wakes within microseconds of a child's
   * DONE, where a virtual thread was seen to take milliseconds (it waits for a carrier).
   */
  private void serve() {
    ByteBuffer buf = ByteBuffer.allocate(ControlMessage.BYTES * 64);
    try {
      while (true) {
        if (in.read(buf) < 0) {
          return;
        }
        buf.flip();
        while (buf.remaining() >= ControlMessage.BYTES) {
          long from = buf.getLong();
          ControlMessage type = ControlMessage.of(buf.get());
          int value = buf.getInt();
          switch (type) {
            case SYNC -> {
              CompletableFuture<Void> seen = syncs.get(value);
              if (seen != null) {
                seen.complete(null);
              }
            }
            case STOP -> {
              if (from == pid) {
                return;
              }
            }
            default -> link(from).receive(type, value);
          }
        }
        buf.compact();
      }
    } catch (IOException | RuntimeException e) {
      // closed at exit, or a record we cannot read: the OS exit statuses still tell the exit codes
    }
  }

  private void closeQuietly() {
    write(ControlMessage.STOP, 0); // the reader leaves its read(2), which closing alone might not end
    try {
      channel.close();
      in.close();
    } catch (IOException e) {
      // exiting anyway
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // exiting anyway; the next JVM's sweep removes it
    }
  }

  /** Deletes control FIFOs (and the sockets of older versions) left by JVMs that are gone. */
  private static void sweep(Path dir) {
    try (var files = Files.newDirectoryStream(dir, PREFIX + "*.{fifo,sock}")) {
      for (Path p : files) {
        var m = CHANNEL_NAME.matcher(p.getFileName().toString());
        if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException | RuntimeException e) {
      // a sweep is housekeeping: never let it break a start
    }
  }

  /**
   * What the parent knows of one child from its messages: completes {@link #ready} on READY and
   * {@link #done} on DONE, and records EXIT.
   */
  static final class ChildLink {
    final long pid;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final CompletableFuture<Integer> done = new CompletableFuture<>();
    private volatile boolean exitCalled;

    ChildLink(long pid) {
      this.pid = pid;
    }

    /** Whether the child said it exits through {@code System.exit}: its OS status is an exit code, not 128 + a signal. */
    boolean exitCalled() {
      return exitCalled;
    }

    void receive(ControlMessage type, int value) {
      switch (type) {
        case READY -> ready.complete(null);
        case DONE -> done.complete(value);
        case EXIT -> exitCalled = true;
        default -> { }
      }
    }
  }
}
