package org.multiprocessing4j.bench.workloads;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multiprocessing4j.Context;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.bench.Bench;
import org.multiprocessing4j.bench.Breakdown;
import org.multiprocessing4j.bench.Result;
import org.multiprocessing4j.bench.Row;
import org.multiprocessing4j.bench.Samples;
import org.multiprocessing4j.bench.Target;
import org.multiprocessing4j.bench.Unit;
import org.multiprocessing4j.bench.Workload;
import org.multiprocessing4j.internal.spawn.SparePool;

/**
 * Time from just before {@code start()} to the first line of the target running in the child,
 * and where the rest of a start-to-join goes.
 *
 * <p>Across processes on one clock: on Linux {@link System#nanoTime()} and Python's
 * {@code time.monotonic_ns()} both read {@code CLOCK_MONOTONIC}. The target's first line reads the
 * clock; it then opens a file whose path it captured, reads the clock again and writes both
 * readings (two big-endian longs) there. The parent reads the clock before {@code start()}, after
 * it returns, after {@code join()} returns and (Java) when the child's OS process is gone.
 */
public final class StartToRunning implements Workload {
  private static final int SPAWN_RUNS = 30;
  private static final int WARM_RUNS = 50;
  /** CPython fork and forkserver runs cost a few ms each, so they get more runs than Java warm (whose spares take ~0.4 s to boot). */
  private static final int FORK_RUNS = 100;
  private static final int WARMUP_RUNS = 2;
  /** The series suffixes the Python script prints, and the phase each one is. */
  static final Map<String, String> PHASES = phases();

  private static Map<String, String> phases() {
    var m = new LinkedHashMap<String, String>();
    m.put("start", "start() returns");
    m.put("running", "start() -> target's first line runs");
    m.put("body", "target: first line -> last (opens a file)");
    m.put("exit", "target's last line -> join() returns");
    m.put("gone", "join() returns -> OS process gone");
    m.put("total", "start() -> join() returns");
    return m;
  }

  @Override
  public String name() {
    return "start-to-running";
  }

  @Override
  public String description() {
    return "from just before start() to the target's first line running in the child";
  }

  @Override
  public Result run(Bench bench) throws Exception {
    int spawnRuns = bench.runs(SPAWN_RUNS);
    int warmRuns = bench.runs(WARM_RUNS);
    var runs = new LinkedHashMap<String, Integer>();
    runs.put("fork", bench.runs(FORK_RUNS));
    runs.put("spawn", spawnRuns);
    runs.put("forkserver", bench.runs(FORK_RUNS));
    Path dir = bench.newTempDir(name());
    Map<String, Samples> series = bench.python(name(), Unit.NANOS, runs, "--dir=" + dir);

    Map<String, Samples> spawn = measure(bench, Multiprocessing.getContext("spawn"), spawnRuns, false, dir);
    Map<String, Samples> warm;
    bench.useWarmSpares(SparePool.DEFAULT_SPARES);
    try {
      warm = measure(bench, Multiprocessing.getContext("warm"), warmRuns, true, dir);
    } finally {
      bench.stopWarmSpares();
    }

    var cpython = new LinkedHashMap<String, Samples>();
    for (String method : runs.keySet()) {
      if (series.containsKey(method + "/running")) {
        cpython.put(method, series.get(method + "/running"));
      }
    }
    var rows = List.of(
        new Row(name(), "warm", warm.get("running"), cpython, "fork", new Target.AtMost(1.0)),
        new Row(name(), "spawn", spawn.get("running"), cpython, "spawn", new Target.None()));
    var breakdown = new Breakdown("start-to-running: where a start -> join goes (medians, ms)");
    PHASES.forEach((key, phase) -> {
      addIfPresent(breakdown, phase, "Java warm", warm.get(key));
      addIfPresent(breakdown, phase, "Java spawn", spawn.get(key));
      for (String method : runs.keySet()) {
        addIfPresent(breakdown, phase, "CPython " + method, series.get(method + "/" + key));
      }
    });
    var notes = new ArrayList<String>();
    notes.add("start-to-running: each phase is a median on its own, so the phases need not add up to the total.");
    return new Result(rows, List.of(breakdown), notes);
  }

  private static void addIfPresent(Breakdown b, String phase, String column, Samples s) {
    if (s != null) {
      b.add(phase, column, s);
    }
  }

  private static Map<String, Samples> measure(Bench bench, Context context, int runs, boolean warm, Path dir)
      throws InterruptedException, IOException {
    var phases = new LinkedHashMap<String, long[]>();
    PHASES.keySet().forEach(k -> phases.put(k, new long[runs]));
    for (int i = -WARMUP_RUNS; i < runs; i++) {
      if (warm) {
        bench.awaitWarmSpares();
      }
      Path stamps = dir.resolve("java-" + context.getStartMethod() + "-" + (i + WARMUP_RUNS));
      Process p = context.process(Targets.stampInto(stamps.toString()));
      try {
        long t0 = System.nanoTime();
        p.start();
        long started = System.nanoTime();
        p.join(JavaRuns.CHILD_TIMEOUT);
        long joined = System.nanoTime();
        JavaRuns.joinSuccessful(p);
        long gone = JavaRuns.awaitOsExit(p);
        var child = ByteBuffer.wrap(Files.readAllBytes(stamps));
        long running = child.getLong();
        long last = child.getLong();
        if (i >= 0) {
          phases.get("start")[i] = started - t0;
          phases.get("running")[i] = running - t0;
          phases.get("body")[i] = last - running;
          phases.get("exit")[i] = joined - last;
          phases.get("gone")[i] = Math.max(0, gone - joined);
          phases.get("total")[i] = joined - t0;
        }
      } finally {
        JavaRuns.end(p);
      }
    }
    var samples = new LinkedHashMap<String, Samples>();
    phases.forEach((k, v) -> samples.put(k, new Samples(Unit.NANOS, v)));
    return samples;
  }
}
