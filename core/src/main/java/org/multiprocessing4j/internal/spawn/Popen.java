package org.multiprocessing4j.internal.spawn;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What a started {@code Process} holds on to: Python's {@code Popen} objects
 * ({@code popen_spawn_posix}, {@code popen_fork}, the dummy thread). One implementation per start
 * method: a child JVM ({@link JvmPopen}) or a thread ({@link ThreadPopen}).
 */
public interface Popen {
  /** The OS process id of the child (the current process's own for a thread). */
  long pid();

  /** The exit code, or null while running: 0, 1 after an uncaught exception, n, or -N for signal N. */
  Integer poll();

  /** Waits until the child ended or the timeout passed (null: forever); true when it ended. */
  boolean await(Duration timeout) throws InterruptedException;

  /** Python's {@code terminate()}: SIGTERM for a child JVM. */
  void terminate();

  /** Python's {@code kill()}: SIGKILL for a child JVM. */
  void kill();

  /** Completes with the exit code when the child has ended. */
  CompletableFuture<Integer> onExit();

  /** Releases what the handle holds (the process must have ended). */
  void close();

  /**
   * Waits for {@code exit} to complete, at most {@code timeout} (null: forever); true when it
   * did, exceptionally or not.
   */
  static boolean awaitCompletion(CompletableFuture<?> exit, Duration timeout) throws InterruptedException {
    try {
      if (timeout == null) {
        exit.get();
      } else {
        exit.get(Math.max(0, timeout.toNanos()), java.util.concurrent.TimeUnit.NANOSECONDS);
      }
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      // ended all the same
    }
    return true;
  }
}
