package org.multiprocessing4j.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Pipe;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.connection.Connection;
import org.multiprocessing4j.pool.AsyncResult;
import org.multiprocessing4j.pool.Pool;
import org.multiprocessing4j.pool.WorkerLostException;
import org.multiprocessing4j.sharedctypes.CType;
import org.multiprocessing4j.sharedctypes.Value;
import org.multiprocessing4j.sharedmemory.SharedMemory;

/**
 * {@code ./mp4j demo}: a tour of what the library does today — processes, queues, a pipe, a lock
 * and a shared value, shared memory, a pool — printing each step. Every process it starts is
 * ended, and every shared object closed, before it returns (the daemon is ended at exit).
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

    step("Queues between processes: 2 producers, 1 consumer (the parent)");
    try (Queue<String> q = Multiprocessing.queue()) {
      var producers = new ArrayList<Process>();
      for (int i = 1; i <= 2; i++) {
        int id = i;
        producers.add(warm.process(() -> {
          for (int n = 1; n <= 3; n++) {
            q.put("item " + n + " from producer " + id + " (pid " + ProcessHandle.current().pid() + ")");
          }
        }));
      }
      producers.forEach(Process::start);
      for (int i = 0; i < 6; i++) {
        System.out.println("   got " + q.get());
      }
      producers.forEach(Process::join);
    }

    step("A pipe: ping-pong with a child");
    Pipe pipe = Multiprocessing.pipe();
    Connection childEnd = pipe.conn2();
    var ponger = warm.process(() -> {
      for (Object m = childEnd.recv(); !"bye".equals(m); m = childEnd.recv()) {
        childEnd.send(m + " -> pong");
      }
    });
    ponger.start();
    long[] trips = new long[1000];
    for (int i = 0; i < trips.length; i++) {
      long start = System.nanoTime();
      pipe.conn1().send("ping");
      pipe.conn1().recv();
      trips[i] = System.nanoTime() - start;
    }
    long total = java.util.Arrays.stream(trips).sum();
    java.util.Arrays.sort(trips);
    System.out.printf("   1000 round trips in %.1f ms: median %.1f us (the first one waits for the child to start;"
        + " both JVMs are young, see bench/README.md for the steady state)%n", total / 1e6, trips[trips.length / 2] / 1e3);
    pipe.conn1().send("bye");
    ponger.join();
    pipe.conn1().close();
    pipe.conn2().close();

    step("A lock and a shared value: 2 processes add 10000 each under the value's lock");
    try (Value<Integer> counter = Multiprocessing.value(CType.C_INT, 0)) {
      var adders = new ArrayList<Process>();
      for (int i = 0; i < 2; i++) {
        adders.add(warm.process(() -> {
          for (int n = 0; n < 10_000; n++) {
            try (var held = counter.getLock().hold()) {
              counter.set(counter.get() + 1);
            }
          }
        }));
      }
      adders.forEach(Process::start);
      adders.forEach(Process::join);
      System.out.println("   counter = " + counter.get() + " (nothing lost: the lock excludes across JVMs)");
    }

    step("Named shared memory a child writes and the parent reads (CPython can attach it too)");
    SharedMemory shm = SharedMemory.create(64);
    try {
      String name = shm.name();
      var writer = warm.process(() -> {
        try (SharedMemory mine = SharedMemory.attach(name)) {
          mine.buf().put("written by a child".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
      });
      writer.start();
      writer.join();
      byte[] text = new byte[18];
      shm.buf().get(0, text);
      System.out.println("   " + name + ": \"" + new String(text, java.nio.charset.StandardCharsets.UTF_8) + "\"");
    } finally {
      shm.close();
      shm.unlink();
    }

    step("A pool of 2 worker processes: map, imap, and a worker that dies");
    try (Pool pool = warm.pool(2)) {
      System.out.println("   map(x -> x * x, 0..9) = " + pool.map(x -> x * x, List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)));
      var it = pool.imap((Integer x) -> x + 100, List.of(1, 2, 3));
      System.out.println("   imap: " + it.next() + ", " + it.next() + ", " + it.next());
      AsyncResult<Object> dying = pool.applyAsync(() -> {
        Runtime.getRuntime().halt(9);
        return null;
      });
      try {
        dying.get();
      } catch (WorkerLostException e) {
        System.out.println("   a worker died mid-task: " + e.getMessage());
      }
      System.out.println("   and the pool goes on: apply(() -> 6 * 7) = " + pool.apply(() -> 6 * 7));
    }

    step("Not yet here: managers (shared dicts and lists over TCP)");
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
