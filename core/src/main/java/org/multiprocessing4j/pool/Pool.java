package org.multiprocessing4j.pool;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.multiprocessing4j.Context;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.function.SerializableBiFunction;
import org.multiprocessing4j.function.SerializableCallable;
import org.multiprocessing4j.function.SerializableFunction;
import org.multiprocessing4j.function.SerializableRunnable;

/**
 * A pool of worker processes: Python's {@code multiprocessing.pool.Pool}, and an
 * {@link ExecutorService}.
 *
 * <pre>{@code
 * try (Pool pool = Multiprocessing.pool(4)) {
 *   AsyncResult<Integer> r = pool.applyAsync(() -> f(10));
 *   System.out.println(r.get(Duration.ofSeconds(1)));        // 100
 *   System.out.println(pool.map(x -> x * x, List.of(0, 1, 2, 3)));   // [0, 1, 4, 9]
 * }
 * }</pre>
 *
 * <p>Workers are child JVMs of the context's start method ({@code spawn}, {@code warm}, or
 * {@code thread} for Python's {@code ThreadPool}). Functions and items travel as serialized
 * objects (see {@link org.multiprocessing4j.Process}); the function of a {@code map} or
 * {@code imap} is sent to each worker once per call, not once per chunk. {@code map} cuts its
 * input into chunks of {@code ceil(n / (4 × workers))} items by default, as CPython does;
 * {@code imap} takes 1 and reads its input lazily, so an endless iterator works with bounded
 * memory.
 *
 * <p>Unlike CPython, a worker that dies in the middle of a task (killed, {@code System.exit},
 * out of memory) does not hang the pool: the task it was running fails with
 * {@link WorkerLostException} within a second, tasks queued to it go to other workers, a
 * replacement worker starts, and the pool goes on. With {@link Builder#taskTimeout} a worker
 * whose task runs too long is killed and replaced, and the task fails with
 * {@link org.multiprocessing4j.ProcessTimeoutException}.
 *
 * <p>Callbacks run on the pool's result thread, as in Python: keep them short.
 * {@link #close()} stops new work and waits for the queued work, like
 * {@link ExecutorService#close()} (Python's {@code close()} does not wait; its {@code join()}
 * does).
 */
public interface Pool extends ExecutorService, AutoCloseable {

  /** Runs {@code func} in a worker and returns its result (Python's {@code apply}). */
  <R> R apply(SerializableCallable<R> func);

  /** Runs {@code func} in a worker (Python's {@code apply_async}). */
  <R> AsyncResult<R> applyAsync(SerializableCallable<R> func);

  /**
   * Runs {@code func} in a worker; {@code callback} gets the result, or {@code errorCallback}
   * the exception, on the result thread (Python's {@code apply_async(..., callback, error_callback)}).
   */
  <R> AsyncResult<R> applyAsync(SerializableCallable<R> func, Consumer<? super R> callback,
      Consumer<? super Throwable> errorCallback);

  /** Python's {@code map}: the results in input order; blocks until all are there. */
  <T, R> List<R> map(SerializableFunction<? super T, ? extends R> func, Iterable<? extends T> items);

  /** Python's {@code map} with a chunk size. */
  <T, R> List<R> map(SerializableFunction<? super T, ? extends R> func, Iterable<? extends T> items, int chunksize);

