package org.multiprocessing4j.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ValueIncrement} as a side-by-side workload: {@code Value('i')} += 1 under its lock from 2
 * processes, ops/s, against {@code bench/python/value_increment.py} (CPython's default start method,
 * fork; the Java children use the default context). Starting the children is not timed.
 */
public final class ValueIncrementWorkload implements Workload {
  private static final int ROUNDS = 3;
  private static final int JAVA_OPS = 500_000;
  private static final int PY_OPS = 100_000;

  @Override
  public String name() {
    return "value-increment";
  }

  @Override
  public String description() {
    return "Value('i') += 1 under its lock from 2 processes, ops/s";
  }

  @Override
  public Result run(Bench bench) throws Exception {
    int rounds = bench.runs(ROUNDS);
    Map<String, Samples> py = bench.python("value_increment", Unit.PER_SECOND, Map.of(),
        "--rounds=" + rounds, "--ops=" + PY_OPS);
    var cpython = new LinkedHashMap<String, Samples>();
    if (py.containsKey("value-increment-ops-per-s")) {
      cpython.put("fork", py.get("value-increment-ops-per-s"));
    }
    ValueIncrement.measure(JAVA_OPS / 10);  // warm-up round, not counted
    long[] samples = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      samples[r] = Math.round(ValueIncrement.measure(JAVA_OPS));
    }
    var row = new Row(name(), "default context", new Samples(Unit.PER_SECOND, samples), cpython, "fork",
        new Target.AtLeastTimes("fork", 5));
    return new Result(List.of(row), List.of(), List.of(
        "value-increment: " + rounds + " rounds of 2 x " + JAVA_OPS + " (Java) / 2 x " + PY_OPS
            + " (CPython) increments; the children start before the timing (barrier)."));
  }
}
