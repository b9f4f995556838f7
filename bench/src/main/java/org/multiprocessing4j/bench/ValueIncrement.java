package org.multiprocessing4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.multiprocessing4j.Barrier;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.sharedctypes.CType;
import org.multiprocessing4j.sharedctypes.Value;

/**
 * {@code Value} += 1 under its lock from 2 processes: the Java side of issue 3's figure
 * "{@code Value} += 1 under its lock from 2 processes ≥ 5x CPython's ops/s". The CPython side is
 * {@code bench/python/value_increment.py}; both run the same protocol.
 *
 * <p>Each round makes a {@code Value<Integer>} ({@code Value('i', 0)}: a new RLock in the value's
 * segment) and starts two child JVMs. Each child warms up with a tenth of its increments, waits on
 * a barrier, then does {@code ops} times
 *
 * <pre>{@code
 * try (var held = v.getLock().hold()) {      // with v.get_lock():
 *   v.set(v.get() + 1);                      //     v.value += 1
 * }
 * }</pre>
 *
 * and reports its start and end ({@link System#nanoTime()}, CLOCK_MONOTONIC, one clock for every
 * process on Linux). The figure is {@code 2 * ops} over the time from the first start to the last
 * end. The final count is checked: a lost update fails the run.
 *
 * <pre>
 *   ./mp4j build
 *   java -cp "$(cat bench/target/classpath.txt):bench/target/multiprocessing4j-bench-0.1.0-SNAPSHOT.jar" \
 *       org.multiprocessing4j.bench.ValueIncrement [--rounds=5] [--ops=2000000]
 *   python3 bench/python/value_increment.py [--rounds=5] [--ops=200000]
 * </pre>
 *
 * Prints {@code series value-increment-ops-per-s v1 v2 ...} (one value per round) and a summary on
 * stderr.
 */
public final class ValueIncrement {
  private static final int PROCESSES = 2;
  private static final int WARM_UP_DIVISOR = 10;
  private static final double NANOS_PER_SECOND = 1e9;

  private ValueIncrement() {}

  /** Runs the rounds and prints the series. */
  public static void main(String[] args) {
    Map<String, String> options = Arrays.stream(args).filter(a -> a.startsWith("--")).map(a -> a.substring(2).split("=", 2))
        .collect(Collectors.toMap(kv -> kv[0], kv -> kv.length > 1 ? kv[1] : ""));
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
    int ops = Integer.parseInt(options.getOrDefault("ops", "2000000"));
    List<Double> samples = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      samples.add(measure(ops));
    }
    System.out.println("series value-increment-ops-per-s "
        + samples.stream().map(s -> Long.toString(Math.round(s))).collect(Collectors.joining(" ")));
    List<Double> sorted = samples.stream().sorted().toList();
    System.err.printf(Locale.ROOT, "multiprocessing4j Java %s Value<Integer> += 1 under getLock(), %d processes: median"
            + " %,.0f ops/s, max %,.0f ops/s over %d x %d x %d%n", Runtime.version().feature(), PROCESSES,
        sorted.get(sorted.size() / 2), sorted.getLast(), rounds, PROCESSES, ops);
  }

  /** Increments per second of two processes sharing one value. */
  static double measure(int ops) {
    try (Value<Integer> value = Multiprocessing.value(CType.C_INT, 0); Barrier barrier = Multiprocessing.barrier(PROCESSES);
         Queue<long[]> times = Multiprocessing.queue()) {
      List<Process> procs = new ArrayList<>();
      for (int i = 0; i < PROCESSES; i++) {
        Process p = new Process(() -> worker(value, barrier, ops, times));
        p.start();
        procs.add(p);
      }
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (int i = 0; i < PROCESSES; i++) {
        long[] span = times.get();
        first = Math.min(first, span[0]);
        last = Math.max(last, span[1]);
      }
      for (Process p : procs) {
        p.join();
        if (p.exitCode() != 0) {
          throw new IllegalStateException(p + " failed with exit code " + p.exitCode());
        }
      }
      long expected = (long) PROCESSES * (ops + ops / WARM_UP_DIVISOR);
      if (value.get() != expected) {
        throw new IllegalStateException("lost updates: " + value.get() + " != " + expected);
      }
      return PROCESSES * (double) ops / ((last - first) / NANOS_PER_SECOND);
    }
  }

  private static void worker(Value<Integer> value, Barrier barrier, int ops, Queue<long[]> times) {
    for (int i = 0; i < ops / WARM_UP_DIVISOR; i++) {
      increment(value);
    }
    barrier.await();
    long t0 = System.nanoTime();
    for (int i = 0; i < ops; i++) {
      increment(value);
    }
    times.put(new long[] {t0, System.nanoTime()});
  }

  private static void increment(Value<Integer> value) {
    try (var held = value.getLock().hold()) {
      value.set(value.get() + 1);
    }
  }
}
