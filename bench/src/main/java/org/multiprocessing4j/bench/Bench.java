package org.multiprocessing4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.internal.spawn.SparePool;

/**
 * What workloads share: the CPython to compare with, temporary files, how many runs to make, and
 * the pool of warm spares, with a way to wait until every spare is ready.
 *
 * <p>Waiting for ready spares: the library has no public way to tell (SparePool's READY futures
 * are internal, and a spare still digests the hint it was sent after READY). So the bench watches
 * the spares from outside, through {@code /proc}: every spare the pool keeps is blocked reading
 * its stdin (where the launch frame arrives) and none of them has wanted the CPU for 30 ms. Then a
 * warm start finds a ready spare and no booting spare competes with it for the two cores.
 */
public final class Bench implements AutoCloseable {
  private static final Duration SPARE_READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration QUIET_ATTEMPT = Duration.ofSeconds(2);
  private static final Duration SPARE_EXIT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration PYTHON_TIMEOUT = Duration.ofMinutes(5);
  private static final int MIN_RUNS = 3;

  private final CPython cpython;
  private final Path scripts;
  private final double scale;
  private final Path tempDir;
  private int sparesNotReady;

  /**
   * @param cpython the interpreter to run the Python side with
   * @param scripts the directory of the workloads' Python scripts
   * @param scale multiplies every workload's number of runs (1 normally; less for a quick look)
   */
  public Bench(CPython cpython, Path scripts, double scale) throws IOException {
    this.cpython = cpython;
    this.scripts = scripts;
    this.scale = scale;
    this.tempDir = Files.createTempDirectory("mp4j-bench-");
  }

  /** The interpreter CPython figures come from. */
  public CPython cpython() {
    return cpython;
  }

  /** {@code n} scaled by the run-count scale, and at least {@value #MIN_RUNS}. */
  public int runs(int n) {
    return Math.max(MIN_RUNS, (int) Math.round(n * scale));
  }

  /** A fresh directory under the bench's temporary directory (deleted at {@link #close()}). */
  public Path newTempDir(String name) throws IOException {
    return Files.createTempDirectory(tempDir, name + "-");
  }

  /**
   * Runs {@code bench/python/<workload>.py} with one {@code method=N} argument per entry of
   * {@code runs} (in its iteration order) and returns its series; empty without a CPython.
   */
  public Map<String, Samples> python(String workload, Unit unit, Map<String, Integer> runs, String... extra)
      throws IOException, InterruptedException {
    var args = new ArrayList<String>();
    runs.forEach((method, n) -> args.add(method + "=" + n));
    args.addAll(List.of(extra));
    return cpython.run(scripts.resolve(workload + ".py"), unit, args, PYTHON_TIMEOUT);
  }

  /** Keeps {@code n} warm spares and starts booting them now. */
  public void useWarmSpares(int n) {
    Multiprocessing.setWarmSpares(n);
    SparePool.get().prestart();
  }

  /**
   * Waits until every spare of the pool is ready and quiet (see the class comment).
   *
   * @return false when they were not within a minute; the run goes on and {@link #sparesNotReady()} counts it
   */
  public boolean awaitWarmSpares() throws InterruptedException {
    var pool = SparePool.get();
    long deadline = System.nanoTime() + SPARE_READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      List<Long> pids = pool.idlePids();
      if (pids.size() >= pool.spares() && allWaitingForWork(pids)
          && ProcFs.awaitQuiet(pids, QUIET_ATTEMPT) && allWaitingForWork(pids)) {
        return true;
      }
      Thread.sleep(1);
    }
    sparesNotReady++;
    return false;
  }

  private static boolean allWaitingForWork(List<Long> pids) {
    return pids.stream().allMatch(pid -> ProcFs.alive(pid)
        && (!ProcFs.canSeeStdinReads() || ProcFs.blockedReadingStdin(pid)));
  }

  /** How many times {@link #awaitWarmSpares()} gave up waiting. */
  public int sparesNotReady() {
    return sparesNotReady;
  }

  /** Kills the idle spares and waits until they are gone. */
  public void stopWarmSpares() {
    var pool = SparePool.get();
    List<Long> pids = pool.idlePids();
    pool.shutdown();
    for (long pid : pids) {
      ProcFs.awaitExit(pid, SPARE_EXIT_TIMEOUT);
    }
  }

  /** Stops the spares and deletes the temporary files. */
  @Override
  public void close() throws IOException {
    stopWarmSpares();
    try (Stream<Path> files = Files.walk(tempDir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
