package org.multiprocessing4j.testutil;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Plain JVMs for tests (not library children): {@code java} of this JVM's {@code java.home}, the
 * test class path, the given options and main class.
 */
public final class TestJvms {
  /** How long a helper JVM may take before a test gives up on it (2 busy cores are slow). */
  public static final long TIMEOUT_SECONDS = 120;

  private TestJvms() {}

  /** The finished run of a helper JVM. */
  public record Result(int exitCode, String stdout, String stderr) {}

  /** The command line for {@code main} with {@code options} and {@code args}. */
  public static List<String> command(List<String> options, Class<?> main, String... args) {
    var cmd = new ArrayList<String>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(options);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Starts {@code main}; stdout and stderr are pipes, stdin is closed. */
  public static Process start(List<String> options, Class<?> main, String... args) {
    var pb = new ProcessBuilder(command(options, main, args));
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.environment().remove("_JAVA_OPTIONS");
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code main} to its end and returns what it printed. */
  public static Result run(List<String> options, Class<?> main, String... args) {
    return finish(start(options, main, args));
  }

  /** Reads both streams of {@code p} to their end and waits for it. */
  public static Result finish(Process p) {
    CompletableFuture<String> err = readAsync(p.getErrorStream());
    CompletableFuture<String> out = readAsync(p.getInputStream());
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("helper JVM did not end within " + TIMEOUT_SECONDS + " s: " + p.info());
      }
      return new Result(p.exitValue(), out.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), err.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new AssertionError("helper JVM failed: " + e, e);
    }
  }

  /** Reads a stream to its end on a virtual thread. */
  public static CompletableFuture<String> readAsync(InputStream in) {
    var f = new CompletableFuture<String>();
    Thread.ofVirtual().start(() -> {
      try (in) {
        f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }
}
