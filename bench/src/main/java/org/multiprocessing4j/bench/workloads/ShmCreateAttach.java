package org.multiprocessing4j.bench.workloads;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multiprocessing4j.bench.Bench;
import org.multiprocessing4j.bench.Result;
import org.multiprocessing4j.bench.Row;
import org.multiprocessing4j.bench.Samples;
import org.multiprocessing4j.bench.Target;
import org.multiprocessing4j.bench.Unit;
import org.multiprocessing4j.bench.Workload;
import org.multiprocessing4j.sharedmemory.SharedMemory;

/**
 * {@code SharedMemory.create(1 MiB)} + {@code attach(name)} + {@code close()} of both +
 * {@code unlink()}, in one process, per cycle. CPython's figure is the same sequence with
 * {@code multiprocessing.shared_memory} (no child: the column says {@code fork} as the default
 * method of the CPython process).
 */
public final class ShmCreateAttach implements Workload {
  private static final int RUNS = 300;
  private static final int WARMUP = 20;
  private static final int SIZE = 1 << 20;

  @Override
  public String name() {
    return "shm-create-attach";
  }

  @Override
  public String description() {
    return "SharedMemory 1 MiB create + attach + close both + unlink";
  }

  @Override
  public Result run(Bench bench) throws Exception {
    int runs = bench.runs(RUNS);
    var pyRuns = new LinkedHashMap<String, Integer>();
    pyRuns.put("fork", runs);
    Map<String, Samples> cpython = bench.python(name(), Unit.NANOS, pyRuns, "--size=" + SIZE);
    long[] samples = new long[runs];
    for (int i = -WARMUP; i < runs; i++) {
      long t0 = System.nanoTime();
      SharedMemory created = SharedMemory.create(SIZE);
      try {
        SharedMemory attached = SharedMemory.attach(created.name());
        attached.close();
      } finally {
        created.close();
        created.unlink();
      }
      long t1 = System.nanoTime();
      if (i >= 0) {
        samples[i] = t1 - t0;
      }
    }
    var row = new Row(name(), "in-process", new Samples(Unit.NANOS, samples), cpython, "fork",
        new Target.RelativeTo("fork", 1.0));
    return new Result(List.of(row), List.of(), List.of(
        "shm-create-attach: one process on both sides (the CPython column is labelled fork, its default);"
            + " the segment is 1 MiB and never touched; " + runs + " cycles after " + WARMUP + " not counted."));
  }
}