  /** Python's {@code map_async}. */
  <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> func, Iterable<? extends T> items);

  /** Python's {@code map_async} with a chunk size. */
  <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> func, Iterable<? extends T> items,
      int chunksize);

  /** Python's {@code map_async} with a chunk size and callbacks. */
  <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> func, Iterable<? extends T> items,
      int chunksize, Consumer<? super List<R>> callback, Consumer<? super Throwable> errorCallback);

  /** Python's {@code imap}: results in input order, as they come; chunk size 1. */
  <T, R> ImapIterator<R> imap(SerializableFunction<? super T, ? extends R> func, Iterable<? extends T> items);

  /** Python's {@code imap} with a chunk size. */
  <T, R> ImapIterator<R> imap(SerializableFunction<? super T, ? extends R> func, Iterable<? extends T> items,
      int chunksize);

  /** Python's {@code imap_unordered}: results in the order they finish; chunk size 1. */
  <T, R> ImapIterator<R> imapUnordered(SerializableFunction<? super T, ? extends R> func, Iterable<? extends T> items);

  /** Python's {@code imap_unordered} with a chunk size. */
  <T, R> ImapIterator<R> imapUnordered(SerializableFunction<? super T, ? extends R> func, Iterable<? extends T> items,
      int chunksize);

  /** Python's {@code starmap} for two arguments: {@code func(key, value)} for each entry, in order. */
  <T, U, R> List<R> starmap(SerializableBiFunction<T, U, R> func, Iterable<Map.Entry<T, U>> items);

  /**
   * No new work; waits until the queued work is done and the workers have exited
   * ({@link ExecutorService#close()}; Python's {@code close()} + {@code join()}).
   */
  @Override
  void close();

  /** Stops the workers now (Python's {@code terminate()}); results not yet in fail. */
  void terminate();

  /**
   * Waits for the workers to exit (Python's {@code join()}).
   *
   * @throws IllegalStateException before {@link #close()}, {@link #shutdown()} or {@link #terminate()}
   */
  void join();

  /** Per-worker figures so far: tasks done, busy, idle and start-up time (an addition, as mpire's insights). */
  List<WorkerInsight> insights();

  /** A builder for a pool of the default context. */
  static Builder builder() {
    return new Builder(Multiprocessing.getContext());
  }

  /** Options of a pool: Python's {@code Pool(processes, initializer, initargs, maxtasksperchild)}. */
  final class Builder {
    private final Context context;
    private int processes;
    private SerializableRunnable initializer;
    private int maxTasksPerChild;
    private Duration taskTimeout;
    private boolean progress;

    /** A builder for a pool whose workers are started with {@code context}'s start method. */
    public Builder(Context context) {
      this.context = context;
      this.processes = Multiprocessing.cpuCount();
    }

    /**
     * The number of workers (default {@link Multiprocessing#cpuCount()}).
     *
     * @throws IllegalArgumentException when less than 1
     */
    public Builder processes(int processes) {
      if (processes < 1) {
        throw new IllegalArgumentException("Number of processes must be at least 1, not " + processes);
      }
      this.processes = processes;
      return this;
    }

    /** Runs in each worker when it starts (Python's {@code initializer(*initargs)}). */
    public Builder initializer(SerializableRunnable initializer) {
      this.initializer = initializer;
      return this;
    }

    /**
     * A worker exits after this many tasks (chunks) and is replaced (Python's
     * {@code maxtasksperchild}); by default workers live as long as the pool.
     *
     * @throws IllegalArgumentException when less than 1
     */
    public Builder maxTasksPerChild(int maxTasks) {
      if (maxTasks < 1) {
        throw new IllegalArgumentException("maxtasksperchild must be a positive int, not " + maxTasks);
      }
      this.maxTasksPerChild = maxTasks;
      return this;
    }

    /**
     * A task (chunk) running longer than this is failed with
     * {@link org.multiprocessing4j.ProcessTimeoutException} and its worker killed and replaced.
     * An addition to Python; by default there is no limit.
     */
    public Builder taskTimeout(Duration timeout) {
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException("a task timeout must be positive, not " + timeout);
      }
      this.taskTimeout = timeout;
      return this;
    }

    /**
     * Shows the progress of {@code map} and {@code imap} calls on stderr: one updating line on a
     * terminal, a line per tenth otherwise. An addition to Python (as mpire's progress bar).
     */
    public Builder progress(boolean show) {
      this.progress = show;
      return this;
    }

    /**
     * Starts the workers and returns the pool. A {@code spawn} pool without an initializer on a
     * machine with fewer cores than workers starts some of them when work needs them (see the
     * README's Pool section): JVMs booting side by side would each boot slower.
     */
    public Pool build() {
      return new ProcessPool(context, processes, initializer, maxTasksPerChild, taskTimeout, progress);
    }
  }
}
