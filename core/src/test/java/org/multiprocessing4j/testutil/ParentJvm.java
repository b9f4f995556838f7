package org.multiprocessing4j.testutil;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A JVM a test starts itself to play the parent of child processes ("the main process"), for the
 * behaviours that need a parent other than the test JVM: its stderr, its death, its exit. Runs
 * {@link ParentScenarios} with the test JVM's {@code java} and class path.
 *
 * <p>{@link #close()} kills it and every descendant it has, so nothing outlives the test.
 */
public final class ParentJvm implements AutoCloseable {
  private final java.lang.Process process;
  private final Path stderr;
  /** Every stdout line so far, guarded by itself; {@link #taken} marks those returned. */
  private final List<String> lines = new ArrayList<>();
  private final BitSet taken = new BitSet();
  private boolean stdoutEnded;

  private ParentJvm(java.lang.Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    LeakCheckExtension.registerOwnedPid(process.pid());
    Thread.ofVirtual().name("parent-jvm-stdout-" + process.pid()).start(this::readStdout);
  }

  /**
   * Starts {@code java <jvmOptions> -cp <test class path> ParentScenarios <scenario> <args>}; its
   * stderr goes to a file in {@code dir}, its stdout is read line by line.
   */
  public static ParentJvm start(Path dir, List<String> jvmOptions, String scenario, String... args) {
    var cmd = new ArrayList<String>();
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ParentScenarios.class.getName());
    cmd.add(scenario);
    cmd.addAll(List.of(args));
    try {
      Path err = Files.createTempFile(dir, "parent-stderr-", ".txt");
      var pb = new ProcessBuilder(cmd)
          .redirectInput(ProcessBuilder.Redirect.PIPE)
          .redirectOutput(ProcessBuilder.Redirect.PIPE)
          .redirectError(err.toFile());
      List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS").forEach(pb.environment()::remove);
      return new ParentJvm(pb.start(), err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a parent JVM: " + cmd, e);
    }
  }

  private void readStdout() {
    try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // the JVM was killed: same as the end of its stdout
    } finally {
      synchronized (lines) {
        stdoutEnded = true;
        lines.notifyAll();
      }
    }
  }

  /** The OS process. */
  public java.lang.Process process() {
    return process;
  }

  /** The pid of this JVM. */
  public long pid() {
    return process.pid();
  }

  /**
   * The first stdout line starting with {@code prefix} that no earlier call returned, without the
   * prefix; lines may arrive in any order (children write to the same stdout). Fails when the
   * JVM's stdout ends first or after {@code timeout}.
   */
  public String awaitLine(String prefix, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      while (true) {
        for (int i = 0; i < lines.size(); i++) {
          if (!taken.get(i) && lines.get(i).startsWith(prefix)) {
            taken.set(i);
            return lines.get(i).substring(prefix.length());
          }
        }
        long remaining = deadline - System.nanoTime();
        if (stdoutEnded || remaining <= 0) {
          throw new AssertionError("no line starting with '" + prefix + "' on the parent JVM's stdout"
              + (stdoutEnded ? " before it ended" : " within " + timeout.toMillis() + " ms") + "; seen:\n"
              + stdout() + "stderr:\n" + stderr());
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lines, remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while reading the parent JVM's stdout", e);
        }
      }
    }
  }

  /** Waits for the JVM to exit and returns its status; fails after {@code timeout}. */
  public int awaitExit(Duration timeout) {
    try {
      return process.onExit().get(timeout.toNanos(), TimeUnit.NANOSECONDS).exitValue();
    } catch (TimeoutException e) {
      throw new AssertionError("the parent JVM did not exit within " + timeout.toMillis() + " ms; stdout:\n"
          + stdout() + "stderr:\n" + stderr(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError(e.getCause());
    }
  }

  /** Everything the JVM and its children wrote to stderr so far. */
  public String stderr() {
    try {
      return Files.readString(stderr);
    } catch (IOException e) {
      return "(cannot read " + stderr + ": " + e + ")";
    }
  }

  /** Everything read from stdout so far. */
  public String stdout() {
    synchronized (lines) {
      return lines.stream().map(l -> l + "\n").collect(Collectors.joining());
    }
  }

  /** Kills this JVM and all its descendants (which would otherwise be orphaned) and waits for them. */
  @Override
  public void close() {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process.toHandle());
    all.forEach(ProcessHandle::destroyForcibly);
    try {
      CompletableFuture.allOf(all.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // LeakCheckExtension reports whatever is left
    }
  }
}
