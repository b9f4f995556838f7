package org.multiprocessing4j.pool;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.multiprocessing4j.ProcessTimeoutException;

/**
 * The result of an asynchronous pool call: Python's {@code multiprocessing.pool.AsyncResult},
 * and a {@link Future}.
 *
 * <p>{@link #get()} returns the value, or rethrows what the task threw in the worker: an
 * unchecked exception or error as the same class with its message, whose cause carries the
 * worker's stack trace (Python's {@code RemoteTraceback}); a checked exception wrapped in a
 * {@link org.multiprocessing4j.ProcessException}. This differs on purpose from
 * {@link Future#get()}, which wraps everything in {@code ExecutionException}; the j.u.c form
 * {@link #get(long, java.util.concurrent.TimeUnit)} keeps the j.u.c contract.
 *
 * @param <R> the type of the result
 */
public interface AsyncResult<R> extends Future<R> {
  /** Waits for the result and returns it, or rethrows the task's exception (see the class comment). */
  @Override
  R get();

  /**
   * Like {@link #get()}, waiting at most {@code timeout} (Python's {@code get(timeout)}).
   *
   * @throws ProcessTimeoutException when the result is not ready in time
   */
  R get(Duration timeout);

  /** Waits until the result is ready or {@code timeout} passed (Python's {@code wait}); returns {@link #ready()}. */
  boolean await(Duration timeout);

  /** Whether the call has completed (Python's {@code ready()}). */
  boolean ready();

  /**
   * Whether the call completed without an exception (Python's {@code successful()}).
   *
   * @throws IllegalStateException when the result is not ready yet
   */
  boolean successful();

  /** The result as a {@link CompletableFuture} (a copy: completing it does not affect the pool). */
  CompletableFuture<R> toCompletableFuture();
}
