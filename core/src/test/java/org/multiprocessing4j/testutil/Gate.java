package org.multiprocessing4j.testutil;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A one-shot signal from a test to a child process, made of a file (there are no events yet):
 * the child blocks in {@link #await()} until the test calls {@link #open()}. Lets a child "run
 * for a while" exactly as long as the test wants, without sleeps standing in for synchronisation.
 *
 * @param path the file whose existence opens the gate
 */
public record Gate(String path) implements Serializable {
  @Serial private static final long serialVersionUID = 1L;
  /** A child gives up waiting after this long, so a broken test cannot leave it blocked forever. */
  private static final Duration MAX_WAIT = Duration.ofMinutes(2);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  /** A new, closed gate in {@code dir} (a test's {@code @TempDir}). */
  public static Gate in(Path dir) {
    return new Gate(dir.resolve("gate-" + UUID.randomUUID()).toString());
  }

  /** Opens the gate: every {@link #await()} returns. */
  public void open() {
    try {
      Files.createFile(Path.of(path));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the gate " + path, e);
    }
  }

  /** Whether the gate is open. */
  public boolean isOpen() {
    return Files.exists(Path.of(path));
  }

  /** Blocks until the gate is open (polling the file); fails after two minutes. */
  public void await() {
    long deadline = System.nanoTime() + MAX_WAIT.toNanos();
    while (!isOpen()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("the gate " + path + " was not opened within " + MAX_WAIT);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
