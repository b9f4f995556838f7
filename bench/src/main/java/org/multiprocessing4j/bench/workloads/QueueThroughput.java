package org.multiprocessing4j.bench.workloads;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multiprocessing4j.Barrier;
import org.multiprocessing4j.Context;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.bench.Bench;
import org.multiprocessing4j.bench.Result;
import org.multiprocessing4j.bench.Row;
import org.multiprocessing4j.bench.Samples;
import org.multiprocessing4j.bench.Target;
import org.multiprocessing4j.bench.Unit;
import org.multiprocessing4j.bench.Workload;
import org.multiprocessing4j.internal.spawn.SparePool;

/**
 * Small items (ints) through a {@link Queue} from 1 and from 2 producer children ({@code warm};
 * CPython {@code fork}) to the parent. A sample is one round: the producers wait on a barrier with
 * the parent, then each puts its items and a -1; the round ends when the parent has got every
 * item. Items per second, from the barrier to the last get.
 */
public final class QueueThroughput implements Workload {
  private static final int ROUNDS = 4;
  private static final int JAVA_ITEMS = 2_000_000;
  private static final int PY_ITEMS = 50_000;

  @Override
  public String name() {
    return "queue-throughput";
  }

  @Override
  public String description() {
    return "ints through a Queue, 1 and 2 producer processes -> 1 consumer, items/s";
  }

  @Override
  public Result run(Bench bench) throws Exception {
    int rounds = bench.runs(ROUNDS);
    var pyRuns = new LinkedHashMap<String, Integer>();
    pyRuns.put("fork", rounds);
    Map<String, Samples> py1 = new LinkedHashMap<>();
    Map<String, Samples> py2 = new LinkedHashMap<>();
    Map<String, Samples> py = bench.python(name(), Unit.PER_SECOND, pyRuns, "--items=" + PY_ITEMS);
    if (py.containsKey("fork-1")) {
      py1.put("fork", py.get("fork-1"));
      py2.put("fork", py.get("fork-2"));
    }
    bench.useWarmSpares(SparePool.DEFAULT_SPARES);
    Samples one;
    Samples two;
    try {
      Context warm = Multiprocessing.getContext("warm");
      one = measure(warm, 1, rounds);
      two = measure(warm, 2, rounds);
    } finally {
      bench.stopWarmSpares();
    }
    var rows = List.of(
        new Row(name(), "warm, 1 producer", one, py1, "fork", new Target.AtLeastTimes("fork", 20)),
        new Row(name(), "warm, 2 producers", two, py2, "fork", new Target.AtLeastTimes("fork", 20)));
    return new Result(rows, List.of(), List.of(
        "queue-throughput: Java producers started with the warm context, CPython's with fork; " + JAVA_ITEMS
            + " (Java) / " + PY_ITEMS + " (CPython) items per round in all, split among the producers;"
            + " the rate over each round's second half (steady state) on both sides; one round not counted first."));
  }

  private static Samples measure(Context ctx, int producers, int rounds) {
    long[] samples = new long[rounds];
    int perProducer = JAVA_ITEMS / producers;
    for (int r = -1; r < rounds; r++) {
      Queue<Integer> queue = ctx.queue();
      Barrier start = ctx.barrier(producers + 1);
      var procs = new ArrayList<Process>();
      try {
        for (int p = 0; p < producers; p++) {
          Process proc = ctx.process(Targets.produceInts(queue, start, perProducer));
          procs.add(proc);
          proc.start();
        }
        start.await();
        // steady state: the rate over the second half of the round (the first half warms up
        // the young producer JVMs' JIT, which CPython has no counterpart of)
        long half = (long) perProducer * producers / 2;
        long t0 = 0;
        long got = 0;
        int ended = 0;
        while (ended < producers) {
          if (queue.get() < 0) {
            ended++;
          } else if (++got == half) {
            t0 = System.nanoTime();
          }
        }
        long t1 = System.nanoTime();
        if (got != (long) perProducer * producers) {
          throw new IllegalStateException("got " + got + " items");
        }
        for (Process proc : procs) {
          JavaRuns.joinSuccessful(proc);
        }
        if (r >= 0) {
          samples[r] = JavaRuns.perSecond(got - half, t1 - t0);
        }
      } finally {
        procs.forEach(JavaRuns::end);
        queue.close();
        start.close();
      }
    }
    return new Samples(Unit.PER_SECOND, samples);
  }
}
