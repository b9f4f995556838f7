package org.multiprocessing4j.testutil;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * A value passed back from a child process through a file (there are no queues yet): the child's
 * target captures this object and calls {@link #write}, the test reads it after {@code join()}.
 * The file appears atomically, so it is either absent or complete.
 *
 * @param path the file, as a string ({@link Path} is not serializable)
 */
public record ChildResult(String path) implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  /** A new, not yet written result in {@code dir} (a test's {@code @TempDir}). */
  public static ChildResult in(Path dir) {
    return new ChildResult(dir.resolve("result-" + UUID.randomUUID()).toString());
  }

  /** Writes {@code value}; called in the child. */
  public void write(Serializable value) {
    Path target = Path.of(path);
    Path tmp = Path.of(path + ".tmp");
    try (var out = new ObjectOutputStream(Files.newOutputStream(tmp))) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the child's result to " + tmp, e);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the child's result into " + target, e);
    }
  }

  /** Whether the child wrote its result. */
  public boolean isWritten() {
    return Files.exists(Path.of(path));
  }

  /** Reads the value the child wrote; fails when it wrote none. */
  @SuppressWarnings("unchecked")
  public <T> T read() {
    Path target = Path.of(path);
    if (!Files.exists(target)) {
      throw new AssertionError("the child wrote no result to " + target);
    }
    try (var in = new ObjectInputStream(Files.newInputStream(target))) {
      return (T) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new AssertionError("cannot read the child's result from " + target, e);
    }
  }
}
