package org.multiprocessing4j.internal.spawn;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The child's end of the control FIFO: see {@link ControlServer}.
 *
 * <p>The FIFO is opened for reading and writing, without creating it: on Linux that never blocks
 * (a write-only open would wait for a reader, which a dead parent never is), and a FIFO its parent
 * has already removed is not recreated as a plain file. The child never reads.
 */
final class ControlClient {
  private final FileChannel channel;
  private final long pid = ProcessHandle.current().pid();

  private ControlClient(FileChannel channel) {
    this.channel = channel;
  }

  /** Opens the parent's FIFO; null when it is gone (the parent is gone: the stdin watch ends this JVM). */
  static ControlClient connect(String path) {
    try {
      return new ControlClient(FileChannel.open(Path.of(path), StandardOpenOption.READ, StandardOpenOption.WRITE));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Sends one message; a broken FIFO means the parent is gone, which the stdin watch handles. */
  synchronized void send(ControlMessage type, int value) {
    type.writeTo(channel, pid, value);
  }
}
