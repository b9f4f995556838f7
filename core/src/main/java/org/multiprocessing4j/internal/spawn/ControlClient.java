package org.multiprocessing4j.internal.spawn;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import org.multiprocessing4j.internal.util.OwnPid;

/**
 * The child's end of the control FIFO: see {@link ControlServer}.
 *
 * <p>The FIFO is opened for reading and writing: on Linux that never blocks (a write-only open
 * would wait for a reader, which a dead parent never is). The child never reads. It writes through
 * a {@link RandomAccessFile}, whose write is one native call: a {@code FileChannel}'s Java code
 * around write(2) took a warm child's DONE message ~0.1 ms, run cold. Such a file is opened with
 * {@code O_CREAT}, so when the parent has already removed its FIFO (it is gone) the open makes a
 * plain file in its place, which is removed at once.
 */
final class ControlClient {
  private final RandomAccessFile file;
  private final byte[] record;

  private ControlClient(RandomAccessFile file) {
    this.file = file;
    this.record = new byte[ControlMessage.BYTES];
    ControlMessage.putPid(record, OwnPid.PID);
  }

  /** Opens the parent's FIFO; null when it is gone (the parent is gone: the stdin watch ends this JVM). */
  static ControlClient connect(String path) {
    RandomAccessFile file = null;
    try {
      file = new RandomAccessFile(path, "rw");
      var f = new File(path);
      if (f.isFile()) { // a plain file, not the FIFO: made by this open
        file.close();
        f.delete();
        return null;
      }
      return new ControlClient(file);
    } catch (IOException | RuntimeException e) {
      if (file != null) {
        try {
          file.close();
        } catch (IOException e2) {
          // gone anyway
        }
      }
      return null;
    }
  }

  /** Sends one message; a broken FIFO means the parent is gone, which the stdin watch handles. */
  synchronized void send(ControlMessage type, int value) {
    ControlMessage.putMessage(record, type, value);
    try {
      file.write(record); // one write(2) of the whole record: a FIFO keeps it whole
    } catch (IOException e) {
      // closed, or the reader is gone
    }
  }
}
