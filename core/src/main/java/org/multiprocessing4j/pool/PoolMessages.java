package org.multiprocessing4j.pool;

import java.io.Serializable;
import java.util.List;

/**
 * What travels between a pool and its workers (Python's task and result tuples). Each worker has
 * its own inbox (so the pool knows exactly which tasks a worker holds); all workers answer
 * through one result queue, into which the pool also posts a worker's exit, so that the exit is
 * handled after every result the worker sent before it died.
 */
final class PoolMessages {
  private PoolMessages() {}

  /** Pool → worker: the function of job {@code job}, sent once per worker and job. */
  record Func(long job, Serializable func) implements Serializable {}

  /**
   * Pool → worker: run chunk {@code chunk} of job {@code job}: {@code items} through the job's
   * function, or (for {@code apply}) {@code call} once.
   */
  record Task(long job, int chunk, List<?> items, Serializable call) implements Serializable {}

  /** Pool → worker: the job is over, drop its function. */
  record Forget(long job) implements Serializable {}

  /** Pool → worker: exit. */
  record Stop() implements Serializable {}

  /** Worker → pool: booted (after the initializer), in {@code startupNanos} since its JVM started. */
  record Ready(int worker, long pid, long startupNanos) implements Serializable {}

  /**
   * Worker → pool: the outcome of a task: a list of results, the value of an {@code apply}, or
   * the exception the function threw ({@code ok} false).
   */
  record Result(long job, int chunk, int worker, boolean ok, Object value, long busyNanos) implements Serializable {}

  /** Posted by the pool itself when a worker's process ended. */
  record Exited(int worker, int generation, Integer exitCode) implements Serializable {}

  /** Posted by the pool itself to stop its result thread. */
  record Shutdown() implements Serializable {}
}
