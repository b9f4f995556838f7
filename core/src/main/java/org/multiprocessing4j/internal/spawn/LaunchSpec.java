package org.multiprocessing4j.internal.spawn;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The preamble a parent writes to a child JVM's stdin (DESIGN.md §2): what the child needs to
 * become the process it is asked to be. Python's equivalent is {@code spawn.get_preparation_data}
 * plus the pickled {@code Process} object.
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

  void writeTo(DataOutputStream out) throws IOException {
    out.writeInt(authkey.length);
    out.write(authkey);
    out.writeLong(parentPid);
    out.writeUTF(parentName);
    out.writeLong(rootPid);
    out.writeUTF(logLevel);
    out.writeBoolean(logToStderr);
    out.writeInt(payload.length);
    out.write(payload);
  }

  static LaunchSpec readFrom(DataInputStream in) throws IOException {
    byte[] authkey = in.readNBytes(in.readInt());
    long parentPid = in.readLong();
    String parentName = in.readUTF();
    long rootPid = in.readLong();
    String logLevel = in.readUTF();
    boolean logToStderr = in.readBoolean();
    byte[] payload = in.readNBytes(in.readInt());
    return new LaunchSpec(authkey, parentPid, parentName, rootPid, logLevel, logToStderr, payload);
  }
}
