package org.multiprocessing4j.bench.workloads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multiprocessing4j.Context;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.bench.Bench;
import org.multiprocessing4j.bench.ProcFs;
import org.multiprocessing4j.bench.Result;
import org.multiprocessing4j.bench.Row;
import org.multiprocessing4j.bench.Samples;
import org.multiprocessing4j.bench.Target;
import org.multiprocessing4j.bench.Unit;
import org.multiprocessing4j.bench.Workload;
import org.multiprocessing4j.internal.spawn.SparePool;

/**
 * Resident memory (VmRSS from {@code /proc/<pid>/status}) of an idle child: its target creates a
 * marker file, then sleeps until terminated. The parent waits for the marker, then until the child
 * has used no CPU for 30 ms (JIT and GC threads done), reads VmRSS, and terminates it.
 *
 * <p>Also shown: an idle warm spare before it is given work, the memory the {@code warm} start
 * method keeps in reserve per spare.
 */
public final class IdleRss implements Workload {
  private static final int RUNS = 5;
  private static final Duration MARKER_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration QUIET_TIMEOUT = Duration.ofSeconds(5);

  @Override
  public String name() {
    return "idle-rss";
  }

  @Override
  public String description() {
    return "VmRSS of a child whose target sleeps";
  }

  @Override
  public Result run(Bench bench) throws Exception {
    int runs = bench.runs(RUNS);
    var methods = new LinkedHashMap<String, Integer>();
    methods.put("fork", runs);
    methods.put("spawn", runs);
    methods.put("forkserver", runs);
    Path dir = bench.newTempDir(name());
    Map<String, Samples> cpython = bench.python(name(), Unit.BYTES, methods, "--dir=" + dir);

    var notes = new ArrayList<String>();
    Samples spawn = measure(bench, Multiprocessing.getContext("spawn"), runs, null, dir, notes);
    var spares = new ArrayList<Long>();
    Samples warm;
    bench.useWarmSpares(SparePool.DEFAULT_SPARES);
    try {
      warm = measure(bench, Multiprocessing.getContext("warm"), runs, spares, dir, notes);
    } finally {
      bench.stopWarmSpares();
    }
    var rows = List.of(
        new Row(name(), "spawn", spawn, cpython, "spawn", new Target.RelativeTo("spawn", 3.0)),
        new Row(name(), "warm", warm, cpython, "spawn", new Target.RelativeTo("spawn", 3.0)),
        new Row(name(), "warm spare, no work yet", new Samples(Unit.BYTES, spares.stream().mapToLong(x -> x).toArray()),
            cpython, "spawn", new Target.None()));
    notes.add("idle-rss: VmRSS counts pages shared with other processes too (a fork child shares its parent's).");
    return new Result(rows, List.of(), notes);
  }

  /** Measures {@code runs} children; with {@code spares} non-null, also the RSS of the idle spares. */
  private static Samples measure(Bench bench, Context context, int runs, List<Long> spares, Path dir,
      List<String> notes) throws InterruptedException, IOException {
    long[] rss = new long[runs];
    for (int i = 0; i < runs; i++) {
      if (spares != null) {
        bench.awaitWarmSpares();
        for (long pid : SparePool.get().idlePids()) {
          spares.add(ProcFs.vmRss(pid));
        }
      }
      Path marker = dir.resolve("java-" + context.getStartMethod() + "-" + i);
      Process p = context.process(Targets.markThenSleep(marker.toString()));
      try {
        p.start();
        awaitFile(marker, p);
        if (!ProcFs.awaitQuiet(List.of(p.pid()), QUIET_TIMEOUT)) {
          notes.add("idle-rss: Java " + context.getStartMethod() + " child " + p.pid()
              + " still used CPU after " + QUIET_TIMEOUT.toSeconds() + " s; measured anyway");
        }
        rss[i] = ProcFs.vmRss(p.pid());
        p.terminate();
        if (!p.join(JavaRuns.CHILD_TIMEOUT) || p.exitCode() != -15) {
          throw new IllegalStateException("terminate() should end " + p + " with exit code -15");
        }
      } finally {
        JavaRuns.end(p);
      }
    }
    return new Samples(Unit.BYTES, rss);
  }

  private static void awaitFile(Path marker, Process p) throws InterruptedException {
    long deadline = System.nanoTime() + MARKER_TIMEOUT.toNanos();
    while (!Files.exists(marker)) {
      if (p.exitCode() != null) {
        throw new IllegalStateException(p + " ended before its target ran (its stderr is above)");
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(p + " did not create " + marker + " within " + MARKER_TIMEOUT.toSeconds() + " s");
      }
      Thread.sleep(1);
    }
  }
}
