package org.multiprocessing4j.internal.ring;

/**
 * A thread's buffer for taking one message out of a ring and decoding it at once (a queue's
 * {@code get}): a message that fits is copied here instead of into a new array. Receivers of
 * many small messages (a queue of ints, the pool's results) allocated an array per message, as
 * much as the decoded items themselves.
 *
 * <p>Take it with {@link #take()} and give it back with {@link #release()} once the message is
 * decoded: the decoder keeps no reference to the bytes. A thread that takes it again before giving
 * it back (a decoder that reads a queue) gets a buffer of its own.
 *
 * <p>Each thread that gets from a queue keeps one buffer, 1 KiB at first, grown (up to 64 KiB)
 * when a message did not fit; a virtual thread makes its own on its first get.
 */
public final class ReadBuffer {
  /** Messages up to this size are read into the buffer; it is never grown beyond it. */
  private static final int MAX_BYTES = 64 * 1024;
  private static final int FIRST_BYTES = 1024;

  /**
   * An anonymous class, not {@code withInitial(lambda)}: a young child JVM would spin a class for
   * the lambda.
   */
  private static final ThreadLocal<ReadBuffer> MINE = new ThreadLocal<>() {
    @Override
    protected ReadBuffer initialValue() {
      return new ReadBuffer();
    }
  };

  private byte[] bytes = new byte[FIRST_BYTES];
  /** The length of the message read into {@link #bytes}, set by the ring. */
  private final int[] size = new int[1];
  private boolean inUse;

  private ReadBuffer() {}

  /** This thread's buffer (or, if it is in use, a new one). */
  public static ReadBuffer take() {
    ReadBuffer b = MINE.get();
    if (b.inUse) {
      return new ReadBuffer();
    }
    b.inUse = true;
    return b;
  }

  /** Gives the buffer back; the message read into it must be decoded by now. */
  public void release() {
    inUse = false;
  }

  /**
   * Reads the next message of {@code ring} as {@link RingBuffer#read(long)} does.
   *
   * @return the message's bytes: this buffer's array (the message is its first {@link #length()}
   *     bytes) or, for a message that did not fit, a new array of exactly its length; null when
   *     the timeout passed
   */
  public byte[] read(RingBuffer ring, long timeoutNanos) throws InterruptedException {
    byte[] message = ring.read(timeoutNanos, bytes, 0, size);
    if (message != null && message != bytes) {
      size[0] = message.length;
      if (message.length <= MAX_BYTES && message.length > bytes.length) {
        bytes = new byte[Math.min(MAX_BYTES, Math.max(message.length, bytes.length * 2))];
      }
    }
    return message;
  }

  /** The length of the message the last {@link #read} returned. */
  public int length() {
    return size[0];
  }
}
