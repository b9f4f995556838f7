package org.multiprocessing4j.bench.workloads;

import java.time.Duration;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.bench.ProcFs;

/** Helpers the workloads share for running Java processes. */
final class JavaRuns {
  /** How long a child that should end by itself may take before the workload fails. */
  static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

  private JavaRuns() {}

  /** Items per second, rounded: the sample of a throughput figure. */
  static long perSecond(long items, long nanos) {
    return Math.round(items * 1e9 / Math.max(1, nanos));
  }

  /** Starts {@code p}, with a clear error if that fails. */
  static Process started(Process p) {
    p.start();
    return p;
  }

  /**
   * Joins {@code p} (which should end by itself) and checks that it succeeded; kills it if it
   * does not end within {@link #CHILD_TIMEOUT}.
   */
  static void joinSuccessful(Process p) {
    if (!p.join(CHILD_TIMEOUT)) {
      p.kill();
      p.join();
      throw new IllegalStateException(p + " did not end within " + CHILD_TIMEOUT.toSeconds() + " s; killed it");
    }
    if (p.exitCode() != 0) {
      throw new IllegalStateException(p + " failed (its stderr is above)");
    }
  }

  /**
   * Waits until the OS process of a joined child is gone (or a zombie) and returns
   * {@link System#nanoTime()} when that was seen.
   */
  static long awaitOsExit(Process p) {
    long gone = ProcFs.awaitExit(p.pid(), CHILD_TIMEOUT);
    if (gone < 0) {
      p.kill();
      throw new IllegalStateException(p + " reported its exit code but its OS process still runs after "
          + CHILD_TIMEOUT.toSeconds() + " s; killed it");
    }
    return gone;
  }

  /** Ends {@code p} if it is still running: terminate, then kill when it ignores that. */
  static void end(Process p) {
    if (p.pid() == null || p.exitCode() != null) {
      return;
    }
    p.terminate();
    if (!p.join(Duration.ofSeconds(10))) {
      p.kill();
      p.join();
    }
  }

  /** One step of a warm-up. */
  interface Step {
    void run() throws Exception;
  }

  /** How long the request/response workloads warm up at least: until the child's JIT has settled. */
  static final Duration WARMUP_TIME = Duration.ofSeconds(3);

  /**
   * Runs {@code step} at least {@code minRuns} times and for at least {@code minTime}: the JIT
   * compilers of both JVMs need CPU time, which a busy 2-core machine hands out slowly, before the
   * steady state is reached (CPython, which has no JIT, is warmed up by a count only).
   */
  static void warmUp(int minRuns, Duration minTime, Step step) throws Exception {
    long until = System.nanoTime() + minTime.toNanos();
    for (int i = 0; i < minRuns || System.nanoTime() < until; i++) {
      step.run();
    }
  }
}
