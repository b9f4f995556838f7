package org.multiprocessing4j.bench.workloads;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

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
 *
 * <p>The Java side maps a block on the first {@code segment()} or {@code buf()}, which the
 * target row never calls, so it measures no {@code mmap}/{@code munmap} (CPython maps in the
 * constructor). A second row, without a target, also uses the memory on both sides (a byte
 * written through the created object and read through the attached one), so the cost of the
 * mapping, and of closing its shared arena, is in the table too.
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
    Map<String, Samples> cpythonUsed = bench.python(name(), Unit.NANOS, pyRuns, "--size=" + SIZE, "--touch=1");
    long[] samples = cycles(runs, false);
    long[] used = cycles(runs, true);
    var row = new Row(name(), "in-process", new Samples(Unit.NANOS, samples), cpython, "fork",
        new Target.RelativeTo("fork", 1.0));
    var usedRow = new Row(name(), "in-process, memory used", new Samples(Unit.NANOS, used), cpythonUsed, "fork",
        new Target.None());
    return new Result(List.of(row, usedRow), List.of(), List.of(
        "shm-create-attach: one process on both sides (the CPython column is labelled fork, its default);"
            + " the segment is 1 MiB; " + runs + " cycles after " + WARMUP + " not counted. In the target row the"
            + " memory is never touched, and Java never maps it (it maps on first segment()/buf()); in the"
            + " 'memory used' row a byte is written through the created object and read through the attached one."));
  }

  /** {@code runs} timed cycles after {@link #WARMUP}; {@code useMemory} writes and reads one byte. */
  private static long[] cycles(int runs, boolean useMemory) {
    long[] samples = new long[runs];
    for (int i = -WARMUP; i < runs; i++) {
      long t0 = System.nanoTime();
      SharedMemory created = SharedMemory.create(SIZE);
      try {
        SharedMemory attached = SharedMemory.attach(created.name());
        try {
          if (useMemory) {
            created.segment().set(JAVA_BYTE, 0, (byte) i);
            if (attached.segment().get(JAVA_BYTE, 0) != (byte) i) {
              throw new AssertionError("the attached block does not show the byte written");
            }
          }
        } finally {
          attached.close();
        }
      } finally {
        created.close();
        created.unlink();
      }
      long t1 = System.nanoTime();
      if (i >= 0) {
        samples[i] = t1 - t0;
      }
    }
    return samples;
  }
}
