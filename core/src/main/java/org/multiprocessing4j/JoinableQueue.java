package org.multiprocessing4j;

/**
 * A {@link Queue} that counts unfinished tasks: Python's {@code multiprocessing.JoinableQueue}.
 * Each {@code put} adds one; each {@link #taskDone()} by a consumer takes one away; {@link #join()}
 * waits until none is left.
 *
 * @param <E> the type of the items
 */
public interface JoinableQueue<E> extends Queue<E> {
  /**
   * Marks one item got from the queue as processed (Python's {@code task_done()}).
   *
   * @throws IllegalStateException when called more times than items were put
   */
  void taskDone();

  /** Waits until every item put has been marked done (Python's {@code join()}). */
  void join();
}
