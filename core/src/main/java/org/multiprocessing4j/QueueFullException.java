package org.multiprocessing4j;

import java.io.Serial;

/** A non-blocking or timed {@code put} found a bounded queue full: Python's {@code queue.Full}. */
public class QueueFullException extends IllegalStateException {
  @Serial private static final long serialVersionUID = 1L;

  /** An exception naming the queue, its maxsize and how long the caller waited. */
  public QueueFullException(String message) {
    super(message);
  }
}
