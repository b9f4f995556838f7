package org.multiprocessing4j.examples;

import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.ProcessInterruptedException;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.function.SerializableBiFunction;

/**
 * The specification's {@code mp_workers} example: tasks go through a task queue to 4 worker
 * processes, results come back through a done queue, in whatever order the workers finish.
 *
 * <pre>
 * def worker(input, output):
 *     for func, args in iter(input.get, 'STOP'):
 *         output.put(calculate(func, args))
 *
 * def calculate(func, args):
 *     return '%s says that %s%s = %s' % (current_process().name, func.__name__, args, func(*args))
 *
 * TASKS1 = [(mul, (i, 7)) for i in range(20)]
 * TASKS2 = [(plus, (i, 8)) for i in range(10)]
 * ... put TASKS1, start 4 workers, print 'Unordered results:' and 20 results,
 * ... put TASKS2, print 10 more results, put 'STOP' once per worker
 * </pre>
 *
 * Prints {@code Unordered results:}, then one line per task such as
 * {@code \tProcess-3 says that mul(4, 7) = 28}: the 20 {@code mul} results first, then the 10
 * {@code plus} ones. {@code mul} and {@code plus} sleep up to half a second at random, as in the
 * original, so that the workers finish out of order. Python's {@code 'STOP'} sentinel is a
 * {@link Task} with no function here, as a queue of {@code Task}s cannot carry a string.
 */
public final class MpWorkersExample {
  static final int NUMBER_OF_PROCESSES = 4;

  private MpWorkersExample() {}

  /** A task: a named function and its two arguments; {@link #STOP} tells a worker to finish. */
  record Task(String name, SerializableBiFunction<Integer, Integer, Integer> func, int a, int b) implements Serializable {
    static final Task STOP = new Task("STOP", null, 0, 0);

    boolean isStop() {
      return func == null;
    }
  }

  static void worker(Queue<Task> input, Queue<String> output) {
    for (Task task = input.get(); !task.isStop(); task = input.get()) {
      output.put(calculate(task));
    }
  }

  static String calculate(Task task) {
    int result = task.func().apply(task.a(), task.b());
    return "%s says that %s(%d, %d) = %d".formatted(
        Multiprocessing.currentProcess().getName(), task.name(), task.a(), task.b(), result);
  }

  static int mul(int a, int b) {
    randomSleep();
    return a * b;
  }

  static int plus(int a, int b) {
    randomSleep();
    return a + b;
  }

  private static void randomSleep() { // time.sleep(0.5 * random.random())
    try {
      Thread.sleep((long) (500 * ThreadLocalRandom.current().nextDouble()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException("interrupted in a task", e);
    }
  }

  /** Runs the example, printing to {@code out}. */
  public static void run(PrintStream out) {
    List<Task> tasks1 = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      tasks1.add(new Task("mul", MpWorkersExample::mul, i, 7));
    }
    List<Task> tasks2 = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tasks2.add(new Task("plus", MpWorkersExample::plus, i, 8));
    }

    // Create queues
    try (Queue<Task> taskQueue = Multiprocessing.queue(); Queue<String> doneQueue = Multiprocessing.queue()) {
      // Submit tasks
      tasks1.forEach(taskQueue::put);

      // Start worker processes
      var workers = new ArrayList<Process>();
      for (int i = 0; i < NUMBER_OF_PROCESSES; i++) {
        var p = new Process(() -> worker(taskQueue, doneQueue));
        p.start();
        workers.add(p);
      }

      // Get and print results
      out.println("Unordered results:");
      for (int i = 0; i < tasks1.size(); i++) {
        out.println("\t" + doneQueue.get());
      }

      // Add more tasks using put()
      tasks2.forEach(taskQueue::put);

      // Get and print some more results
      for (int i = 0; i < tasks2.size(); i++) {
        out.println("\t" + doneQueue.get());
      }

      // Tell child processes to stop
      for (int i = 0; i < NUMBER_OF_PROCESSES; i++) {
        taskQueue.put(Task.STOP);
      }
      workers.forEach(Process::join);
    }
  }

  /** Runs the example. */
  public static void main(String[] args) {
    run(System.out);
  }
}
