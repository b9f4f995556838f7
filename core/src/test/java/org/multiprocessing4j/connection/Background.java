package org.multiprocessing4j.connection;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Platform threads for the other side of a test; closing interrupts and joins them. */
final class Background implements AutoCloseable {
  /** How long a test waits for its background work before failing: generous, for 2 busy cores. */
  static final Duration PATIENCE = Duration.ofSeconds(60);
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    var t = new Thread(r, "test-background");
    t.setDaemon(true);
    return t;
  });

  <T> Future<T> call(Callable<T> task) {
    return executor.submit(task);
  }

  Future<?> run(ThrowingRunnable task) {
    return executor.submit(() -> {
      task.run();
      return null;
    });
  }

  /** Runnable that may throw. */
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** The result of {@code future}, failing the test after {@link #PATIENCE}. */
  static <T> T await(Future<T> future) throws Exception {
    return future.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether {@code thread} is blocked waiting in a selector inside the library (for close/interrupt tests). */
  static boolean blockedInSelect(Thread thread) {
    for (StackTraceElement frame : thread.getStackTrace()) {
      if (frame.getClassName().startsWith("sun.nio.ch.") && frame.getMethodName().equals("doSelect")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("background test threads did not end within " + PATIENCE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while joining background test threads", e);
    }
  }
}
