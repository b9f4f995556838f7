package org.multiprocessing4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The CPython the Java figures are compared with, and how a workload's script is run.
 *
 * <p>Which interpreter: {@code $MP4J_BENCH_PYTHON} when set; else {@code python3} under
 * {@code PYENV_VERSION=3.13.0} (the newest CPython on our machines, notes/python-versions.md) when
 * that works; else plain {@code python3}; else none, and the table shows only Java figures.
 *
 * <p>A script gets its arguments on the command line and prints one line per figure,
 * {@code series <name> <value> <value> ...} (integers: nanoseconds or bytes); anything else it
 * prints goes to stderr. It must end every process it starts before it exits.
 */
public final class CPython {
  /** The version the benchmarks compare against, selected through pyenv. */
  public static final String PREFERRED_VERSION = "3.13.0";
  private static final String OVERRIDE_VARIABLE = "MP4J_BENCH_PYTHON";
  private static final String SERIES = "series ";
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);

  private final List<String> command;
  private final Map<String, String> environment;
  private final String version;
  private final String executable;
  private final String selectedBy;

  private CPython(List<String> command, Map<String, String> environment, String version, String executable,
      String selectedBy) {
    this.command = command;
    this.environment = environment;
    this.version = version;
    this.executable = executable;
    this.selectedBy = selectedBy;
  }

  /** Finds the interpreter as described in the class comment; {@link #available()} tells whether one was found. */
  public static CPython locate() {
    String override = System.getenv(OVERRIDE_VARIABLE);
    if (override != null && !override.isBlank()) {
      return probe(List.of(override), Map.of(), "$" + OVERRIDE_VARIABLE);
    }
    CPython preferred = probe(List.of("python3"), Map.of("PYENV_VERSION", PREFERRED_VERSION),
        "PYENV_VERSION=" + PREFERRED_VERSION + " python3");
    if (preferred.available() && preferred.version.equals(PREFERRED_VERSION)) {
      return preferred;
    }
    CPython plain = probe(List.of("python3"), Map.of(), "python3 (pyenv " + PREFERRED_VERSION + " not found)");
    return plain;
  }

  private static CPython probe(List<String> cmd, Map<String, String> env, String selectedBy) {
    var probe = new ArrayList<>(cmd);
    probe.addAll(List.of("-c", "import platform, sys; print(platform.python_implementation(), "
        + "platform.python_version()); print(sys.executable)"));
    try {
      var pb = new ProcessBuilder(probe).redirectError(ProcessBuilder.Redirect.DISCARD);
      pb.environment().putAll(env);
      var p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return unavailable(selectedBy);
      }
      String[] lines = out.strip().split("\n");
      if (p.exitValue() != 0 || lines.length < 2 || !lines[0].startsWith("CPython ")) {
        return unavailable(selectedBy);
      }
      return new CPython(List.copyOf(cmd), Map.copyOf(env), lines[0].substring("CPython ".length()).strip(),
          lines[1].strip(), selectedBy);
    } catch (IOException e) {
      return unavailable(selectedBy);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unavailable(selectedBy);
    }
  }

  private static CPython unavailable(String tried) {
    return new CPython(List.of(), Map.of(), null, null, tried);
  }

  /** Whether an interpreter was found. */
  public boolean available() {
    return version != null;
  }

  /** The CPython version, e.g. {@code 3.13.0}; null when none was found. */
  public String version() {
    return version;
  }

  /** A line for the header: version, executable and how it was chosen. */
  public String describe() {
    if (!available()) {
      return "not found (tried " + selectedBy + "; set " + OVERRIDE_VARIABLE + " to a python3)";
    }
    return "CPython " + version + " (" + executable + ", run as " + selectedBy + ")";
  }

  /**
   * Runs {@code script} with {@code args} and returns its series by name, in the order printed.
   *
   * @throws IOException when the script fails, prints a malformed series, or runs past {@code timeout}
   */
  public Map<String, Samples> run(Path script, Unit unit, List<String> args, Duration timeout)
      throws IOException, InterruptedException {
    if (!available()) {
      return Map.of();
    }
    if (!Files.isRegularFile(script)) {
      throw new IOException("no CPython script " + script + "; run ./mp4j bench from the repository root");
    }
    var cmd = new ArrayList<>(command);
    cmd.add(script.toString());
    cmd.addAll(args);
    var pb = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(environment);
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in bench/python
    var p = pb.start();
    var timedOut = new AtomicBoolean();
    var watchdog = Thread.ofVirtual().start(() -> {
      try {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          timedOut.set(true);
          kill(p);
        }
      } catch (InterruptedException e) {
        // the script ended in time
      }
    });
    Map<String, Samples> series;
    try {
      series = readSeries(p, unit);
    } catch (IOException | RuntimeException e) {
      kill(p);
      throw new IOException(script.getFileName() + " printed something that is not a series: " + e.getMessage(), e);
    } finally {
      p.waitFor();
      watchdog.interrupt();
    }
    if (timedOut.get()) {
      throw new IOException(script.getFileName() + " ran longer than " + timeout.toSeconds() + " s; killed it");
    }
    if (p.exitValue() != 0) {
      throw new IOException(script.getFileName() + " failed with exit status " + p.exitValue() + " (its stderr is above)");
    }
    return series;
  }

  private static void kill(java.lang.Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /** Reads {@code series} lines until EOF; echoes other lines to stderr. */
  private static Map<String, Samples> readSeries(java.lang.Process p, Unit unit) throws IOException {
    var series = new LinkedHashMap<String, Samples>();
    try (var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (!line.startsWith(SERIES)) {
          System.err.println(line);
          continue;
        }
        String[] f = line.substring(SERIES.length()).trim().split("\\s+");
        if (f.length < 2) {
          throw new IOException("a series without values: " + line);
        }
        long[] values = new long[f.length - 1];
        for (int i = 1; i < f.length; i++) {
          values[i - 1] = Long.parseLong(f[i]);
        }
        series.put(f[0], new Samples(unit, values));
      }
    }
    return series;
  }
}
