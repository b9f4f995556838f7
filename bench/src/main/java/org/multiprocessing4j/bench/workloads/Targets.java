package org.multiprocessing4j.bench.workloads;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.multiprocessing4j.function.SerializableRunnable;

/**
 * The targets the Java workloads run in children. They live in this small class on purpose: a
 * child deserializes a lambda by loading (and verifying) the class that created it, so keeping
 * them out of the workload classes keeps the bench's own code out of the figures.
 */
final class Targets {
  private Targets() {}

  /** Does nothing. */
  static SerializableRunnable empty() {
    return () -> {};
  }

  /**
   * Reads the clock on its first line, then opens {@code path}, reads the clock again and writes
   * both readings as two big-endian longs ({@link System#nanoTime()}: CLOCK_MONOTONIC on Linux).
   */
  static SerializableRunnable stampInto(String path) {
    return () -> {
      long running = System.nanoTime();
      try (var out = new FileOutputStream(path)) {
        long last = System.nanoTime();
        out.write(ByteBuffer.allocate(2 * Long.BYTES).putLong(running).putLong(last).array());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  /** Creates the file {@code marker}, then sleeps until the process is terminated. */
  static SerializableRunnable markThenSleep(String marker) {
    return () -> {
      try {
        new FileOutputStream(marker).close();
        Thread.sleep(Long.MAX_VALUE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }
}
