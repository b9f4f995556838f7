package org.multiprocessing4j;

/**
 * A semaphore whose value may not pass its initial value: Python's
 * {@code multiprocessing.BoundedSemaphore}. A {@link #release()} past it throws
 * {@link IllegalStateException} (Python's {@code ValueError}) and changes nothing.
 *
 * <p>Its repr is Python's: {@code <BoundedSemaphore(value=1, maxvalue=2)>}.
 */
public interface BoundedSemaphore extends Semaphore {
  /** The initial value, which the value may not pass (Python's {@code maxvalue}). */
  int maxValue();
}
