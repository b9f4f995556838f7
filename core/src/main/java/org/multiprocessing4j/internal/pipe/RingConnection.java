package org.multiprocessing4j.internal.pipe;

import java.io.ObjectInputStream;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.time.Duration;
import org.multiprocessing4j.BufferTooShortException;
import org.multiprocessing4j.ConnectionClosedException;
import org.multiprocessing4j.Pipe;
import org.multiprocessing4j.ProcessException;
import org.multiprocessing4j.ProcessInterruptedException;
import org.multiprocessing4j.connection.Connection;
import org.multiprocessing4j.internal.pickle.Codec;
import org.multiprocessing4j.internal.ring.RingBuffer;
import org.multiprocessing4j.internal.shm.ShmFiles;
import org.multiprocessing4j.internal.shm.ShmSegment;
import org.multiprocessing4j.internal.shm.ShmSweeper;

/**
 * One end of a {@link Pipe}: Python's {@code Connection} from {@code multiprocessing.Pipe()},
 * on shared-memory rings instead of a socketpair (see {@link PipeDescriptor}).
 *
 * <p>Overview of implementation: end 1 reads ring A and writes ring B; end 2 the other way round;
 * a simplex pipe has ring A only (end 1 receives, end 2 sends). Each process holding an end is
 * counted in the rings' writer and reader tables (Python's file descriptors, one per process), so
 * a {@code recv} on an empty ring whose writers have all closed or died gets
 * {@link ConnectionClosedException} (Python's {@code EOFError}) instead of waiting for ever, and a
 * {@code send} that finds no reader left gets it too (Python's {@code BrokenPipeError}).
 */
public final class RingConnection implements Connection, Codec.Transferable, Codec.Portable {
  @Serial private static final long serialVersionUID = 1L;

  static {
    Codec.registerPortable(RingConnection.class, new Attacher());
  }

  private final String name;
  private final int end;
  private transient ShmSegment segment;
  private transient RingBuffer in;
  private transient RingBuffer out;
  private transient volatile boolean closed;

  private RingConnection(ShmSegment segment, int end) {
    this.name = segment.name();
    this.end = end;
    this.segment = segment;
    MemorySegment p = segment.payload();
    boolean duplex = p.get(ValueLayout.JAVA_INT, PipeDescriptor.DUPLEX) == 1;
    RingBuffer a = RingBuffer.attach(p.asSlice(PipeDescriptor.RING_A, PipeDescriptor.RING_BYTES), name + "/A");
    RingBuffer b = duplex ? RingBuffer.attach(p.asSlice(PipeDescriptor.RING_B, PipeDescriptor.RING_BYTES), name + "/B") : null;
    this.in = end == 1 ? a : b; // b is null for a simplex pipe: end 2 only sends
    this.out = end == 1 ? b : a; //  ... and end 1 only receives
    if (in != null) {
      in.addReader();
    }
    if (out != null) {
      out.addWriter();
    }
  }

  /** A new pipe (Python's {@code Pipe(duplex)}). */
  public static Pipe create(boolean duplex) {
    ShmSegment seg = ShmSegment.create(PipeDescriptor.payloadSize(duplex));
    MemorySegment p = seg.payload();
    p.set(ValueLayout.JAVA_INT, PipeDescriptor.DUPLEX, duplex ? 1 : 0);
    RingBuffer.format(p.asSlice(PipeDescriptor.RING_A, PipeDescriptor.RING_BYTES), seg.name() + "/A", true);
    if (duplex) {
      RingBuffer.format(p.asSlice(PipeDescriptor.RING_B, PipeDescriptor.RING_BYTES), seg.name() + "/B", true);
    }
    var conn1 = new RingConnection(seg, 1);
    var conn2 = new RingConnection(ShmSegment.attach(seg.name()), 2);
    return new Pipe(conn1, conn2);
  }

  // ------------------------------------------------------------------------------ sending

  @Override
  public void send(Object obj) {
    RingBuffer ring = writing("send");
    byte[] bytes = Codec.encode(obj, "an object sent on ", this);
    write(ring, bytes, 0, bytes.length);
  }

  @Override
  public void sendBytes(byte[] buf, int offset, int size) {
    RingBuffer ring = writing("sendBytes");
    // CPython's checks, in its order
    if (offset < 0) {
      throw new IllegalArgumentException("offset is negative: " + offset);
    }
    if (buf.length < offset) {
      throw new IllegalArgumentException("buffer length < offset: " + buf.length + " < " + offset);
    }
    if (size < 0) {
      throw new IllegalArgumentException("size is negative: " + size);
    }
    if ((long) offset + size > buf.length) {
      throw new IllegalArgumentException("buffer length < offset + size: " + buf.length + " < " + offset + " + " + size);
    }
    write(ring, buf, offset, size);
  }

