package org.multiprocessing4j;

import java.io.Serial;

/**
 * A {@link Barrier} is, or became, broken while a party waited on it: Python's
 * {@code threading.BrokenBarrierError}. It happens when a party's wait timed out, when
 * {@link Barrier#abort()} or {@link Barrier#reset()} was called, when the barrier's action threw,
 * when a waiting party was interrupted, or when a process died inside the barrier's bookkeeping.
 */
public class BrokenBarrierException extends ProcessException {
  @Serial private static final long serialVersionUID = 1L;

  /** An exception saying which barrier is broken and why. */
  public BrokenBarrierException(String message) {
    super(message);
  }
}
