package org.multiprocessing4j.bench.workloads;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.bench.Bench;
import org.multiprocessing4j.bench.ProcFs;
import org.multiprocessing4j.bench.Result;
import org.multiprocessing4j.bench.Row;
import org.multiprocessing4j.bench.Samples;
import org.multiprocessing4j.bench.Target;
import org.multiprocessing4j.bench.Unit;
import org.multiprocessing4j.bench.Workload;
import org.multiprocessing4j.internal.spawn.SparePool;
import org.multiprocessing4j.pool.Pool;

/**
 * From the pool constructor (2 workers) to the first {@code applyAsync(() -> 1).get()} result:
 * Java {@code spawn} against CPython {@code spawn}, Java {@code warm} (ready spares) against
 * CPython {@code fork}. The pool is closed (workers exited) after each run, outside the timing.
 * A third row is the floor of the {@code spawn} row: a bare JVM's start to its main
 * ({@link EmptyJvm}), run after each {@code spawn} run; no spawned worker can answer sooner.
 */
public final class PoolFirstResult implements Workload {
  private static final int SPAWN_RUNS = 6;
  private static final int WARM_RUNS = 6;
  private static final int FORK_RUNS = 15;

  @Override
  public String name() {
    return "pool-first-result";
  }

  @Override
  public String description() {
    return "Pool(2) constructor -> first applyAsync result";
  }

  @Override
  public Result run(Bench bench) throws Exception {
    var runs = new LinkedHashMap<String, Integer>();
    runs.put("fork", bench.runs(FORK_RUNS));
    runs.put("spawn", bench.runs(SPAWN_RUNS));
    Map<String, Samples> cpython = bench.python(name(), Unit.NANOS, runs);

    EmptyJvm empty = EmptyJvm.prepare(bench.newTempDir("empty-jvm"));
    long[] toMain = new long[bench.runs(SPAWN_RUNS)];
    Samples spawn = measure(bench, "spawn", bench.runs(SPAWN_RUNS), empty, toMain);
    Samples warm;
    bench.useWarmSpares(SparePool.DEFAULT_SPARES);
    try {
      warm = measure(bench, "warm", bench.runs(WARM_RUNS), null, null);
    } finally {
      bench.stopWarmSpares();
    }
    var rows = List.of(
        new Row(name(), "spawn", spawn, cpython, "spawn", new Target.RelativeTo("spawn", 0.6)),
        new Row(name(), "warm", warm, cpython, "fork", new Target.None()),
        new Row(name(), "empty JVM", new Samples(Unit.NANOS, toMain), cpython, "spawn", new Target.None()));
    return new Result(rows, List.of(), List.of(
        "pool-first-result: 2 workers; after each run the workers' OS processes are waited for (as CPython's"
            + " pool.join() does); warm runs start when both spares are ready and quiet; the first run of each"
            + " method is not counted.",
        "pool-first-result: empty JVM = the spawn row's floor (see process-start-join), run after each spawn run"
            + EmptyJvm.sixTenthsOf(cpython.get("spawn")) + "."));
  }

  /** With {@code empty}: runs the empty JVM after each run and puts its start-to-main time into {@code toMain}. */
  private static Samples measure(Bench bench, String method, int runs, EmptyJvm empty, long[] toMain)
      throws InterruptedException, java.io.IOException {
    long[] samples = new long[runs];
    var ctx = Multiprocessing.getContext(method);
    for (int i = -1; i < runs; i++) {
      if (method.equals("warm")) {
        bench.awaitWarmSpares();
      }
      long t0 = System.nanoTime();
      long t1;
      List<Long> workers;
      try (Pool pool = PoolRuns.pool(ctx)) {
        int one = pool.applyAsync(Targets.one()).get();
        t1 = System.nanoTime();
        if (one != 1) {
          throw new IllegalStateException("got " + one);
        }
        workers = Multiprocessing.activeChildren().stream().map(org.multiprocessing4j.Process::pid)
            .filter(java.util.Objects::nonNull).toList();
      }
      // as CPython's pool.join() (waitpid) does: the next run does not share the cores with
      // these JVMs' exits (close() returns on their DONE messages, before their OS exit)
      for (long pid : workers) {
        if (ProcFs.awaitExit(pid, JavaRuns.CHILD_TIMEOUT) < 0) {
          throw new IllegalStateException("pool worker " + pid + " still runs " + JavaRuns.CHILD_TIMEOUT.toSeconds()
              + " s after the pool was closed");
        }
      }
      if (i >= 0) {
        samples[i] = t1 - t0;
      }
      if (empty != null) {
        empty.runAfter(i, toMain);
      }
    }
    return new Samples(Unit.NANOS, samples);
  }
}