  private void write(RingBuffer ring, byte[] bytes, int offset, int size) {
    if (!ring.readersRegistered()) {
      throw new ConnectionClosedException("cannot send on " + this + ": the other end is closed (broken pipe)");
    }
    try {
      ring.write(bytes, offset, size);
    } catch (RingBuffer.PeerGoneException e) {
      throw new ConnectionClosedException("cannot send on " + this + ": the other end was closed or its process"
          + " died (broken pipe)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException("interrupted while sending on " + this, e);
    }
  }

  // ------------------------------------------------------------------------------ receiving

  @Override
  public Object recv() {
    return Codec.decode(read("recv"));
  }

  @Override
  public byte[] recvBytes() {
    return read("recvBytes");
  }

  @Override
  public byte[] recvBytes(int maxLength) {
    if (maxLength < 0) {
      throw new IllegalArgumentException("negative maxlength: " + maxLength);
    }
    byte[] message = read("recvBytes");
    if (message.length > maxLength) {
      close(); // as CPython: the stream position is lost, the connection is unusable
      throw new ProcessException("bad message length: " + message.length + " bytes is more than maxlength "
          + maxLength + "; " + this + " is now closed");
    }
    return message;
  }

  @Override
  public int recvBytesInto(byte[] buf, int offset) {
    if (offset < 0 || offset > buf.length) {
      throw new IllegalArgumentException("offset out of bounds: " + offset + " for a buffer of " + buf.length);
    }
    int[] size = new int[1];
    byte[] message = read("recvBytesInto", buf, offset, size);
    if (message == buf) {
      return size[0]; // copied straight from the ring
    }
    if (message.length > buf.length - offset) {
      throw new BufferTooShortException("the message of " + message.length + " bytes does not fit in "
          + (buf.length - offset) + " bytes after offset " + offset, message);
    }
    System.arraycopy(message, 0, buf, offset, message.length);
    return message.length;
  }

  private byte[] read(String what) {
    return read(what, null, 0, null);
  }

  /** Reads the next message; see {@link RingBuffer#read(long, byte[], int, int[])} for {@code into}. */
  private byte[] read(String what, byte[] into, int offset, int[] sizeOut) {
    RingBuffer ring = reading(what);
    try {
      return ring.read(-1, into, offset, sizeOut);
    } catch (RingBuffer.PeerGoneException e) {
      throw new ConnectionClosedException(what + " on " + this + ": the other end was closed or its process died,"
          + " and no data is left (EOF)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException("interrupted in " + what + " on " + this, e);
    }
  }

  @Override
  public boolean poll(Duration timeout) {
    RingBuffer ring = reading("poll");
    try {
      return ring.awaitData(timeout == null ? -1 : Math.max(0, timeout.toNanos()));
    } catch (RingBuffer.PeerGoneException e) {
      return true; // as Python: poll() is true at EOF, so that recv() reports it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException("interrupted in poll on " + this, e);
    }
  }

  // ------------------------------------------------------------------------------ state

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public boolean readable() {
    return in != null;
  }

  @Override
  public boolean writable() {
    return out != null;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (in != null) {
      in.removeReader();
    }
    if (out != null) {
      out.removeWriter();
    }
    boolean orphaned = !(in != null && (in.writersAlive() || in.readersAlive()))
        && !(out != null && (out.writersAlive() || out.readersAlive()));
    segment.close();
    if (orphaned && Files.exists(ShmFiles.path(name))) {
      // every other holder died without giving its hold back (kill -9): nobody can use it now
      ShmSweeper.deleteIfUnmapped(name);
    }
  }

  private RingBuffer writing(String what) {
    checkOpen(what);
    if (out == null) {
      throw new IllegalStateException("connection is read-only: " + this + " is the receiving end of a simplex pipe;"
          + " " + what + " on the other end");
    }
    return out;
  }

  private RingBuffer reading(String what) {
    checkOpen(what);
    if (in == null) {
      throw new IllegalStateException("connection is write-only: " + this + " is the sending end of a simplex pipe;"
          + " " + what + " on the other end");
    }
    return in;
  }

  private void checkOpen(String what) {
    if (closed) {
      throw new IllegalStateException("handle is closed: cannot " + what + " on " + this);
    }
  }

  @Override
  public String toString() {
    return "Connection(" + name + ", end " + end + (closed ? ", closed" : "") + ")";
  }

  // ------------------------------------------------------------------------------ serialization

  /**
   * The portable form (Python: {@code multiprocessing.reduction}'s {@code reduce_connection}): in
   * the codec a connection travels as the pipe's name and end, without JDK serialization (a young
   * JVM would pay ~40 ms to set that up); the receiving process attaches and counts itself in.
   */
  @Override
  public Object[] portableFields() {
    checkOpen("send the connection");
    Codec.noteSent(this);
    return new Object[] {name, end};
  }

  /** Builds the receiving end of a connection from its portable form. */
  private static final class Attacher implements java.util.function.Function<Object[], RingConnection> {
    @Override
    public RingConnection apply(Object[] fields) {
      // null while a spare decodes a hint: see Codec.decodeToWarmUp
      return Codec.warmingUp() ? null : new RingConnection(ShmSegment.attach((String) fields[0]), (Integer) fields[1]);
    }
  }

  /** Inside a value that goes through JDK serialization: travels as in the portable form. */
  @Serial
  private Object writeReplace() {
    return Codec.jdkForm(this);
  }

  @Override
  public void reserveFor(long pid) {
    if (in != null) {
      in.reserveReader(pid);
    }
    if (out != null) {
      out.reserveWriter(pid);
    }
  }

  @Serial
  private void readObject(ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException("a connection travels as its name, not its fields");
  }
}
