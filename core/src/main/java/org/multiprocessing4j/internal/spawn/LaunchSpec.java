package org.multiprocessing4j.internal.spawn;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import org.multiprocessing4j.internal.pickle.Codec;

/**
 * The preamble a parent writes to a child JVM's stdin (DESIGN.md §2): what the child needs to
 * become the process it is asked to be. Python's equivalent is {@code spawn.get_preparation_data}
 * plus the pickled {@code Process} object.
 *
 * <p>On the wire, a child's stdin carries frames: a type byte ({@link #FRAME_HINT},
 * {@link #FRAME_HEADER} or {@link #FRAME_LAUNCH}), a length, and that many bytes. A launch frame's
 * bytes are the length of a header, the header (every field but the payload, in the codec's
 * portable form), and the payload. The parent encodes the header once and reuses it while its
 * fields stay the same, as they do from one start to the next, and sends it to each spare as soon
 * as the spare boots ({@link #FRAME_HEADER}): the spare decodes it while it waits, and a launch
 * frame whose header is that one carries a header length of 0 instead. Decoding the header when
 * the launch came took a warm start ~0.2 ms, run cold on a CPU just woken.
 *
 * @param authkey the process's authentication key
 * @param parentPid the parent's pid
 * @param parentName the parent's process name (for {@code parentProcess()})
 * @param rootPid the pid of the main process of the tree (shared-memory names carry it)
 * @param logLevel the library logger's level name, or "" when not set
 * @param logToStderr whether the parent logs to stderr, so the child does too
 * @param payload the encoded {@code Process} object
 */
