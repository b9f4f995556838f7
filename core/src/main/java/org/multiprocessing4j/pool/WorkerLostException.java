package org.multiprocessing4j.pool;

import java.io.Serial;
import org.multiprocessing4j.ProcessException;

/**
 * The pool worker running a task died before it returned a result (killed, {@code System.exit},
 * out of memory). New in multiprocessing4j: CPython's pool hangs forever in this case
 * (bpo-22393); ours fails the task, replaces the worker and goes on.
 */
public class WorkerLostException extends ProcessException {
  @Serial private static final long serialVersionUID = 1L;

  /** An exception naming the worker, its pid and how it ended. */
  public WorkerLostException(String message) {
    super(message);
  }
}
