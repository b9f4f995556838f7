package org.multiprocessing4j.internal.wire;

import java.io.IOException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.lang.ref.Cleaner;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.multiprocessing4j.BufferTooShortException;
import org.multiprocessing4j.ConnectionClosedException;
import org.multiprocessing4j.PicklingException;
import org.multiprocessing4j.ProcessException;
import org.multiprocessing4j.ProcessInterruptedException;
import org.multiprocessing4j.connection.Connection;
import org.multiprocessing4j.internal.pickle.Codec;
import org.multiprocessing4j.internal.util.Cleanup;

/**
 * A {@link Connection} over a connected stream socket (TCP or Unix domain), speaking CPython's
 * framing ({@link Frames}), so that the peer may be a CPython {@code Connection}.
 *
 * <p>Messages longer than a maximum are refused (the connection is closed): the maximum is the
 * system property {@value #MAX_MESSAGE_PROPERTY} (bytes; default and ceiling
 * {@link Frames#MAX_ARRAY_BYTES}, the largest Java array), read when the connection is made.
 * Memory for a message follows the bytes that actually arrive beyond
 * {@link #TRUSTED_ALLOCATION_BYTES}, so a header that announces a huge message and never sends it
 * costs nothing.
 */
public final class SocketConnection implements Connection {
  /*
   * Overview of implementation.
   *
   * The channel stays in non-blocking mode for its whole life. Blocking operations try the read or
   * write and, when it would block, wait in a per-connection Selector (one for reads, one for
   * writes, each made on first need). That gives three things blocking channels do not: a thread
   * interrupted while waiting gets ProcessInterruptedException without the JDK closing the channel
   * (InterruptibleChannel does that in blocking mode), poll(timeout) works on Unix domain sockets
   * (which have no SO_TIMEOUT adaptor), and Connections.wait can register the same channel with a
   * selector of its own at any time, while another thread reads or writes.
   *
   * Reads go through a direct buffer `in` (read mode between calls). Header bytes stay there until
   * the whole header has arrived; the body is copied out into `pending`, which survives an
   * interrupted recv so that the next call resumes the same message. Writes copy header and
   * payload through a direct buffer `out` in chunks, so small messages leave in one write (CPython
   * concatenates for the same reason: Nagle) and large ones never make the JDK allocate a
   * temporary direct buffer the size of the message.
   *
   * Locks: readLock guards in/pending/eof/readSelector; writeLock guards out/writeSelector. close()
   * takes neither: it sets `closed`, wakes the selectors and releases the resources; a thread
   * blocked in a selector wakes up, sees `closed` and throws ConnectionClosedException.
   */
  /** System property: the longest message (bytes) a socket connection accepts from its peer. */
  public static final String MAX_MESSAGE_PROPERTY = "mp4j.connection.maxMessageBytes";
  /** Size of each of the direct I/O buffers. */
  static final int IO_BUFFER_BYTES = 64 * 1024;
  /** A message up to this size gets its whole array at once; a longer one grows as it arrives. */
  static final int TRUSTED_ALLOCATION_BYTES = 16 * 1024 * 1024;

  private final Resources resources;
  private final Cleaner.Cleanable cleanable;
  private final SocketChannel channel;
  private final String description;
  private final int maxMessageBytes;
  private final ReentrantLock readLock = new ReentrantLock();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ByteBuffer in = ByteBuffer.allocateDirect(IO_BUFFER_BYTES).flip();
  private final ByteBuffer out = ByteBuffer.allocateDirect(IO_BUFFER_BYTES);
  /** The peer's end of stream (or a read error) was seen; guarded by readLock. */
  private boolean eof;
  private IOException eofCause;
  /** The message being received: its length, the array filling up, and how much is in it. */
  private long pendingLength = -1;
  private byte[] pending;
  private int pendingFilled;
  private volatile boolean closed;
  private volatile boolean readable = true;

