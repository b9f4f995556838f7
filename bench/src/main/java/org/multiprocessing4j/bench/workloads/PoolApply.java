package org.multiprocessing4j.bench.workloads;

import java.util.List;
import java.util.Map;
import org.multiprocessing4j.bench.Bench;
import org.multiprocessing4j.bench.Result;
import org.multiprocessing4j.bench.Row;
import org.multiprocessing4j.bench.Samples;
import org.multiprocessing4j.bench.Target;
import org.multiprocessing4j.bench.Unit;
import org.multiprocessing4j.bench.Workload;
import org.multiprocessing4j.pool.Pool;

/** {@code applyAsync(() -> 1).get()} on a pool of 2 workers ({@code warm}; CPython {@code fork}), per round trip. */
public final class PoolApply implements Workload {
  private static final int RUNS = 2_000;
  private static final int WARMUP = 1_000;

  @Override
  public String name() {
    return "pool-apply";
  }

  @Override
  public String description() {
    return "Pool(2).applyAsync(() -> 1).get() round trip";
  }

  @Override
  public Result run(Bench bench) throws Exception {
    int runs = bench.runs(RUNS);
    Map<String, Samples> cpython = bench.python(name(), Unit.MICROS, PoolRuns.one("fork", runs), "--warmup=" + WARMUP);
    long[] samples = new long[runs];
    try (Pool pool = PoolRuns.warmPool(bench)) {
      JavaRuns.warmUp(WARMUP, JavaRuns.WARMUP_TIME, () -> pool.applyAsync(Targets.one()).get());
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        int one = pool.applyAsync(Targets.one()).get();
        long t1 = System.nanoTime();
        if (one != 1) {
          throw new IllegalStateException("got " + one);
        }
        samples[i] = t1 - t0;
      }
    } finally {
      bench.stopWarmSpares();
    }
    var row = new Row(name(), "warm", new Samples(Unit.MICROS, samples), cpython, "fork",
        new Target.RelativeTo("fork", 0.1));
    return new Result(List.of(row), List.of(), List.of(
        "pool-apply: 2 workers, Java warm context, CPython fork; " + runs + " calls each after at least " + WARMUP
            + " not counted (Java: and at least " + JavaRuns.WARMUP_TIME.toSeconds() + " s of them)."));
  }
}
