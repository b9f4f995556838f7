package org.multiprocessing4j.connection;

import java.io.Serializable;
import java.time.Duration;
import org.multiprocessing4j.BufferTooShortException;
import org.multiprocessing4j.ConnectionClosedException;
import org.multiprocessing4j.PicklingException;
import org.multiprocessing4j.ProcessException;
import org.multiprocessing4j.ProcessInterruptedException;

/**
 * One end of a message channel between processes: Python's
 * {@code multiprocessing.connection.Connection}. Messages keep their boundaries: each
 * {@link #send}/{@link #sendBytes} is received whole by one {@link #recv}/{@link #recvBytes}.
 *
 * <pre>{@code
 * try (var listener = new Listener(new TcpAddress("localhost", 0), 1, key);
 *      var client = Client.connect(listener.address(), key);     // (in another process)
 *      var server = listener.accept()) {
 *   client.send(List.of(1, 2.25, "three"));
 *   System.out.println(server.recv());                            // [1, 2.25, three]
 *   server.sendBytes("hello".getBytes());
 *   System.out.println(new String(client.recvBytes()));           // hello
 * }
 * }</pre>
 *
 * <p>Connections come from {@code Multiprocessing.pipe()} (shared memory) or from a
 * {@link Listener} and {@link Client} (sockets). A connection is readable, writable, or both
 * ({@link #readable()}, {@link #writable()}); receiving on a send-only end, sending on a
 * receive-only end, or using a connection after {@link #close()} raises
 * {@link IllegalStateException} (Python's {@code OSError}).
 *
 * <p>Objects go through this library's codec (its "pickle"): {@code Serializable} objects,
 * serializable lambdas, records, collections and exceptions. Bytes go as they are, which is what
 * a CPython peer can read with {@code recv_bytes()}.
 *
 * <p>When the peer closes its end (or dies), the messages it sent before are still received; after
 * them {@link #recv} raises {@link ConnectionClosedException} (Python's {@code EOFError}), and so
 * does sending to a peer that is gone (Python's {@code BrokenPipeError}).
 *
 * <p>Blocking and threads: {@code recv*} and {@code poll} with a timeout block; {@code send*} may
 * block while the peer does not read. A thread interrupted while blocked stops waiting, keeps its
 * interrupt flag and gets {@link ProcessInterruptedException}. Sends from several threads do not
 * interleave their messages, nor do receives; as in Python, sharing one end between threads is
 * rarely a good design.
 *
 * <p>Serializable: a pipe's connection sent to another process (captured by a child's target or
 * sent through a queue) reattaches to the same pipe there. A socket connection cannot travel (a
 * JVM cannot hand its socket to another JVM): serializing one fails with
 * {@link PicklingException}; connect a new {@link Client} from the other process instead.
 */
public interface Connection extends Serializable, AutoCloseable {

  /**
   * Sends an object (Python's {@code send(obj)}); the peer receives it with {@link #recv()}.
   *
   * @throws PicklingException when the object cannot be serialized (nothing is sent)
   * @throws ConnectionClosedException when the peer is gone
   * @throws IllegalStateException when this end is closed or not writable
   */
  void send(Object obj);

  /**
   * Receives the next object sent with {@link #send} (Python's {@code recv()}), blocking until one
   * arrives.
   *
   * @throws ConnectionClosedException when the peer closed and every message before that was
   *     received
   * @throws PicklingException when the message cannot be decoded here (a class missing from this
   *     process, or bytes that were not sent with {@code send}); the message is consumed
   * @throws IllegalStateException when this end is closed or not readable
   */
  Object recv();

  /** Sends the whole array as one message (Python's {@code send_bytes(buf)}). */
  default void sendBytes(byte[] buf) {
    sendBytes(buf, 0, buf.length);
  }

  /**
   * Sends {@code size} bytes of {@code buf} from {@code offset} as one message (Python's
   * {@code send_bytes(buf, offset, size)}).
   *
   * @throws IllegalArgumentException as Python's {@code ValueError}: "offset is negative",
   *     "buffer length < offset", "size is negative", "buffer length < offset + size"
   * @throws ConnectionClosedException when the peer is gone
   * @throws IllegalStateException when this end is closed or not writable
   */
  void sendBytes(byte[] buf, int offset, int size);

  /**
   * Receives the next message as bytes (Python's {@code recv_bytes()}), blocking until one
   * arrives.
   *
   * @throws ConnectionClosedException when the peer closed and every message before that was
   *     received
   * @throws IllegalStateException when this end is closed or not readable
   */
  byte[] recvBytes();

  /**
   * Receives the next message as bytes if it is at most {@code maxLength} long (Python's
   * {@code recv_bytes(maxlength)}).
   *
   * <p>A longer message raises {@link ProcessException} ("bad message length", Python's
   * {@code OSError}), and, as in Python, the connection can no longer be read: a duplex connection
   * stays writable but {@link #readable()} becomes false; a receive-only connection is closed.
   *
   * @throws IllegalArgumentException when {@code maxLength} is negative
   */
  byte[] recvBytes(int maxLength);

  /** Receives the next message into {@code buf} from its start; see {@link #recvBytesInto(byte[], int)}. */
  default int recvBytesInto(byte[] buf) {
    return recvBytesInto(buf, 0);
  }

  /**
   * Receives the next message into {@code buf} at {@code offset} and returns its length (Python's
   * {@code recv_bytes_into(buf, offset)}).
   *
   * @throws BufferTooShortException when the message does not fit; it is consumed and the
   *     exception's {@link BufferTooShortException#message()} holds all of it
   * @throws IllegalArgumentException when {@code offset} is negative ("negative offset") or past
   *     the end of {@code buf} ("offset too large"); checked before anything is received
   */
  int recvBytesInto(byte[] buf, int offset);

  /** Whether a message (or the end of the stream) can be received now, without waiting. */
  default boolean poll() {
    return poll(Duration.ZERO);
  }

  /**
   * Waits up to {@code timeout} for data to receive (Python's {@code poll(timeout)}); {@code null}
   * waits for ever, zero or negative does not wait. True also when the peer has closed: then
   * {@link #recv()} raises {@link ConnectionClosedException} at once instead of blocking.
   *
   * @throws IllegalStateException when this end is closed or not readable
   */
  boolean poll(Duration timeout);

  /** Whether {@link #close()} was called (Python's {@code closed}). */
  boolean isClosed();

  /** Whether this end can receive (Python's {@code readable}). */
  boolean readable();

  /** Whether this end can send (Python's {@code writable}). */
  boolean writable();

  /**
   * Closes this end (Python's {@code close()}); the peer then sees the end of the stream. Closing
   * twice does nothing. A thread blocked on this connection gets {@link ConnectionClosedException}.
   */
  @Override
  void close();
}