  /**
   * Wraps a connected channel. It is switched to non-blocking mode and owned from now on.
   *
   * @param description what the connection is, for messages ("socket connection to localhost:6000")
   * @param maxMessageBytes the longest message accepted from the peer
   */
  public SocketConnection(SocketChannel channel, String description, int maxMessageBytes) throws IOException {
    if (maxMessageBytes < 0 || maxMessageBytes > Frames.MAX_ARRAY_BYTES) {
      throw new IllegalArgumentException("maxMessageBytes must be in 0.." + Frames.MAX_ARRAY_BYTES + ": " + maxMessageBytes);
    }
    channel.configureBlocking(false);
    this.channel = channel;
    this.description = description;
    this.maxMessageBytes = maxMessageBytes;
    this.resources = new Resources(channel);
    this.cleanable = Cleanup.CLEANER.register(this, resources);
  }

  /**
   * The longest message a new connection accepts: the system property
   * {@value #MAX_MESSAGE_PROPERTY}, or {@link Frames#MAX_ARRAY_BYTES}.
   *
   * @throws IllegalArgumentException when the property is not a number in range
   */
  public static int configuredMaxMessageBytes() {
    String value = System.getProperty(MAX_MESSAGE_PROPERTY);
    if (value == null || value.isBlank()) {
      return Frames.MAX_ARRAY_BYTES;
    }
    try {
      long n = Long.parseLong(value.strip().replace("_", ""));
      if (n >= 0 && n <= Frames.MAX_ARRAY_BYTES) {
        return (int) n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("system property " + MAX_MESSAGE_PROPERTY + "=" + value
        + " is not a number of bytes in 0.." + Frames.MAX_ARRAY_BYTES);
  }

  // ------------------------------------------------------------------------------- sending

  @Override
  public void send(Object obj) {
    checkWritable("send");
    sendFrame(Codec.encode(obj, "an object sent on the ", description), 0, -1);
  }

  @Override
  public void sendBytes(byte[] buf, int offset, int size) {
    checkWritable("sendBytes");
    int n = buf.length;
    if (offset < 0) {
      throw new IllegalArgumentException("offset is negative: " + offset);
    }
    if (n < offset) {
      throw new IllegalArgumentException("buffer length < offset: " + n + " < " + offset);
    }
    if (size < 0) {
      throw new IllegalArgumentException("size is negative: " + size);
    }
    if ((long) offset + size > n) {
      throw new IllegalArgumentException("buffer length < offset + size: " + n + " < " + offset + " + " + size);
    }
    sendFrame(buf, offset, size);
  }

  /** Sends {@code size} bytes of {@code buf} from {@code offset} (the whole array when size is -1). */
  private void sendFrame(byte[] buf, int offset, int size) {
    int length = size < 0 ? buf.length : size;
    lock(writeLock, "send");
    try {
      checkWritable("send");
      out.clear();
      Frames.writeHeader(length, out);
      int sent = 0;
      boolean started = false;
      while (true) {
        int n = Math.min(out.remaining(), length - sent);
        out.put(buf, offset + sent, n);
        sent += n;
        out.flip();
        started |= writeFully(started);
        out.clear();
        if (sent == length) {
          return;
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Writes all of {@code out}, waiting while the socket is full; true once a byte has gone. */
  private boolean writeFully(boolean started) {
    boolean wrote = started;
    while (out.hasRemaining()) {
      int n;
      try {
        n = channel.write(out);
      } catch (IOException e) {
        throw closedDuring("send", e);
      }
      if (n > 0) {
        wrote = true;
      } else {
        try {
          await(writeSelector(), SelectionKey.OP_WRITE, NO_DEADLINE, "send");
        } catch (ProcessInterruptedException e) {
          if (wrote) {
            // part of the message is on the wire: the stream can no longer be framed
            close();
            throw new ProcessInterruptedException("interrupted while sending on the " + description
                + " after part of the message was sent; the connection was closed because the peer"
                + " could no longer tell where messages begin", (InterruptedException) e.getCause());
          }
          throw e;
        }
      }
    }
    return wrote;
  }

  // ----------------------------------------------------------------------------- receiving

  @Override
  public Object recv() {
    byte[] message = receive(-1, "recv");
    try {
      return Codec.decode(message);
    } catch (BufferUnderflowException | IndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new PicklingException("cannot decode a message received on the " + description
          + ": it was not sent with send() by this library (use recvBytes() for raw bytes)", e);
    }
  }

  @Override
  public byte[] recvBytes() {
    return receive(-1, "recvBytes");
  }

  @Override
  public byte[] recvBytes(int maxLength) {
    if (maxLength < 0) {
      checkReadable("recvBytes");
      throw new IllegalArgumentException("negative maxLength: " + maxLength);
    }
    return receive(maxLength, "recvBytes");
  }

  @Override
  public int recvBytesInto(byte[] buf, int offset) {
    checkReadable("recvBytesInto");
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset: " + offset);
    }
    if (offset > buf.length) {
      throw new IllegalArgumentException("offset too large: " + offset + " > buffer length " + buf.length);
    }
    byte[] message = receive(-1, "recvBytesInto");
    if (buf.length - offset < message.length) {
      throw new BufferTooShortException("a message of " + message.length + " bytes does not fit in a buffer of "
          + buf.length + " bytes at offset " + offset + "; the exception's message() holds it", message);
    }
    System.arraycopy(message, 0, buf, offset, message.length);
    return message.length;
  }

  /** Receives the next message; {@code maxLength} -1 means no limit but the configured one. */
  private byte[] receive(long maxLength, String operation) {
    lock(readLock, operation);
    try {
      checkReadable(operation);
      if (pending == null) {
        long length = readHeader(operation);
        if (length > maxMessageBytes) {
          close();
          throw new ProcessException("the peer of the " + description + " sent a message of " + length
              + " bytes, more than the limit of " + maxMessageBytes + " bytes; the connection was closed. A"
              + " trusted peer may send more: raise the limit with -D" + MAX_MESSAGE_PROPERTY + "=BYTES (at"
              + " most " + Frames.MAX_ARRAY_BYTES + ")");
        }
        pendingLength = length;
        pending = new byte[(int) Math.min(length, TRUSTED_ALLOCATION_BYTES)];
        pendingFilled = 0;
      }
      if (maxLength >= 0 && pendingLength > maxLength) {
        long length = pendingLength;
        pending = null;
        pendingLength = -1;
        // CPython's _bad_message_length: the body is left unread, so the stream is unusable for
        // reading; a duplex socket stays writable
        readable = false;
        throw new ProcessException("bad message length: the next message on the " + description + " is "
            + length + " bytes, longer than maxLength " + maxLength + "; the connection can no longer receive");
      }
      readBody(operation);
      byte[] message = pending;
      pending = null;
      pendingLength = -1;
      return message;
    } finally {
      readLock.unlock();
    }
  }

  private long readHeader(String operation) {
    while (true) {
      long length;
      try {
        length = Frames.tryReadLength(in);
      } catch (Frames.InvalidFrameException e) {
        close();
        throw new ProcessException(e.getMessage() + " on the " + description
            + "; the peer does not speak multiprocessing's framing, the connection was closed");
      }
      if (length != Frames.INCOMPLETE) {
        return length;
      }
      if (!fill(NO_DEADLINE, operation)) {
        throw endOfStream(in.hasRemaining() ? "in the middle of a message header" : null);
      }
    }
  }

  private void readBody(String operation) {
    while (pendingFilled < pendingLength) {
      if (!in.hasRemaining() && !fill(NO_DEADLINE, operation)) {
        throw endOfStream("in the middle of a message (" + pendingFilled + " of " + pendingLength + " bytes arrived)");
      }
      int n = (int) Math.min(in.remaining(), pendingLength - pendingFilled);
      if (pendingFilled + n > pending.length) {
        long grown = Math.max(pendingFilled + (long) n, Math.min(2L * pending.length, pendingLength));
        pending = java.util.Arrays.copyOf(pending, (int) grown);
      }
      in.get(pending, pendingFilled, n);
      pendingFilled += n;
    }
  }

  /**
   * Reads more bytes into {@code in}, waiting until some arrive or the deadline passes; false at
   * the end of the stream. Call only with readLock held and room in {@code in}.
   */
  private boolean fill(long deadline, String operation) {
    if (eof) {
      return false;
    }
    while (true) {
      int n;
      in.compact();
      try {
        n = channel.read(in);
      } catch (IOException e) {
        if (closed) {
          throw closedDuring(operation, e);
        }
        // a reset or other error: the peer is gone; report it once the buffered data is drained
        n = -1;
        eofCause = e;
      } finally {
        in.flip();
      }
      if (n > 0) {
        return true;
      }
      if (n < 0) {
        eof = true;
        return false;
      }
      if (!await(readSelector(), SelectionKey.OP_READ, deadline, operation)) {
        return true;   // timed out: the caller sees no new bytes and decides
      }
    }
  }

  private ConnectionClosedException endOfStream(String where) {
    String what = where == null
        ? "the peer closed the " + description + " (end of stream)"
        : "the peer closed the " + description + " " + where + ": the message is truncated";
    if (eofCause != null) {
      what += " (" + eofCause.getMessage() + ")";
    }
    return new ConnectionClosedException(what, eofCause);
  }

  // ------------------------------------------------------------------------------- polling

  @Override
  public boolean poll(Duration timeout) {
    long deadline = timeout == null ? NO_DEADLINE : System.nanoTime() + Math.max(0, saturatedNanos(timeout));
    lock(readLock, "poll");
    try {
      checkReadable("poll");
      if (in.hasRemaining() || eof) {
        return true;
      }
      while (true) {
        int before = in.remaining();
        if (!fill(deadline == NO_DEADLINE ? NO_DEADLINE : deadline, "poll") || in.remaining() > before) {
          return true;   // the end of the stream counts as readable, as for select()
        }
        if (deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0) {
          return false;
        }
      }
    } finally {
      readLock.unlock();
    }
  }

  /**
   * Whether a receive would find data (or the end of the stream) already taken off the socket;
   * for {@code Connections.wait}, which watches the socket itself with a selector. False when
   * another thread is receiving.
   */
  public boolean hasBufferedInput() {
    if (!readLock.tryLock()) {
      return false;
    }
    try {
      return in.hasRemaining() || eof;
    } finally {
      readLock.unlock();
    }
  }

  /** The channel, for registering with a selector of {@code Connections.wait}. */
  public SelectableChannel selectableChannel() {
    return channel;
  }

  // ----------------------------------------------------------------------------- state

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public boolean readable() {
    return readable;
  }

  @Override
  public boolean writable() {
    return true;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    cleanable.clean();
  }

  /** What the connection is, for messages. */
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return "<" + description + (closed ? " closed" : readable ? "" : " write-only") + ">";
  }

  private void checkReadable(String operation) {
    checkOpen(operation);
    if (!readable) {
      throw new IllegalStateException("cannot " + operation + ": the " + description + " can no longer"
          + " receive (an earlier message was longer than the maxLength given to recvBytes)");
    }
  }

  private void checkWritable(String operation) {
    checkOpen(operation);
  }

  private void checkOpen(String operation) {
    if (closed) {
      throw new IllegalStateException("cannot " + operation + ": the " + description
          + " is closed (handle is closed); open a new connection");
    }
  }

  private ConnectionClosedException closedDuring(String operation, IOException e) {
    if (closed) {
      return new ConnectionClosedException("the " + description + " was closed by another thread during "
          + operation, e);
    }
    return new ConnectionClosedException("cannot " + operation + " on the " + description
        + ": the peer closed the connection (" + e.getMessage() + ")", e);
  }

  // ---------------------------------------------------------------------------- waiting

  private static final long NO_DEADLINE = Long.MIN_VALUE;

  private void lock(ReentrantLock lock, String operation) {
    try {
      lock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException("interrupted while waiting to " + operation + " on the " + description, e);
    }
  }

  private Selector readSelector() {
    return resources.selector(true, description);
  }

  private Selector writeSelector() {
    return resources.selector(false, description);
  }

  /**
   * Waits in {@code selector} until the channel may be ready, the deadline passes (false), the
   * thread is interrupted or the connection closed.
   */
  private boolean await(Selector selector, int op, long deadline, String operation) {
    checkInterrupt(operation);
    try {
      if (deadline == NO_DEADLINE) {
        selector.select();
      } else {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return false;
        }
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999)));
      }
      selector.selectedKeys().clear();
    } catch (IOException | ClosedSelectorException e) {
      if (!closed) {
        throw new ConnectionClosedException("waiting to " + operation + " on the " + description + " failed: " + e, e);
      }
    }
    if (closed) {
      throw new ConnectionClosedException("the " + description + " was closed by another thread during " + operation);
    }
    checkInterrupt(operation);
    return true;
  }