public record LaunchSpec(byte[] authkey, long parentPid, String parentName, long rootPid,
    String logLevel, boolean logToStderr, byte[] payload) {

  /** Frame types on the child's stdin. */
  static final byte FRAME_HINT = 1;
  static final byte FRAME_LAUNCH = 2;
  /** An encoded header ahead of the launch (see the class comment). */
  static final byte FRAME_HEADER = 3;

  /** Every field but the payload, as it travels; see the class comment. */
  record Header(byte[] authkey, long parentPid, String parentName, long rootPid, String logLevel,
      boolean logToStderr) implements Codec.Portable {
    static {
      Codec.registerMessage(Header.class, new HeaderFactory());
    }

    @Override
    public Object[] portableFields() {
      return new Object[] {authkey, parentPid, parentName, rootPid, logLevel, logToStderr};
    }

    boolean sameAs(LaunchSpec s) {
      return parentPid == s.parentPid && rootPid == s.rootPid && logToStderr == s.logToStderr
          && Arrays.equals(authkey, s.authkey) && Objects.equals(parentName, s.parentName)
          && Objects.equals(logLevel, s.logLevel);
    }
  }

  /** Builds a header from its fields (a class, not a lambda: a young JVM links it cheaper). */
  private static final class HeaderFactory implements Function<Object[], Header> {
    @Override
    public Header apply(Object[] f) {
      return new Header((byte[]) f[0], (Long) f[1], (String) f[2], (Long) f[3], (String) f[4], (Boolean) f[5]);
    }
  }

  /** The header encoded last, and its bytes. */
  private record EncodedHeader(Header header, byte[] bytes) {}

  private static volatile EncodedHeader lastHeader;

  /** The launch frame that hands this spec to a child (one that was sent no header before). */
  byte[] launchFrame() {
    return launchFrame(null);
  }

  /**
   * The launch frame for a child that was sent {@code sentHeader} in a {@link #FRAME_HEADER}
   * (null: none): when it is this spec's header, the frame leaves the header out.
   */
  byte[] launchFrame(byte[] sentHeader) {
    byte[] header = encodedHeader();
    // the same array: encodedHeader() reuses it while the fields stay the same
    return frameOf(header == sentHeader ? new byte[0] : header, payload);
  }

  /**
   * A header frame, a launch frame with its header and one without it, for this spec (a spare's
   * rehearsal of reading them): its header is encoded anew, not through the one the next start
   * would reuse.
   */
  byte[][] rehearsalFrames() {
    byte[] header = Codec.encode(new Header(authkey.clone(), parentPid, parentName, rootPid, logLevel, logToStderr),
        "a rehearsal header");
    return new byte[][] {frame(FRAME_HEADER, header), frameOf(header, payload), frameOf(new byte[0], payload)};
  }

  /** A launch frame of this header (empty: the one sent before) and payload. */
  private static byte[] frameOf(byte[] header, byte[] payload) {
    int bodyLength = Integer.BYTES + header.length + payload.length;
    return ByteBuffer.allocate(1 + Integer.BYTES + bodyLength).put(FRAME_LAUNCH).putInt(bodyLength)
        .putInt(header.length).put(header).put(payload).array();
  }

  /** The header encoded last (the one the next start most likely sends), or null before the first start. */
  static byte[] lastHeader() {
    EncodedHeader last = lastHeader;
    return last == null ? null : last.bytes();
  }

  /** This spec's encoded header: the last one when its fields are the same. */
  byte[] encodedHeader() {
    EncodedHeader last = lastHeader;
    if (last == null || !last.header().sameAs(this)) {
      var h = new Header(authkey.clone(), parentPid, parentName, rootPid, logLevel, logToStderr);
      last = lastHeader = new EncodedHeader(h, Codec.encode(h, "the launch of a process"));
    }
    return last.bytes();
  }

  /** A frame of {@code type} carrying {@code body}. */
  static byte[] frame(byte type, byte[] body) {
    return ByteBuffer.allocate(1 + Integer.BYTES + body.length).put(type).putInt(body.length).put(body).array();
  }

  /** Writes a whole frame and flushes it: one write, so the child wakes once and reads it all. */
  static void write(OutputStream out, byte[] frame) throws IOException {
    out.write(frame);
    out.flush();
  }

  /** The header in a {@link #FRAME_HEADER}'s body. */
  static Header decodeHeader(byte[] body) {
    return (Header) Codec.decode(body);
  }

  /**
   * The spec in a launch frame's body; {@code sentHeader}: the header this child was sent before
   * in a {@link #FRAME_HEADER} (null: none), which a frame with a header length of 0 means.
   */
  static LaunchSpec decode(byte[] body, Header sentHeader) {
    int headerLength = body.length < Integer.BYTES ? -1 : ByteBuffer.wrap(body).getInt(0);
    if (headerLength < 0 || headerLength > body.length - Integer.BYTES || headerLength == 0 && sentHeader == null) {
      throw new IllegalArgumentException("a launch frame of " + body.length + " bytes with a header of "
          + headerLength + " bytes" + (headerLength == 0 ? " and no header sent before" : "")
          + ": not this library's launch frame");
    }
    var h = headerLength == 0 ? sentHeader : (Header) Codec.decode(body, Integer.BYTES, headerLength);
    byte[] payload = Arrays.copyOfRange(body, Integer.BYTES + headerLength, body.length);
    return new LaunchSpec(h.authkey(), h.parentPid(), h.parentName(), h.rootPid(), h.logLevel(), h.logToStderr(),
        payload);
  }

  /**
   * Reads frames from a child's stdin into a buffer of its own: one read(2) mostly brings a whole
   * frame, and a frame is taken apart by a few lines of code, which a spare runs cold at a launch
   * (through {@code DataInputStream} and {@code BufferedInputStream} it was ~0.1 ms more).
   */
  static final class FrameReader {
    private static final int HEAD = 1 + Integer.BYTES;
    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int end;
    private byte type;

    FrameReader(InputStream in) {
      this.in = in;
    }

    /**
     * Reads the next frame and returns its body; {@link #type()} tells its type after.
     *
     * @throws EOFException when the stream ends before a whole frame
     */
    byte[] next() throws IOException {
      fill(HEAD);
      byte[] b = buffer;
      int p = position;
      type = b[p];
      int length = (b[p + 1] & 0xff) << 24 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 8 | b[p + 4] & 0xff;
      if (length < 0) {
        throw new IllegalArgumentException("a frame of length " + length + ": not this library's frame");
      }
      position = p + HEAD;
      byte[] body = new byte[length];
      int have = Math.min(length, end - position);
      System.arraycopy(b, position, body, 0, have);
      position += have;
      while (have < length) {
        int n = in.read(body, have, length - have);
        if (n < 0) {
          throw new EOFException("the stream ended within a frame");
        }
        have += n;
      }
      return body;
    }

    /** The type of the frame {@link #next()} read last. */
    byte type() {
      return type;
    }

    /** Bytes that can be read without blocking (buffered, or in the pipe). */
    int available() throws IOException {
      return end - position + in.available();
    }

    private void fill(int needed) throws IOException {
      if (end - position >= needed) {
        return;
      }
      System.arraycopy(buffer, position, buffer, 0, end - position);
      end -= position;
      position = 0;
      while (end < needed) {
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
          throw new EOFException("the stream ended before a frame");
        }
        end += n;
      }
    }
  }
}
