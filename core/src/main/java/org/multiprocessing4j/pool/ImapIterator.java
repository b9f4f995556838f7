package org.multiprocessing4j.pool;

import java.time.Duration;
import java.util.Iterator;
import org.multiprocessing4j.ProcessTimeoutException;

/**
 * The iterator returned by {@code imap} and {@code imapUnordered}: Python's {@code IMapIterator}.
 * {@link #next()} waits for the next result; a task that threw makes {@code next()} throw that
 * exception (see {@link AsyncResult#get()} for its form) at its place, and iteration can go on.
 *
 * @param <R> the type of the results
 */
public interface ImapIterator<R> extends Iterator<R> {
  /**
   * The next result, waiting at most {@code timeout} (Python's {@code next(timeout)}).
   *
   * @throws ProcessTimeoutException when no result came in time (the iterator stays usable)
   * @throws java.util.NoSuchElementException when every result has been returned
   */
  R next(Duration timeout);
}
