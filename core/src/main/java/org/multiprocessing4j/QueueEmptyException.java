package org.multiprocessing4j;

import java.io.Serial;
import java.util.NoSuchElementException;

/** A non-blocking or timed {@code get} found the queue empty: Python's {@code queue.Empty}. */
public class QueueEmptyException extends NoSuchElementException {
  @Serial private static final long serialVersionUID = 1L;

  /** An exception naming the queue and how long the caller waited. */
  public QueueEmptyException(String message) {
    super(message);
  }
}
