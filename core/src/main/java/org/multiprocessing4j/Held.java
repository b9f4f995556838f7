package org.multiprocessing4j;

/**
 * A lock, condition or semaphore permit held by the current thread until {@link #close()}: what
 * {@code hold()} returns, so that Python's {@code with lock:} becomes
 *
 * <pre>{@code
 * try (var held = lock.hold()) {
 *   // lock held here
 * }                                    // released here, also when the block throws
 * }</pre>
 *
 * <p>Unlike {@link AutoCloseable#close()}, {@link #close()} throws no checked exception, so it
 * fits in a {@code SerializableRunnable}.
 */
public interface Held extends AutoCloseable {
  /** Releases what {@code hold()} acquired. A second call does nothing. */
  @Override
  void close();
}