  private void checkInterrupt(String operation) {
    if (Thread.currentThread().isInterrupted()) {
      throw new ProcessInterruptedException("interrupted while waiting to " + operation + " on the " + description,
          new InterruptedException());
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE / 2;
    }
  }

  /** A socket connection cannot travel to another JVM: refuse clearly. */
  @Serial
  private Object writeReplace() throws ObjectStreamException {
    throw new PicklingException("cannot send the " + description + " to another process: socket connections"
        + " cannot be sent between processes (a JVM cannot hand its socket to another one; connections of"
        + " Multiprocessing.pipe() can travel). Send the Listener's address instead and connect a new Client"
        + " there.", null);
  }

  /**
   * What must be released: the channel and the selectors. Kept apart from the connection so that a
   * Cleaner can release them when a connection is dropped without close().
   */
  private static final class Resources implements Runnable {
    private final SocketChannel channel;
    private Selector readSelector;
    private Selector writeSelector;
    private boolean released;

    Resources(SocketChannel channel) {
      this.channel = channel;
    }

    synchronized Selector selector(boolean forRead, String description) {
      if (released) {
        throw new ConnectionClosedException("the " + description + " was closed by another thread");
      }
      Selector s = forRead ? readSelector : writeSelector;
      if (s == null) {
        try {
          s = Selector.open();
          channel.register(s, forRead ? SelectionKey.OP_READ : SelectionKey.OP_WRITE);
        } catch (IOException e) {
          if (s != null) {
            closeQuietly(s);
          }
          throw new ConnectionClosedException("cannot wait on the " + description + ": " + e, e);
        }
        if (forRead) {
          readSelector = s;
        } else {
          writeSelector = s;
        }
      }
      return s;
    }

    @Override
    public void run() {
      Selector r;
      Selector w;
      synchronized (this) {
        released = true;
        r = readSelector;
        w = writeSelector;
      }
      // closing a selector wakes a thread blocked in it and deregisters the channel, so that
      // closing the channel afterwards really closes the socket (the peer sees end of stream)
      if (r != null) {
        closeQuietly(r);
      }
      if (w != null) {
        closeQuietly(w);
      }
      try {
        channel.close();
      } catch (IOException e) {
        // nothing left to do: the descriptor is released either way
      }
    }

    private static void closeQuietly(Selector s) {
      try {
        s.close();
      } catch (IOException e) {
        // the selector's descriptors are released either way
      }
    }
  }
}
