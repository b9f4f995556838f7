package org.multiprocessing4j.internal.spawn;

import java.io.DataInputStream;
import java.io.IOException;
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
 * <p>On the wire, a child's stdin carries frames: a type byte ({@link #FRAME_HINT} or
 * {@link #FRAME_LAUNCH}), a length, and that many bytes. A launch frame's bytes are the length of
 * a header, the header (every field but the payload, in the codec's portable form), and the
 * payload. A spare decodes the header with the code its hints have already run, where reading the
 * fields one by one from a stream ran code it had never run (cold and interpreted, ~0.2–0.4 ms of
 * a warm start); the parent encodes the header once and reuses it while its fields stay the same,
 * as they do from one start to the next.
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

  /** Every field but the payload, as it travels; see the class comment. */
  private record Header(byte[] authkey, long parentPid, String parentName, long rootPid, String logLevel,
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

  /** The launch frame that hands this spec to a child. */
  byte[] launchFrame() {
    byte[] header = encodedHeader();
    int bodyLength = Integer.BYTES + header.length + payload.length;
    return ByteBuffer.allocate(1 + Integer.BYTES + bodyLength).put(FRAME_LAUNCH).putInt(bodyLength)
        .putInt(header.length).put(header).put(payload).array();
  }

  private byte[] encodedHeader() {
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

  /** The type of the next frame; its body is {@link #readBody}. */
  static byte readType(DataInputStream in) throws IOException {
    return in.readByte();
  }

  /** The body of the frame whose type was just read. */
  static byte[] readBody(DataInputStream in) throws IOException {
    return in.readNBytes(in.readInt());
  }

  /** The spec in a launch frame's body. */
  static LaunchSpec decode(byte[] body) {
    int headerLength = body.length < Integer.BYTES ? -1 : ByteBuffer.wrap(body).getInt(0);
    if (headerLength < 1 || headerLength > body.length - Integer.BYTES) {
      throw new IllegalArgumentException("a launch frame of " + body.length + " bytes with a header of "
          + headerLength + " bytes: not this library's launch frame");
    }
    var h = (Header) Codec.decode(body, Integer.BYTES, headerLength);
    byte[] payload = Arrays.copyOfRange(body, Integer.BYTES + headerLength, body.length);
    return new LaunchSpec(h.authkey(), h.parentPid(), h.parentName(), h.rootPid(), h.logLevel(), h.logToStderr(),
        payload);
  }
}
