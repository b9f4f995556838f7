package org.multiprocessing4j.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.stream.IntStream;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.ProcessTimeoutException;
import org.multiprocessing4j.pool.AsyncResult;
import org.multiprocessing4j.pool.ImapIterator;
import org.multiprocessing4j.pool.Pool;

/**
 * The specification's pool example: {@code apply_async}, {@code map}, {@code imap} and a result
 * that is not ready in time.
 *
 * <pre>
 * pool = Pool(processes=4)              # start 4 worker processes
 * result = pool.apply_async(f, (10,))    # evaluate "f(10)" asynchronously
 * print result.get(timeout=1)           # prints "100" unless your computer is *very* slow
 * print pool.map(f, range(10))          # prints "[0, 1, 4,..., 81]"
 * it = pool.imap(f, range(10))
 * print it.next()                       # prints "0"
 * print it.next()                       # prints "1"
 * print it.next(timeout=1)              # prints "4" unless your computer is *very* slow
 * result = pool.apply_async(time.sleep, (10,))
 * print result.get(timeout=1)           # raises TimeoutError
 * </pre>
 *
 * Prints {@code 100}, {@code [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]}, {@code 0}, {@code 1},
 * {@code 4}, then the {@code ProcessTimeoutException} (Python's {@code TimeoutError}) of the
 * sleeping task. The waits for results that do come are 10 s instead of 1 s: a busy 2-core machine
 * is "very slow" in the documentation's sense. Leaving the pool terminates it, as Python's
 * {@code with Pool(...)} does, so the sleeping task does not hold the example up.
 */
public final class PoolExample {
  private PoolExample() {}

  static int f(int x) {
    return x * x;
  }

  /** Runs the example, printing to {@code out}. */
  public static void run(PrintStream out) {
    Pool pool = Multiprocessing.pool(4); // start 4 worker processes
    try {
      AsyncResult<Integer> result = pool.applyAsync(() -> f(10)); // evaluate "f(10)" asynchronously
      out.println(result.get(Duration.ofSeconds(10)));            // prints "100"
      out.println(pool.map(PoolExample::f, IntStream.range(0, 10).boxed().toList())); // prints "[0, 1, 4,..., 81]"
      ImapIterator<Integer> it = pool.imap(PoolExample::f, IntStream.range(0, 10).boxed().toList());
      out.println(it.next());                                     // prints "0"
      out.println(it.next());                                     // prints "1"
      out.println(it.next(Duration.ofSeconds(10)));               // prints "4"
      AsyncResult<Object> sleeping = pool.applyAsync(() -> {
        Thread.sleep(Duration.ofSeconds(10));
        return null;
      });
      try {
        out.println(sleeping.get(Duration.ofSeconds(1)));          // raises ProcessTimeoutException
      } catch (ProcessTimeoutException e) {
        out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    } finally {
      pool.terminate();
      pool.join();
    }
  }

  /** Runs the example. */
  public static void main(String[] args) {
    run(System.out);
  }
}
