package org.multiprocessing4j;

import java.io.Serializable;

/**
 * A plain FIFO queue shared by processes: Python's {@code multiprocessing.SimpleQueue}. No
 * buffer, no feeder thread: {@code put} writes into the shared ring and waits while it is full.
 *
 * @param <E> the type of the items
 */
public interface SimpleQueue<E> extends Serializable, AutoCloseable {
  /** Puts an item, waiting while the ring is full. */
  void put(E item);

  /** Removes and returns the next item, waiting for one. */
  E get();

  /** Whether the queue looks empty now. */
  boolean empty();

  /** Releases this handle; further use throws {@link IllegalStateException}. Idempotent. */
  @Override
  void close();
}
