package org.multiprocessing4j.bench.workloads;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multiprocessing4j.Context;
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
 * 1 KiB {@code sendBytes} one way over a simplex pipe to a child ({@code warm}; CPython
 * {@code fork}) that counts them. A sample is one round of messages: from the first send until the
 * child has acknowledged the count (on a second pipe), in messages per second.
 */
public final class PipeSendBytes implements Workload {
  private static final int ROUNDS = 5;
  private static final int JAVA_MESSAGES = 100_000;
  private static final int PY_MESSAGES = 25_000;
  private static final int SIZE = 1024;

  @Override
  public String name() {
    return "pipe-sendbytes";
  }

  @Override
  public String description() {
    return "1 KiB sendBytes one way to a child that counts them, messages/s";
  }

  @Override
  public Result run(Bench bench) throws Exception {
    int rounds = bench.runs(ROUNDS);
    var pyRuns = new LinkedHashMap<String, Integer>();
    pyRuns.put("fork", rounds);
    Map<String, Samples> cpython = bench.python(name(), Unit.PER_SECOND, pyRuns,
        "--messages=" + PY_MESSAGES, "--size=" + SIZE);

    long[] samples = new long[rounds];
    bench.useWarmSpares(SparePool.DEFAULT_SPARES);
    Context warm = Multiprocessing.getContext("warm");
    Pipe data = warm.pipe(false);
    Pipe acks = warm.pipe(false);
    Process child = warm.process(Targets.countBytes(data.conn1(), acks.conn2()));
    try {
      child.start();
      byte[] msg = new byte[SIZE];
      JavaRuns.warmUp(1, JavaRuns.WARMUP_TIME, () -> {
        for (int i = 0; i < JAVA_MESSAGES; i++) {
          data.conn2().sendBytes(msg);
        }
        data.conn2().sendBytes(new byte[0]);
        acks.conn1().recv();
      });
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < JAVA_MESSAGES; i++) {
          data.conn2().sendBytes(msg);
        }
        data.conn2().sendBytes(new byte[0]);
        long count = (Long) acks.conn1().recv();
        long t1 = System.nanoTime();
        if (count != JAVA_MESSAGES) {
          throw new IllegalStateException("the child counted " + count + " messages, not " + JAVA_MESSAGES);
        }
        samples[r] = JavaRuns.perSecond(JAVA_MESSAGES, t1 - t0);
      }
      data.conn2().sendBytes(new byte[1]);
      JavaRuns.joinSuccessful(child);
    } finally {
      JavaRuns.end(child);
      for (Pipe p : List.of(data, acks)) {
        p.conn1().close();
        p.conn2().close();
      }
      bench.stopWarmSpares();
    }
    var row = new Row(name(), "warm", new Samples(Unit.PER_SECOND, samples), cpython, "fork",
        new Target.AtLeastTimes("fork", 10));
    return new Result(List.of(row), List.of(), List.of(
        "pipe-sendbytes: Java child started with the warm context, CPython child with fork; " + rounds
            + " rounds of " + JAVA_MESSAGES + " (Java) / " + PY_MESSAGES + " (CPython) messages of " + SIZE
            + " B, after one round not counted (Java: after at least " + JavaRuns.WARMUP_TIME.toSeconds()
            + " s of rounds); a round ends when the child has counted them all."));
  }
}
