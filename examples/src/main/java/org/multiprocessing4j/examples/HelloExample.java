package org.multiprocessing4j.examples;

import org.multiprocessing4j.Process;

/**
 * The specification's first example: a child process says hello.
 *
 * <pre>
 * def f(name):
 *     print 'hello', name
 * p = Process(target=f, args=('bob',)); p.start(); p.join()
 * </pre>
 *
 * Prints {@code hello bob}.
 */
public final class HelloExample {
  private HelloExample() {}

  static void f(String name) {
    System.out.println("hello " + name);
  }

  /** Runs the example. */
  public static void main(String[] args) {
    var p = new Process(() -> f("bob"));
    p.start();
    p.join();
  }
}
