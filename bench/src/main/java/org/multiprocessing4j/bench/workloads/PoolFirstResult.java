package org.multiprocessing4j.bench.workloads;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.bench.Bench;
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

    Samples spawn = measure(bench, "spawn", bench.runs(SPAWN_RUNS));
    Samples warm;
    bench.useWarmSpares(SparePool.DEFAULT_SPARES);
    try {
      warm = measure(bench, "warm", bench.runs(WARM_RUNS));
    } finally {
      bench.stopWarmSpares();
    }
    var rows = List.of(
        new Row(name(), "spawn", spawn, cpython, "spawn", new Target.RelativeTo("spawn", 0.6)),
        new Row(name(), "warm", warm, cpython, "fork", new Target.None()));
    return new Result(rows, List.of(), List.of(
        "pool-first-result: 2 workers; warm runs start when both spares are ready and quiet; the first run"
            + " of each method is not counted."));
  }

  private static Samples measure(Bench bench, String method, int runs) throws InterruptedException {
    long[] samples = new long[runs];
    var ctx = Multiprocessing.getContext(method);
    for (int i = -1; i < runs; i++) {
      if (method.equals("warm")) {
        bench.awaitWarmSpares();
      }
      long t0 = System.nanoTime();
      long t1;
      try (Pool pool = PoolRuns.pool(ctx)) {
        int one = pool.applyAsync(Targets.one()).get();
        t1 = System.nanoTime();
        if (one != 1) {
          throw new IllegalStateException("got " + one);
        }
      }
      if (i >= 0) {
        samples[i] = t1 - t0;
      }
    }
    return new Samples(Unit.NANOS, samples);
  }
}
