package org.multiprocessing4j.bench.workloads;

import java.util.LinkedHashMap;
import java.util.Map;
import org.multiprocessing4j.Context;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.bench.Bench;
import org.multiprocessing4j.internal.spawn.SparePool;
import org.multiprocessing4j.pool.Pool;

/** What the pool workloads share: a pool of 2 workers, and the CPython run counts. */
final class PoolRuns {
  /** Workers of every pool the pool workloads make (the bench machines have 2 cores). */
  static final int WORKERS = 2;

  private PoolRuns() {}

  /** A pool of {@link #WORKERS} workers started with the warm context, spares booted first. */
  static Pool warmPool(Bench bench) throws InterruptedException {
    bench.useWarmSpares(SparePool.DEFAULT_SPARES);
    bench.awaitWarmSpares();
    return pool(Multiprocessing.getContext("warm"));
  }

  /** A pool of {@link #WORKERS} workers of {@code context}. */
  static Pool pool(Context context) {
    return context.poolBuilder().processes(WORKERS).build();
  }

  /** {@code method=n}, for {@link Bench#python}. */
  static Map<String, Integer> one(String method, int n) {
    var runs = new LinkedHashMap<String, Integer>();
    runs.put(method, n);
    return runs;
  }
}
