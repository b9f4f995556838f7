package org.multiprocessing4j.sharedmemory;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.testutil.TestJvms;

/**
 * A CPython interpreter of the machine for interop tests: {@code python3} (3.11 here) or
 * {@code PYENV_VERSION=3.13.0 python3} (notes/python-versions.md). A test skips, saying why, when
 * the version is missing.
 *
 * <p>Every script starts with {@link #PRELUDE}: helpers that attach to or create a block without
 * leaving it to CPython's resource tracker, which would otherwise unlink it (with a "leaked
 * shared_memory objects" warning) when the script's process tree exits — before Java is done with
 * it. 3.13 has {@code track=False} for that; 3.12 and older need
 * {@code resource_tracker.unregister} after the fact. {@code ShareableList} has no
 * {@code track=} in 3.13, so lists are always unregistered.
 */
record CPython(String version, Map<String, String> environment) {
  static final CPython PYTHON_3_11 = new CPython("3.11", Map.of());
  static final CPython PYTHON_3_13 = new CPython("3.13", Map.of("PYENV_VERSION", "3.13.0"));

  static final String PRELUDE = """
      import sys
      from multiprocessing import shared_memory, resource_tracker

      def attach(name):
          try:
              return shared_memory.SharedMemory(name, track=False)  # 3.13+
          except TypeError:  # 3.12 and older: no track=, so untrack by hand
              shm = shared_memory.SharedMemory(name)
              resource_tracker.unregister(shm._name, "shared_memory")
              return shm

      def create(size):
          try:
              return shared_memory.SharedMemory(create=True, size=size, track=False)
          except TypeError:
              shm = shared_memory.SharedMemory(create=True, size=size)
              resource_tracker.unregister(shm._name, "shared_memory")
              return shm

      def untracked(sl):
          resource_tracker.unregister(sl.shm._name, "shared_memory")
          return sl

      """;

  private static final Map<String, String> AVAILABILITY = new ConcurrentHashMap<>();

  /** The finished run of a script: exit code and what it printed (the resource tracker's too). */
  record Run(int exitCode, String stdout, String stderr) {}

  static List<CPython> versions() {
    return List.of(PYTHON_3_11, PYTHON_3_13);
  }

  /** Skips the calling test, with the reason, unless this version runs here. */
  void assumeAvailable() {
    String problem = AVAILABILITY.computeIfAbsent(version, v -> {
      try {
        Run r = runRaw("import sys; print('%d.%d' % sys.version_info[:2])");
        if (r.exitCode() != 0) {
          return "python3 failed: " + r.stderr().strip();
        }
        return r.stdout().strip().equals(v) ? "" : "python3 is " + r.stdout().strip() + ", not " + v;
      } catch (RuntimeException e) {
        return "python3 cannot be started: " + e.getMessage();
      }
    });
    assumeThat(problem).as("CPython %s is not available on this machine (%s) %s; skipping",
        version, environment.isEmpty() ? "python3" : environment + " python3", problem).isEmpty();
  }

  /** Runs {@link #PRELUDE} + {@code script} with {@code args} as {@code sys.argv[1:]}, to the end. */
  Run run(String script, String... args) {
    return runRaw(PRELUDE + script, args);
  }

  private Run runRaw(String script, String... args) {
    var cmd = new ArrayList<String>(List.of("python3", "-c", script));
    cmd.addAll(List.of(args));
    var pb = new ProcessBuilder(cmd);
    pb.environment().putAll(environment);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      // read both streams to their end: that also waits for the resource tracker, which shares them
      var out = TestJvms.readAsync(p.getInputStream());
      var err = TestJvms.readAsync(p.getErrorStream());
      if (!p.waitFor(TestJvms.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("python3 " + version + " did not finish within " + TestJvms.TIMEOUT_SECONDS + " s");
      }
      return new Run(p.exitValue(), out.get(TestJvms.TIMEOUT_SECONDS, TimeUnit.SECONDS),
          err.get(TestJvms.TIMEOUT_SECONDS, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public String toString() {
    return "CPython " + version;
  }
}
