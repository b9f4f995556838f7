package org.multiprocessing4j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.internal.spawn.SparePool;

/**
 * {@code ./mp4j bench [--quick] [NAME...]}: runs the named workloads (all when none is named) in
 * Java and in CPython and prints one table of both, with the ratio and whether each target is
 * met; then where the time goes, and notes. See bench/README.md.
 *
 * <p>Before the workloads it starts one child JVM and waits for everything that start set off
 * (the first start after a build trains the child JVMs' AOT cache in the background), so no
 * workload measures next to a training run. At the end it checks that no process it started is
 * still running; the exit status is 1 when one was, or when a workload failed.
 */
public final class SideBySide {
  private static final String SCRIPTS_PROPERTY = "mp4j.bench.python";
  private static final double QUICK_SCALE = 0.2;
  private static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration LEFTOVER_TIMEOUT = Duration.ofSeconds(10);
  private static final String AOT_OPTION = "-XX:AOTCache=";

  private SideBySide() {}

  public static void main(String[] args) throws Exception {
    var names = new ArrayList<String>();
    double scale = 1;
    for (String a : args) {
      switch (a) {
        case "--quick" -> scale = QUICK_SCALE;
        case "--list" -> {
          Workloads.ALL.forEach(w -> System.out.printf("%-20s %s%n", w.name(), w.description()));
          return;
        }
        case "-h", "--help" -> {
          System.out.println("usage: ./mp4j bench [--quick] [--list] [NAME...]   (see bench/README.md)");
          return;
        }
        default -> {
          if (a.startsWith("-")) {
            System.err.println("mp4j bench: unknown option " + a + "; try --help");
            System.exit(2);
          }
          names.add(a);
        }
      }
    }
    List<Workload> workloads;
    try {
      workloads = Workloads.select(names);
    } catch (IllegalArgumentException e) {
      System.err.println("mp4j bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(workloads, scale, System.out));
  }

  private static int run(List<Workload> workloads, double scale, PrintStream out) throws Exception {
    long began = System.nanoTime();
    String date = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"));
    String loadBefore = ProcFs.loadAverage();
    var cpython = CPython.locate();
    Path scripts = Path.of(System.getProperty(SCRIPTS_PROPERTY, "bench/python"));
    var results = new ArrayList<Result>();
    var failures = new ArrayList<String>();
    String aot;
    int sparesNotReady;
    try (var bench = new Bench(cpython, scripts, scale)) {
      progress(began, "preparing child JVMs");
      aot = prepareChildJvms(bench);
      for (Workload w : workloads) {
        progress(began, "running " + w.name());
        try {
          results.add(w.run(bench));
        } catch (Exception | Error e) {
          failures.add(w.name() + ": " + e);
          e.printStackTrace();
        }
      }
      sparesNotReady = bench.sparesNotReady();
    }
    List<Long> leftovers = endLeftovers();
    progress(began, "done");

    out.println("# multiprocessing4j vs CPython, side by side (" + date + ")");
    out.println();
    out.println("- Java:    JDK " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
        + System.getProperty("java.vendor") + "); children " + aot);
    out.println("- CPython: " + cpython.describe());
    out.println("- Machine: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors()
        + " CPUs, load average " + loadBefore + " before, " + ProcFs.loadAverage() + " after");
    out.println("- Figures: median [p90]; ratio = Java median / CPython median; the bench took "
        + Duration.ofNanos(System.nanoTime() - began).toSeconds() + " s");
    out.println();
    if (!results.isEmpty()) {
      Table.printRows(out, results, cpython.version());
      for (Result r : results) {
        for (Breakdown b : r.breakdowns()) {
          Table.printBreakdown(out, b);
        }
      }
      out.println("Runs:");
      for (Result r : results) {
        out.println("- " + r.rows().getFirst().workload() + ": " + Table.runCounts(r));
      }
      out.println();
      out.println("Notes:");
      for (Result r : results) {
        r.notes().forEach(n -> out.println("- " + n));
      }
    }
    if (sparesNotReady > 0) {
      out.println("- " + sparesNotReady + " warm start(s) did not find every spare ready after a minute of waiting;"
          + " those runs were measured anyway");
    }
    failures.forEach(f -> out.println("FAILED " + f));
    if (!leftovers.isEmpty()) {
      out.println("LEFT BEHIND: processes " + leftovers + " were still running at the end; killed them");
    }
    return failures.isEmpty() && leftovers.isEmpty() ? 0 : 1;
  }

  /**
   * Starts one child JVM and waits for what it set off (the AOT cache training after a build);
   * then boots a spare to see whether children now get the AOT cache. Returns that as a phrase.
   */
  private static String prepareChildJvms(Bench bench) throws Exception {
    // a target of the workloads' class, not of this one: the training decodes the first start's
    // target, and a program's first start is one of its own
    Process p = Multiprocessing.getContext("spawn").process(org.multiprocessing4j.bench.workloads.Targets.empty());
    p.start();
    p.join();
    if (p.exitCode() != 0) {
      throw new IllegalStateException("a child JVM failed to run an empty target (its stderr is above)");
    }
    // join() returns on the child's DONE message; its OS exit follows later
    ProcFs.awaitExit(p.pid(), TRAINING_TIMEOUT);
    if (!liveDescendants().isEmpty()) {
      System.err.println("mp4j bench: waiting for the AOT cache of child JVMs to be built (first run after a build) ...");
      long deadline = System.nanoTime() + TRAINING_TIMEOUT.toNanos();
      while (!liveDescendants().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    }
    bench.useWarmSpares(SparePool.DEFAULT_SPARES);
    try {
      bench.awaitWarmSpares();
      for (long pid : SparePool.get().idlePids()) {
        String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
            StandardCharsets.UTF_8);
        for (String arg : cmdline.split("\0")) {
          if (arg.startsWith(AOT_OPTION)) {
            return "use the AOT cache " + arg.substring(AOT_OPTION.length());
          }
        }
      }
      return "run without an AOT cache";
    } catch (IOException e) {
      return "(AOT cache use unknown: " + e.getMessage() + ")";
    } finally {
      bench.stopWarmSpares();
    }
  }

  /** Waits briefly for any process this JVM started to end, then kills those left; returns their pids. */
  private static List<Long> endLeftovers() throws InterruptedException {
    long deadline = System.nanoTime() + LEFTOVER_TIMEOUT.toNanos();
    List<ProcessHandle> left = liveDescendants();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      left = liveDescendants();
    }
    left.forEach(ProcessHandle::destroyForcibly);
    return left.stream().map(ProcessHandle::pid).toList();
  }

  /** Processes this JVM started, directly or not, that still run (zombies waiting to be reaped do not count). */
  private static List<ProcessHandle> liveDescendants() {
    return ProcessHandle.current().descendants().filter(h -> ProcFs.alive(h.pid())).toList();
  }

  private static void progress(long began, String what) {
    System.err.printf("mp4j bench [%5.1f s] %s%n", (System.nanoTime() - began) / 1e9, what);
  }
}
