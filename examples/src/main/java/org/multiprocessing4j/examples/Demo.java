package org.multiprocessing4j.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;

/**
 * {@code ./mp4j demo}: a tour of what the library does today, printing each step. Every process
 * it starts is ended before it returns.
 */
public final class Demo {
  private Demo() {}

  private static void step(String title) {
    System.out.println();
    System.out.println("== " + title);
  }

  static void greet(String who) {
    var me = Multiprocessing.currentProcess();
    System.out.println("   [" + me.getName() + " pid " + me.pid() + ", parent pid "
        + Multiprocessing.parentProcess().pid() + "] hello " + who);
  }

  /** Runs the tour. */
  public static void main(String[] args) throws Exception {
    System.out.println("multiprocessing4j demo: main process " + Multiprocessing.currentProcess()
        + ", " + Multiprocessing.cpuCount() + " CPUs, start methods " + Multiprocessing.getAllStartMethods());

    step("Processes are child JVMs (start method 'spawn')");
    var p = new Process(() -> greet("from a fresh JVM"));
    long t0 = System.nanoTime();
    p.start();
    System.out.println("   started " + p);
    p.join();
    System.out.printf("   joined  %s after %.0f ms%n", p, (System.nanoTime() - t0) / 1e6);

    step("Warm start: a pre-booted spare JVM takes the process");
    var warm = Multiprocessing.getContext("warm");
    var first = warm.process(() -> { });
    first.start(); // the first warm start waits for the first spare to boot
    first.join();
    for (int i = 0; i < 3; i++) {
      var w = warm.process(() -> greet("from a warm spare"));
      t0 = System.nanoTime();
      w.start();
      w.join();
      System.out.printf("   %s: start+join %.1f ms%n", w.getName(), (System.nanoTime() - t0) / 1e6);
    }

    step("Exit codes as in Python: 0, 1 after an exception, n after System.exit(n), -N after signal N");
    var ok = new Process(() -> { });
    var failing = new Process(() -> {
      throw new IllegalStateException("this exception is printed by the child, as Python prints a traceback");
    });
    var exiting = new Process(() -> System.exit(3));
    var sleeper = new Process(() -> sleepLong(), "Sleeper");
    var victim = new Process(() -> sleepLong(), "Victim");
    List<Process> all = List.of(ok, failing, exiting, sleeper, victim);
    all.forEach(Process::start);
    sleeper.terminate();
    victim.kill();
    all.forEach(Process::join);
    all.forEach(x -> System.out.println("   " + x));

    step("Daemon processes are terminated when their parent exits; every child dies with its parent");
    var daemon = new Process(() -> sleepLong(), "Daemon");
    daemon.setDaemon(true);
    daemon.start();
    System.out.println("   " + daemon + " (ended by the exit hook when this demo returns)");
    System.out.println("   active children: " + names(Multiprocessing.activeChildren()));

    step("A child's child is named Process-N:1");
    var parent = new Process(() -> {
      var grandchild = new Process(() -> greet("from a grandchild"));
      grandchild.start();
      grandchild.join();
    });
    parent.start();
    parent.join();

    step("The 'thread' start method: the same API on threads (Python's multiprocessing.dummy)");
    var t = Multiprocessing.getContext("thread").process(() -> System.out.println(
        "   running in " + Multiprocessing.currentProcess() + " on thread " + Thread.currentThread().getName()));
    t.start();
    t.join(Duration.ofSeconds(10));
    System.out.println("   " + t);

    step("Coming in the next releases: queues and pipes, locks and shared memory, pools, managers");
  }

  private static List<String> names(List<Process> ps) {
    var names = new ArrayList<String>();
    ps.forEach(x -> names.add(x.getName()));
    return names;
  }

  /** Sleeps until ended by a signal. */
  static void sleepLong() {
    try {
      Thread.sleep(Duration.ofDays(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
