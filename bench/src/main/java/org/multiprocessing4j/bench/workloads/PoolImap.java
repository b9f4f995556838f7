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
import org.multiprocessing4j.pool.ImapIterator;
import org.multiprocessing4j.pool.Pool;

/**
 * {@code imap(x -> x * x, ints, 1)} over 20,000 ints with 2 workers ({@code warm}; CPython
 * {@code fork}), consuming every result; items per second.
 */
public final class PoolImap implements Workload {
  private static final int ROUNDS = 3;
  private static final int ITEMS = 20_000;

  @Override
  public String name() {
    return "pool-imap";
  }

  @Override
  public String description() {
    return "Pool(2).imap(x -> x * x, 20,000 ints, chunksize 1), items/s";
  }

  @Override
  public Result run(Bench bench) throws Exception {
    int rounds = bench.runs(ROUNDS);
    Map<String, Samples> cpython = bench.python(name(), Unit.PER_SECOND, PoolRuns.one("fork", rounds), "--items=" + ITEMS);
    var items = new ArrayList<Integer>(ITEMS);
    for (int i = 0; i < ITEMS; i++) {
      items.add(i);
    }
    // a Java pass takes ~50 ms, short enough for one scheduling hiccup on 2 cores to halve it:
    // three times the passes for a steadier median (CPython's take ~0.5 s each)
    int javaRounds = rounds * 3;
    long[] samples = new long[javaRounds];
    try (Pool pool = PoolRuns.warmPool(bench)) {
      JavaRuns.warmUp(1, JavaRuns.WARMUP_TIME, () -> pool.imap(Targets.square(), items, 1).forEachRemaining(x -> { }));
      for (int r = 0; r < javaRounds; r++) {
        long t0 = System.nanoTime();
        ImapIterator<Integer> it = pool.imap(Targets.square(), items, 1);
        long n = 0;
        long last = -1;
        while (it.hasNext()) {
          last = it.next();
          n++;
        }
        long t1 = System.nanoTime();
        if (n != ITEMS || last != (long) (ITEMS - 1) * (ITEMS - 1)) {
          throw new IllegalStateException("wrong imap result");
        }
        samples[r] = JavaRuns.perSecond(ITEMS, t1 - t0);
      }
    } finally {
      bench.stopWarmSpares();
    }
    var row = new Row(name(), "warm", new Samples(Unit.PER_SECOND, samples), cpython, "fork",
        new Target.AtLeastTimes("fork", 10));
    return new Result(List.of(row), List.of(), List.of(
        "pool-imap: 2 workers, Java warm context, CPython fork; chunk size 1; " + javaRounds + " Java and "
            + rounds + " CPython imap passes, each after one not counted (Java: after at least " + JavaRuns.WARMUP_TIME.toSeconds()
            + " s of passes)."));
  }
}
