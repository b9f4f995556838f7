package org.multiprocessing4j.internal.wire;

import java.nio.ByteBuffer;

/**
 * CPython's message framing on stream sockets ({@code multiprocessing.connection.Connection
 * ._send_bytes/_recv_bytes}): every message is a length prefix followed by the payload.
 *
 * <pre>
 *   short form (length &lt;= 0x7fffffff):        long form (longer messages, CPython 3.8+):
 *   +----------------+------------------+      +----------------+----------------+--------- - -
 *   | length  int32  | payload          |      | -1      int32  | length  uint64 | payload
 *   | big-endian     | (length bytes)   |      | big-endian     | big-endian     |
 *   +----------------+------------------+      +----------------+----------------+--------- - -
 *    0                4                          0                4                12
 * </pre>
 *
 * <p>A writer uses the long form only above {@link #MAX_SHORT_LENGTH}, as CPython does (for wire
 * compatibility with 3.7 and older); a reader accepts either form for any length. A negative
 * short length other than {@link #LONG_FORM_MARKER} is a protocol error.
 */
public final class Frames {
  /** Bytes of the short header: one big-endian int32 (CPython: {@code struct.pack("!i", n)}). */
  public static final int SHORT_HEADER_BYTES = Integer.BYTES;
  /** Bytes of the long header: the marker, then a big-endian uint64 ({@code "!i"} -1, {@code "!Q"} n). */
  public static final int LONG_HEADER_BYTES = Integer.BYTES + Long.BYTES;
  /** The short-header value announcing that a 64-bit length follows. */
  public static final int LONG_FORM_MARKER = -1;
  /** The longest payload a writer announces in the short form (CPython's {@code 0x7fffffff}). */
  public static final long MAX_SHORT_LENGTH = Integer.MAX_VALUE;
  /** Returned by {@link #tryReadLength} while the header has not fully arrived. */
  public static final long INCOMPLETE = -1;
  /**
   * The largest message a Java array can hold ({@code Integer.MAX_VALUE - 8}, the limit the JDK's
   * own collections keep to): the ceiling of every configured maximum.
   */
  public static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

  private Frames() {}

  /** How many header bytes a message of {@code length} bytes gets. */
  public static int headerBytes(long length) {
    checkLength(length);
    return length > MAX_SHORT_LENGTH ? LONG_HEADER_BYTES : SHORT_HEADER_BYTES;
  }

  /** Puts the header of a {@code length}-byte message at {@code dst}'s position. */
  public static void writeHeader(long length, ByteBuffer dst) {
    checkLength(length);
    if (length > MAX_SHORT_LENGTH) {
      dst.putInt(LONG_FORM_MARKER).putLong(length);   // ByteBuffer's default order is big-endian
    } else {
      dst.putInt((int) length);
    }
  }

  /** The header of a {@code length}-byte message, as bytes. */
  public static byte[] encodeHeader(long length) {
    var header = ByteBuffer.allocate(headerBytes(length));
    writeHeader(length, header);
    return header.array();
  }

  /**
   * Reads a header at {@code src}'s position when all of it is there, advancing past it; leaves
   * {@code src} untouched and returns {@link #INCOMPLETE} otherwise. A long-form length beyond
   * {@link Long#MAX_VALUE} (it is unsigned on the wire) comes back as {@link Long#MAX_VALUE}: no
   * limit admits either.
   *
   * @throws InvalidFrameException for a negative short length other than the long-form marker
   */
  public static long tryReadLength(ByteBuffer src) {
    if (src.remaining() < SHORT_HEADER_BYTES) {
      return INCOMPLETE;
    }
    int pos = src.position();
    int shortLength = src.getInt(pos);
    if (shortLength >= 0) {
      src.position(pos + SHORT_HEADER_BYTES);
      return shortLength;
    }
    if (shortLength != LONG_FORM_MARKER) {
      throw new InvalidFrameException("invalid message header: length " + shortLength
          + " (only -1, announcing a 64-bit length, may be negative)");
    }
    if (src.remaining() < LONG_HEADER_BYTES) {
      return INCOMPLETE;
    }
    long length = src.getLong(pos + SHORT_HEADER_BYTES);
    src.position(pos + LONG_HEADER_BYTES);
    return length < 0 ? Long.MAX_VALUE : length;
  }

  private static void checkLength(long length) {
    if (length < 0) {
      throw new IllegalArgumentException("a message length cannot be negative: " + length);
    }
  }

  /** A header that is not CPython's framing: the stream cannot be read any further. */
  public static final class InvalidFrameException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidFrameException(String message) {
      super(message);
    }
  }
}
