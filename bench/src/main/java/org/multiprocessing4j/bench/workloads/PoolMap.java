package org.multiprocessing4j.bench.workloads;

import java.util.ArrayList;
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

/**
 * {@code pool.map(x -> x * x, ints)} over 1,000,000 ints with 2 workers ({@code warm}; CPython
 * {@code fork}), chunk size 10,000 (both sides); items per second of the {@code map} call alone (the pool is
 * made before and ended after).
 */
public final class PoolMap implements Workload {
  private static final int ROUNDS = 3;
  private static final int ITEMS = 1_000_000;
  /**
   * Chunk size on both sides. With the default (items / (4 * workers) = 125,000, as CPython) the Java
   * map never returned (workers idle, parent waiting on the result): see bench/README.md.
   */
  private static final int CHUNKSIZE = 10_000;

  @Override
  public String name() {
    return "pool-map";
  }

  @Override
  public String description() {
    return "Pool(2).map(x -> x * x) over 1,000,000 ints, items/s";
  }

  @Override
  public Result run(Bench bench) throws Exception {
    int rounds = bench.runs(ROUNDS);
    Map<String, Samples> cpython = bench.python(name(), Unit.PER_SECOND, PoolRuns.one("fork", rounds), "--items=" + ITEMS, "--chunksize=" + CHUNKSIZE);
    var items = new ArrayList<Integer>(ITEMS);
    for (int i = 0; i < ITEMS; i++) {
      items.add(i);
    }
    long[] samples = new long[rounds];
    try (Pool pool = PoolRuns.warmPool(bench)) {
      JavaRuns.warmUp(1, JavaRuns.WARMUP_TIME, () -> pool.map(Targets.square(), items, CHUNKSIZE));
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        List<Integer> out = pool.map(Targets.square(), items, CHUNKSIZE);
        long t1 = System.nanoTime();
        if (out.size() != ITEMS || out.get(ITEMS - 1) != (ITEMS - 1) * (ITEMS - 1)) {
          throw new IllegalStateException("wrong map result");
        }
        samples[r] = JavaRuns.perSecond(ITEMS, t1 - t0);
      }
    } finally {
      bench.stopWarmSpares();
    }
    var row = new Row(name(), "warm", new Samples(Unit.PER_SECOND, samples), cpython, "fork",
        new Target.AtLeastTimes("fork", 3));
    return new Result(List.of(row), List.of(), List.of(
        "pool-map: 2 workers, Java warm context, CPython fork; chunk size " + CHUNKSIZE + "; " + rounds
            + " map calls each after one not counted (Java: after at least " + JavaRuns.WARMUP_TIME.toSeconds()
            + " s of calls)."));
  }
}
