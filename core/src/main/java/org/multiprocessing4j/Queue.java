package org.multiprocessing4j;

import java.io.Serializable;
import java.time.Duration;

/**
 * A FIFO queue shared by processes: Python's {@code multiprocessing.Queue}.
 *
 * <pre>{@code
 * Queue<String> q = Multiprocessing.queue();
 * var p = new Process(() -> q.put("hello"));   // the child attaches to the same queue
 * p.start();
 * System.out.println(q.get());                 // hello
 * p.join();
 * }</pre>
 *
 * <p>Items are serialized (see {@link Process} for what travels) into a ring in shared memory
 * that every process holding the queue maps. {@code put} on an unbounded queue never blocks: when
 * the ring is full the item waits in a buffer of the putting process and a background feeder
 * thread moves it into the ring, as in Python. Items put by one thread arrive in the order put;
 * with many producers and consumers nothing is lost or duplicated, even when a producer is killed
 * in the middle of a put (its item may be lost; everybody else's arrive).
 *
 * <p>Differences from Python, on purpose: an item that cannot be serialized fails in {@code put}
 * with a {@link PicklingException} (Python's feeder thread prints the error and drops the item);
 * timeouts are {@link Duration}s.
 *
 * <p>A queue handle is {@link Serializable}: captured by a child's target or sent through another
 * queue, it attaches to the same queue in the receiving process. The sender must keep its own
 * handle open until the receiver has attached (the queue is gone when its last handle closes).
 *
 * @param <E> the type of the items
 */
public interface Queue<E> extends Serializable, AutoCloseable {
  /** Puts an item, waiting for a free slot of a bounded queue (Python's {@code put(obj)}). */
  void put(E item);

  /**
   * Puts an item (Python's {@code put(obj, block, timeout)}); a bounded queue that stays full
   * raises {@link QueueFullException} at once when {@code block} is false, or after
   * {@code timeout} (null: forever).
   */
  void put(E item, boolean block, Duration timeout);

  /** {@code put(item, false, null)} (Python's {@code put_nowait}). */
  void putNowait(E item);

  /** Removes and returns the next item, waiting for one (Python's {@code get()}). */
  E get();

  /**
   * Removes and returns the next item (Python's {@code get(block, timeout)}); raises
   * {@link QueueEmptyException} at once when {@code block} is false and the queue is empty, or
   * after {@code timeout} (null: forever).
   */
  E get(boolean block, Duration timeout);

  /** {@code get(false, null)} (Python's {@code get_nowait}). */
  E getNowait();

  /**
   * The approximate number of items in the queue, counting items put but still in a feeder's
   * buffer (Python's {@code qsize()}).
   */
  int qsize();

  /** Whether the queue looks empty now (Python's {@code empty()}); unreliable, as in Python. */
  boolean empty();

  /** Whether a bounded queue looks full now (Python's {@code full()}). */
  boolean full();

  /**
   * No more items will be put by this process (Python's {@code close()}): the feeder flushes
   * what is buffered and stops, then this handle is released. {@code put} and {@code get}
   * afterwards throw {@link IllegalStateException}. Idempotent.
   */
  @Override
  void close();

  /**
   * Waits until the feeder thread has flushed the buffer and stopped (Python's
   * {@code join_thread()}); only after {@link #close()}.
   *
   * @throws IllegalStateException before {@code close()}
   */
  void joinThread();

  /**
   * Lets this process exit without waiting for the feeder to flush (Python's
   * {@code cancel_join_thread()}): buffered items may be lost.
   */
  void cancelJoinThread();
}
