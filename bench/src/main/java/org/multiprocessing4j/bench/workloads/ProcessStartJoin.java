package org.multiprocessing4j.bench.workloads;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multiprocessing4j.Context;
import org.multiprocessing4j.Multiprocessing;
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
 * Wall time of {@code start()} + {@code join()} of a process whose target does nothing: Java
 * {@code spawn} (a cold JVM) against CPython {@code spawn}, Java {@code warm} (a ready spare)
 * against CPython {@code fork}, with {@code forkserver} shown too.
 *
 * <p>Between runs the bench waits until the previous child's OS process is gone, and for warm
 * until every spare is ready and quiet ({@link Bench#awaitWarmSpares()}), so each start finds a
 * ready spare on an otherwise idle machine.
 *
 * <p>A third row is the floor of the {@code spawn} row ({@link EmptyJvm}): a bare JVM started as
 * the library starts a child, from its start to its main's first line. Its runs alternate with the
 * {@code spawn} runs, so both see the same machine.
 */
public final class ProcessStartJoin implements Workload {
  private static final int SPAWN_RUNS = 30;
  private static final int WARM_RUNS = 50;
  /** CPython fork and forkserver runs cost a few ms each, so they get more runs than Java warm (whose spares take ~0.4 s to boot). */
  private static final int FORK_RUNS = 100;
  /** Runs not counted: the first starts load the parent's side of the path and, for warm, send the first hint. */
  private static final int WARMUP_RUNS = 2;

  @Override
  public String name() {
    return "process-start-join";
  }

  @Override
  public String description() {
    return "start() + join() of a process with an empty target";
  }

  @Override
  public Result run(Bench bench) throws Exception {
    int spawnRuns = bench.runs(SPAWN_RUNS);
    int warmRuns = bench.runs(WARM_RUNS);
    var runs = new LinkedHashMap<String, Integer>();
    runs.put("fork", bench.runs(FORK_RUNS));
    runs.put("spawn", spawnRuns);
    runs.put("forkserver", bench.runs(FORK_RUNS));
    Map<String, Samples> cpython = bench.python(name(), Unit.NANOS, runs);

    EmptyJvm empty = EmptyJvm.prepare(bench.newTempDir("empty-jvm"));
    long[] toMain = new long[spawnRuns];
    Timings spawn = measure(bench, Multiprocessing.getContext("spawn"), spawnRuns, false, empty, toMain);
    Timings warm;
    bench.useWarmSpares(SparePool.DEFAULT_SPARES);
    try {
      warm = measure(bench, Multiprocessing.getContext("warm"), warmRuns, true, null, null);
    } finally {
      bench.stopWarmSpares();
    }

    var rows = List.of(
        new Row(name(), "spawn", spawn.startJoin(), cpython, "spawn", new Target.RelativeTo("spawn", 0.6)),
        new Row(name(), "warm", warm.startJoin(), cpython, "fork", new Target.RelativeTo("fork", 1.0)),
        new Row(name(), "empty JVM", new Samples(Unit.NANOS, toMain), cpython, "spawn", new Target.None()));
    var notes = new ArrayList<String>();
    notes.add("process-start-join: Java join() returns on the DONE message the child sends just before it exits;"
        + " CPython's join() waits for the OS exit (waitpid). The Java child's OS process was gone a median "
        + Unit.NANOS.format(spawn.exitLag().median()) + " ms (spawn) / " + Unit.NANOS.format(warm.exitLag().median())
        + " ms (warm) after join() returned.");
    notes.add("process-start-join: empty JVM = the spawn row's floor: `java` with the children's default options and an"
        + " AOT cache of its own, from its start to the first line of a main that only reads the clock (runs alternating"
        + " with the spawn runs). A spawned child must get that far before it runs anything"
        + EmptyJvm.sixTenthsOf(cpython.get("spawn")) + ".");
    notes.add("process-start-join: warm runs start only when every spare (" + SparePool.DEFAULT_SPARES
        + ") is blocked reading its stdin and has used no CPU for 30 ms.");
    return new Result(rows, List.of(), notes);
  }

  private record Timings(Samples startJoin, Samples exitLag) {}

  /**
   * Starts and joins {@code runs} processes (after {@link #WARMUP_RUNS} not counted); with
   * {@code empty}, runs the empty JVM after each and puts its start-to-main time into {@code toMain}.
   */
  private static Timings measure(Bench bench, Context context, int runs, boolean warm, EmptyJvm empty, long[] toMain)
      throws InterruptedException, java.io.IOException {
    long[] startJoin = new long[runs];
    long[] exitLag = new long[runs];
    for (int i = -WARMUP_RUNS; i < runs; i++) {
      if (warm) {
        bench.awaitWarmSpares();
      }
      Process p = context.process(Targets.empty());
      try {
        long t0 = System.nanoTime();
        p.start();
        p.join(JavaRuns.CHILD_TIMEOUT);
        long joined = System.nanoTime();
        JavaRuns.joinSuccessful(p);
        long gone = JavaRuns.awaitOsExit(p);
        if (i >= 0) {
          startJoin[i] = joined - t0;
          exitLag[i] = Math.max(0, gone - joined);
        }
      } finally {
        JavaRuns.end(p);
      }
      if (empty != null) {
        empty.runAfter(i, toMain);
      }
    }
    return new Timings(new Samples(Unit.NANOS, startJoin), new Samples(Unit.NANOS, exitLag));
  }
}
