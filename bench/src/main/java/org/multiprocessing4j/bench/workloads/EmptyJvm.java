package org.multiprocessing4j.bench.workloads;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.multiprocessing4j.bench.Samples;
import org.multiprocessing4j.bench.Unit;
import org.multiprocessing4j.internal.spawn.ChildJvm;

/**
 * The least a {@code spawn} start can take on this machine: a JVM started the way the library
 * starts a child (the same {@code java}, the children's default options, an AOT cache of its
 * own) whose main only reads the clock and prints it. A spawned child must reach its main before
 * it can run anything, so no {@code spawn} start + join can be quicker than this JVM's start to
 * its main.
 *
 * <p>The JVM runs {@link Main} from a jar of its own in the bench's temporary directory, which
 * holds that one class, with an AOT cache trained for it once ({@link #prepare}).
 */
final class EmptyJvm {
  /** How long the training of the cache and each run may take before the workload fails. */
  private static final long TIMEOUT_S = 60;
  private static final String MAIN = Main.class.getName();

  private final List<String> command;

  private EmptyJvm(List<String> command) {
    this.command = command;
  }

  /** Writes the jar into {@code dir}, trains its AOT cache, and returns the JVM to run. */
  static EmptyJvm prepare(Path dir) throws IOException, InterruptedException {
    Path jar = dir.resolve("empty-main.jar");
    String entry = MAIN.replace('.', '/') + ".class";
    try (var out = new JarOutputStream(Files.newOutputStream(jar));
        InputStream in = EmptyJvm.class.getClassLoader().getResourceAsStream(entry)) {
      if (in == null) {
        throw new IllegalStateException("cannot find " + entry + " on the bench's class path");
      }
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
    }
    Path cache = dir.resolve("empty-main.aot");
    var base = new ArrayList<String>();
    base.add(ChildJvm.executable().toString());
    base.addAll(ChildJvm.defaultOptions());
    base.add("--enable-native-access=ALL-UNNAMED");
    var train = new ArrayList<>(base);
    train.add("-XX:AOTCacheOutput=" + cache);
    train.addAll(List.of("-Xlog:aot=off", "-Xlog:cds=off", "-cp", jar.toString(), MAIN));
    Process trainer = new ProcessBuilder(train).redirectErrorStream(true).start();
    String said = new String(trainer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!trainer.waitFor(TIMEOUT_S, TimeUnit.SECONDS) || trainer.exitValue() != 0 || !Files.isRegularFile(cache)) {
      trainer.destroyForcibly();
      throw new IllegalStateException("the AOT cache of the empty JVM could not be built: " + said);
    }
    var run = new ArrayList<>(base);
    run.add("-XX:AOTCache=" + cache);
    run.addAll(List.of("-Xlog:aot=off", "-Xlog:cds=off", "-cp", jar.toString(), MAIN));
    return new EmptyJvm(List.copyOf(run));
  }

  /**
   * Runs the JVM ({@link #run()}) and, for a counted run ({@code i >= 0}), puts the time into
   * {@code toMain[i]}: the workloads call it after each of their spawn runs, warm-up runs included.
   */
  void runAfter(int i, long[] toMain) throws IOException, InterruptedException {
    long t = run();
    if (i >= 0) {
      toMain[i] = t;
    }
  }

  /** What a workload's note says beside the floor: 0.6x CPython's spawn median, or nothing without CPython. */
  static String sixTenthsOf(Samples cpythonSpawn) {
    return cpythonSpawn == null ? ""
        : "; 0.6x CPython spawn is " + Unit.NANOS.format(0.6 * cpythonSpawn.median())
            + " ms here";
  }

  /** Starts the JVM, waits for its exit, and returns how long after the start its main ran (ns). */
  private long run() throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("the empty JVM did not exit within " + TIMEOUT_S + " s; killed it");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("the empty JVM exited with status " + p.exitValue() + ": " + out);
    }
    return Long.parseLong(out) - t0;
  }

  /** The empty JVM's main: reads the clock first ({@code CLOCK_MONOTONIC}, as the parent's), prints it. */
  static final class Main {
    private Main() {}

    public static void main(String[] args) {
      long now = System.nanoTime();
      System.out.println(now);
    }
  }
}
