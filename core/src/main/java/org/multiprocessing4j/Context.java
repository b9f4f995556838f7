package org.multiprocessing4j;

import org.multiprocessing4j.function.SerializableRunnable;

/**
 * A start method with the factories bound to it: Python's context objects
 * ({@code multiprocessing.get_context("spawn")}).
 *
 * <pre>{@code
 * Context warm = Multiprocessing.getContext("warm");
 * Process p = warm.process(() -> work());
 * p.start();
 * }</pre>
 *
 * <p>Start methods: {@code spawn} (a fresh child JVM per process, the default), {@code warm} (a
 * pre-booted spare JVM takes the process: a start costs a pipe write, not a JVM boot) and
 * {@code thread} (a thread of this JVM: Python's {@code multiprocessing.dummy}).
 *
 * <p>Queues work the same in every context: they live in shared memory, which threads of one
 * JVM share as well as processes. The factories for locks, shared values and managers arrive
 * with those features. In the {@code thread} context a pool's workers are threads (Python's
 * {@code ThreadPool}).
 */
public interface Context {
  /** The start method of this context: {@code spawn}, {@code warm} or {@code thread}. */
  String getStartMethod();

  /** A new process that runs {@code target} with this context's start method. */
  Process process(SerializableRunnable target);

  /** A new process called {@code name} that runs {@code target} with this context's start method. */
  Process process(SerializableRunnable target, String name);

  /** A new unbounded {@link Queue} (Python's {@code Queue()}). */
  <E> Queue<E> queue();

  /** A new {@link Queue} holding at most {@code maxsize} items; 0 or less is unbounded (Python's {@code Queue(maxsize)}). */
  <E> Queue<E> queue(int maxsize);

  /** A new unbounded {@link JoinableQueue} (Python's {@code JoinableQueue()}). */
  <E> JoinableQueue<E> joinableQueue();

  /** A new {@link JoinableQueue} holding at most {@code maxsize} items (Python's {@code JoinableQueue(maxsize)}). */
  <E> JoinableQueue<E> joinableQueue(int maxsize);

  /** A new {@link SimpleQueue} (Python's {@code SimpleQueue()}). */
  <E> SimpleQueue<E> simpleQueue();

  /** A pool of {@link Multiprocessing#cpuCount()} workers of this context (Python's {@code Pool()}). */
  default org.multiprocessing4j.pool.Pool pool() {
    return poolBuilder().build();
  }

  /** A pool of {@code processes} workers of this context (Python's {@code Pool(processes)}). */
  default org.multiprocessing4j.pool.Pool pool(int processes) {
    return poolBuilder().processes(processes).build();
  }

  /** A builder for a pool of this context's workers: initializer, maxTasksPerChild, and more. */
  default org.multiprocessing4j.pool.Pool.Builder poolBuilder() {
    return new org.multiprocessing4j.pool.Pool.Builder(this);
  }
}
