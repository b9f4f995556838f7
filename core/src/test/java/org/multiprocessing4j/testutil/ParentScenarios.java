package org.multiprocessing4j.testutil;

import java.util.logging.Level;
import java.util.stream.Collectors;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.internal.spawn.SparePool;

/**
 * Main class of the parent JVMs that tests start themselves ({@link ParentJvm}): each scenario
 * plays a main process whose children, stderr, death or exit the test observes from outside.
 * Results go to stdout as {@code key=value} lines.
 */
public final class ParentScenarios {
  private ParentScenarios() {}

  /** {@code args[0]} names the scenario; the rest are its arguments. */
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "crash" -> crash();
      case "environment" -> environment();
      case "logging" -> logging();
      case "no-logging" -> noLogging(args[1]);
      case "orphans" -> orphans();
      case "exit" -> exit(new Gate(args[1]), new Gate(args[2]), new ChildResult(args[3]));
      default -> throw new IllegalArgumentException("unknown scenario " + args[0]);
    }
  }

  /** A child whose target throws: its stderr (this JVM's) shows the name and the stack trace. */
  private static void crash() {
    var p = new Process(ParentScenarios::failInChild);
    p.start();
    p.join();
    System.out.println("name=" + p.getName());
    System.out.println("exitcode=" + p.exitCode());
  }

  private static void failInChild() {
    throw new IllegalStateException("boom from the child");
  }

  /** A child reports the system property and the assertion status it got from this JVM. */
  private static void environment() {
    var p = new Process(() -> {
      boolean assertionsEnabled = false;
      assert assertionsEnabled = true;
      System.out.println("child-property=" + System.getProperty("mp4j.test.marker"));
      System.out.println("child-assertions=" + assertionsEnabled);
    });
    p.start();
    p.join();
    System.out.println("exitcode=" + p.exitCode());
  }

  /** logToStderr(INFO) here; the child logs too, at the level it inherited. */
  private static void logging() {
    Multiprocessing.logToStderr(Level.INFO);
    var p = new Process(() -> {
      Multiprocessing.getLogger().fine("fine message hidden in the child");
      Multiprocessing.getLogger().info("info message from the child");
      System.out.println("child-level=" + Multiprocessing.getLogger().getLevel());
    });
    p.start();
    p.join();
    Multiprocessing.getLogger().info("info message from the parent");
    System.out.println("exitcode=" + p.exitCode());
  }

  /**
   * A spawned and a warm child of a parent that never touched the library's logger, each logging
   * its class initializations to {@code logFile}-PID (the test looks for java.util.logging there).
   */
  private static void noLogging(String logFile) {
    Multiprocessing.setJvmOptions(java.util.List.of("-Xlog:class+init=info:file=" + logFile + "-%p"));
    for (String method : java.util.List.of("spawn", "warm")) {
      var p = Multiprocessing.getContext(method).process(() -> System.out.println("ran"));
      p.start();
      p.join();
      System.out.println(method + "-exitcode=" + p.exitCode());
    }
  }

  /**
   * Children that run until this JVM dies: a spawned non-daemon one and a warm daemon one, plus
   * the warm spares. Prints their pids, then blocks until the test kills this JVM.
   */
  private static void orphans() {
    var plain = new Process(ParentScenarios::announceAndBlock);
    plain.start();
    // two idle spares now, so that one is still idle after the daemon takes the other (the
    // replacements a start asks for boot on another thread, which may come after the print)
    SparePool.get().prestart();
    var daemon = Multiprocessing.getContext("warm").process(ParentScenarios::announceAndBlock);
    daemon.setDaemon(true);
    daemon.start();
    System.out.println("children=" + plain.pid() + "," + daemon.pid());
    System.out.println("spares=" + SparePool.get().idlePids().stream().map(String::valueOf)
        .collect(Collectors.joining(",")));
    Blocking.forever();
  }

  private static void announceAndBlock() {
    System.out.println("running=" + ProcessHandle.current().pid());
    Blocking.forever();
  }

  /**
   * A daemon child that never ends and a non-daemon worker that waits for {@code gate}, then
   * writes {@code result}; main returns as soon as the daemon runs its target, so this JVM's
   * exit must terminate the one and join the other.
   */
  private static void exit(Gate gate, Gate daemonRunning, ChildResult result) {
    var daemon = new Process(() -> {
      daemonRunning.open();
      Blocking.forever();
    });
    daemon.setDaemon(true);
    daemon.start();
    var worker = new Process(() -> {
      gate.await();
      result.write("worker finished");
    });
    worker.start();
    System.out.println("daemon=" + daemon.pid());
    System.out.println("worker=" + worker.pid());
    daemonRunning.await(); // terminated while booting, a JVM may print noise; see the test
  }
}
