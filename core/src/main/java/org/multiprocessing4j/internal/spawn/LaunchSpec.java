package org.multiprocessing4j.internal.spawn;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.function.Function;
import org.multiprocessing4j.internal.pickle.Codec;

/**
 * The preamble a parent writes to a child JVM's stdin (DESIGN.md §2): what the child needs to
 * become the process it is asked to be. Python's equivalent is {@code spawn.get_preparation_data}
 * plus the pickled {@code Process} object.
 *
 * <p>On the wire, a child's stdin carries frames: a type byte ({@link #FRAME_HINT} or
 * {@link #FRAME_LAUNCH}), a length, and that many bytes. A launch frame's bytes are this spec in
 * the codec's portable form: a spare reads and decodes it with the code its hints have already
 * run, where reading the fields one by one from a stream ran code it had never run (cold and
 * interpreted, ~0.2–0.4 ms of a warm start).
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
    String logLevel, boolean logToStderr, byte[] payload) implements Codec.Portable {

  /** Frame types on the child's stdin. */
  static final byte FRAME_HINT = 1;
  static final byte FRAME_LAUNCH = 2;

  static {
    Codec.registerMessage(LaunchSpec.class, new Factory());
  }

  @Override
  public Object[] portableFields() {
    return new Object[] {authkey, parentPid, parentName, rootPid, logLevel, logToStderr, payload};
  }

  /** Builds a spec from its fields (a class, not a lambda: a young JVM links it cheaper). */
  private static final class Factory implements Function<Object[], LaunchSpec> {
    @Override
    public LaunchSpec apply(Object[] f) {
      return new LaunchSpec((byte[]) f[0], (Long) f[1], (String) f[2], (Long) f[3], (String) f[4], (Boolean) f[5],
          (byte[]) f[6]);
    }
  }

  /** The launch frame that hands this spec to a child. */
  byte[] launchFrame() {
    return frame(FRAME_LAUNCH, Codec.encode(this, "the launch of a process"));
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
    return (LaunchSpec) Codec.decode(body);
  }
}
