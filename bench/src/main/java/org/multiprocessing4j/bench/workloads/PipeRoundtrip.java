package org.multiprocessing4j.bench.workloads;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Pipe;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.bench.Bench;
import org.multiprocessing4j.bench.Result;
import org.multiprocessing4j.bench.Row;
import org.multiprocessing4j.bench.Samples;
import org.multiprocessing4j.bench.Target;
import org.multiprocessing4j.bench.Unit;
import org.multiprocessing4j.bench.Workload;
import org.multiprocessing4j.internal.spawn.SparePool;

/**
 * Round trip of a small object ({@code [1, 2, 3]}) over a duplex pipe: the parent sends it, a
 * child ({@code warm}; CPython {@code fork}) sends it back. Each sample is one round trip.
 */
public final class PipeRoundtrip implements Workload {
  private static final int RUNS = 3_000;
  private static final int WARMUP = 2_000;

  @Override
  public String name() {
    return "pipe-roundtrip";
  }

  @Override
  public String description() {
    return "send(obj) to a child that sends it back, recv(): a 3-int list, per round trip";
  }

  @Override
  public Result run(Bench bench) throws Exception {
    int runs = bench.runs(RUNS);
    var pyRuns = new LinkedHashMap<String, Integer>();
    pyRuns.put("fork", runs);
    Map<String, Samples> cpython = bench.python(name(), Unit.MICROS, pyRuns, "--warmup=" + WARMUP);

    long[] samples = new long[runs];
    bench.useWarmSpares(SparePool.DEFAULT_SPARES);
    Pipe pipe = Multiprocessing.getContext("warm").pipe();
    Process child = Multiprocessing.getContext("warm").process(Targets.echoObjects(pipe.conn2()));
    try {
      child.start();
      List<Integer> obj = List.of(1, 2, 3);
      JavaRuns.warmUp(WARMUP, JavaRuns.WARMUP_TIME, () -> {
        pipe.conn1().send(obj);
        pipe.conn1().recv();
      });
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        pipe.conn1().send(obj);
        Object back = pipe.conn1().recv();
        long t1 = System.nanoTime();
        if (!obj.equals(back)) {
          throw new IllegalStateException("echo sent back " + back);
        }
        samples[i] = t1 - t0;
      }
      pipe.conn1().send(null);
      JavaRuns.joinSuccessful(child);
    } finally {
      JavaRuns.end(child);
      pipe.conn1().close();
      pipe.conn2().close();
      bench.stopWarmSpares();
    }
    var row = new Row(name(), "warm", new Samples(Unit.MICROS, samples), cpython, "fork",
        new Target.RelativeTo("fork", 0.1));
    return new Result(List.of(row), List.of(), List.of(
        "pipe-roundtrip: Java child started with the warm context, CPython child with fork; " + runs
            + " round trips each after at least " + WARMUP
            + " not counted (Java: and at least " + JavaRuns.WARMUP_TIME.toSeconds() + " s of them)."));
  }
}
