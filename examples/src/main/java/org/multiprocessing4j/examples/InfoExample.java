package org.multiprocessing4j.examples;

import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;

/**
 * The specification's expanded example: the process ids involved.
 *
 * <pre>
 * def info(title):
 *     print title
 *     print 'module name:', __name__
 *     print 'parent process:', os.getppid()
 *     print 'process id:', os.getpid()
 * </pre>
 *
 * The main line prints its own pid and its parent (the shell); the child prints the main JVM's
 * pid as its parent. "module name" becomes the process name: a JVM has no {@code __name__}.
 */
public final class InfoExample {
  private InfoExample() {}

  static void info(String title) {
    System.out.println(title);
    System.out.println("process name: " + Multiprocessing.currentProcess().getName());
    System.out.println("parent process: " + ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L));
    System.out.println("process id: " + ProcessHandle.current().pid());
  }

  static void f(String name) {
    info("function f");
    System.out.println("hello " + name);
  }

  /** Runs the example. */
  public static void main(String[] args) {
    info("main line");
    var p = new Process(() -> f("bob"));
    p.start();
    p.join();
  }
}
