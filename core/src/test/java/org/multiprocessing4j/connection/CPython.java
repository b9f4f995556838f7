package org.multiprocessing4j.connection;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A CPython interpreter of a given version on this machine, found as {@code pythonX.Y} or through
 * pyenv ({@code PYENV_VERSION=X.Y python3}), and checked by asking it for its version.
 *
 * @param version "3.11", "3.13", ...
 * @param command the command line that starts it
 * @param pyenvVersion the PYENV_VERSION to set, or null
 */
record CPython(String version, List<String> command, String pyenvVersion) {
  /** How long a CPython run may take on two busy cores. */
  static final Duration PATIENCE = Duration.ofMinutes(2);

  private static final java.util.Map<String, java.util.Optional<CPython>> FOUND = new java.util.concurrent.ConcurrentHashMap<>();

  /** The interpreter of {@code version}, or null when this machine has none. */
  static CPython find(String version) {
    return FOUND.computeIfAbsent(version, v -> java.util.Optional.ofNullable(probe(v))).orElse(null);
  }

  private static CPython probe(String version) {
    for (CPython candidate : List.of(new CPython(version, List.of("python" + version), null),
        new CPython(version, List.of("python3"), version))) {
      try {
        Run probe = candidate.start("-c", "import sys; print('%d.%d' % sys.version_info[:2])");
        List<String> out = probe.finish();
        if (probe.exitCode() == 0 && out.equals(List.of(version))) {
          return candidate;
        }
      } catch (UncheckedIOException | IllegalStateException e) {
        // not this candidate
      }
    }
    return null;
  }

  /** Why a test is skipped without this version. */
  static String missing(String version) {
    return "CPython " + version + " is not installed here (tried python" + version + " and PYENV_VERSION=" + version
        + " python3): skipping the interop test for it";
  }

  /** Starts the interpreter with {@code args}; stdout and stderr are collected line by line. */
  Run start(String... args) {
    var cmd = new ArrayList<>(command);
    cmd.addAll(List.of(args));
    var pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (pyenvVersion != null) {
      pb.environment().put("PYENV_VERSION", pyenvVersion);
    } else {
      pb.environment().remove("PYENV_VERSION");
    }
    try {
      return new Run(String.join(" ", cmd), pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd, e);
    }
  }

  /** A running interpreter and the lines it printed. */
  static final class Run implements AutoCloseable {
    private final String what;
    private final java.lang.Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    Run(String what, java.lang.Process process) {
      this.what = what;
      this.process = process;
      this.reader = Thread.ofPlatform().daemon().name("cpython-output").start(() -> {
        try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            all.add(line);
            lines.add(line);
          }
        } catch (IOException e) {
          all.add("(reading the output failed: " + e + ")");
        }
      });
    }

    java.lang.Process process() {
      return process;
    }

    /** The next line printed, waiting up to {@link #PATIENCE}. */
    String nextLine() throws InterruptedException {
      String line = lines.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        throw new IllegalStateException(what + " printed no line within " + PATIENCE + "; output so far: " + all);
      }
      return line;
    }

    /** Waits for the end and returns every line printed. */
    List<String> finish() {
      try {
        if (!process.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(what + " did not end within " + PATIENCE + "; output: " + all);
        }
        reader.join(PATIENCE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
      return List.copyOf(all);
    }

    int exitCode() {
      return process.exitValue();
    }

    /** Everything printed so far, for failure messages. */
    String output() {
      return String.join("\n", all);
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        process.destroyForcibly();
        try {
          process.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
