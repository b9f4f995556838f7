package org.multiprocessing4j.examples;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.Queue;

/**
 * The specification's "Exchanging objects between processes: Queues" example: a child puts a
 * list on a queue, the parent gets it.
 *
 * <pre>
 * def f(q):
 *     q.put([42, None, 'hello'])
 *
 * q = Queue()
 * p = Process(target=f, args=(q,)); p.start()
 * print q.get()    # prints "[42, None, 'hello']"
 * p.join()
 * </pre>
 *
 * Prints {@code [42, null, hello]}.
 */
public final class QueueExample {
  private QueueExample() {}

  static void f(Queue<List<Object>> q) {
    q.put(Arrays.asList(42, null, "hello"));
  }

  /** Runs the example, printing to {@code out}. */
  public static void run(PrintStream out) {
    try (Queue<List<Object>> q = Multiprocessing.queue()) {
      var p = new Process(() -> f(q));
      p.start();
      out.println(q.get()); // prints "[42, null, hello]"
      p.join();
    }
  }

  /** Runs the example. */
  public static void main(String[] args) {
    run(System.out);
  }
}
