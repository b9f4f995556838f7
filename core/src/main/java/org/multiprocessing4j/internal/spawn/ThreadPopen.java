package org.multiprocessing4j.internal.spawn;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.multiprocessing4j.internal.util.OwnPid;

/**
 * The {@code thread} start method (Python's {@code multiprocessing.dummy.Process}): the target
 * runs on a new platform thread of this JVM. {@link #terminate()} and {@link #kill()} interrupt
 * the thread, which is all a JVM can do to a thread; the exit code is 0 when the target returned
 * and 1 when it threw.
 */
public final class ThreadPopen implements Popen {
  private final Thread thread;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();

  /**
   * Starts {@code body} on a thread named {@code name}; {@code body} returns the exit code.
   *
   * @param daemon whether the thread is a daemon thread (a daemonic process)
   */
  public ThreadPopen(String name, boolean daemon, IntSupplier body) {
    thread = Thread.ofPlatform().name(name).daemon(daemon).unstarted(() -> {
      int code = 1;
      try {
        code = body.getAsInt();
      } finally {
        exit.complete(code);
      }
    });
    thread.start();
  }

  @Override
  public long pid() {
    return OwnPid.PID;
  }

  @Override
  public Integer poll() {
    return exit.getNow(null);
  }

  @Override
  public boolean await(Duration timeout) throws InterruptedException {
    return Popen.awaitCompletion(exit, timeout);
  }

  @Override
  public void terminate() {
    thread.interrupt();
  }

  @Override
  public void kill() {
    thread.interrupt();
  }

  @Override
  public CompletableFuture<Integer> onExit() {
    return exit.copy();
  }

  @Override
  public void close() {}
}
