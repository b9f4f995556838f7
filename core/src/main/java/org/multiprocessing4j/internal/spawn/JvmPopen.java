package org.multiprocessing4j.internal.spawn;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.multiprocessing4j.ProcessException;

/**
 * A child JVM running a {@code Process}: Python's {@code popen_spawn_posix.Popen}.
 *
 * <p>Overview of implementation: the exit code is known either from the child's DONE message,
 * sent right before it halts (so {@code join} need not wait the 4–16 ms the OS exit takes), or
 * from the OS exit status. The JDK reports death by signal N as status 128+N; we report -N, as
 * Python does, unless the child said through an EXIT message that user code called
 * {@code System.exit(128+N)} itself. The EXIT message travels on the control FIFO, so at OS
 * exit we wait (briefly) until every record written to it so far has been read
 * ({@link ControlServer#sync}) before reading the status.
 */
final class JvmPopen implements Popen {
  /** Exit statuses above this are 128 + signal number (POSIX shells' convention, and the JDK's). */
  private static final int SIGNAL_BASE = 128;
  private static final int SIGKILL = 9;
  /** Linux has signals 1..64. */
  private static final int MAX_SIGNAL = 64;
  /** How long to wait for a dead child's last control messages before trusting the status alone. */
  private static final long LINK_SYNC_WAIT_MS = 1000;
  private static final Executor VIRTUAL = r -> Thread.ofVirtual().name("mp4j-reaper").start(r);

  private final java.lang.Process process;
  private final ControlServer.ChildLink link;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  /** Done once the child's OS process has ended and its status was read (after {@link #exit}). */
  private final CompletableFuture<Void> osExit = new CompletableFuture<>();
  /** Whether this parent sent the child SIGKILL ({@link #kill()}). */
  private volatile boolean killed;

  JvmPopen(java.lang.Process process, ControlServer.ChildLink link) {
    this.process = process;
    this.link = link;
    link.done.thenAccept(exit::complete);
    process.onExit().thenAcceptAsync(p -> {
      if (!link.done.isDone()) {
        ControlServer.get().sync(LINK_SYNC_WAIT_MS); // its EXIT, if it sent one, is read by then
      }
      exit.complete(exitCode(p.exitValue(), link.exitCalled(), killed));
      ControlServer.get().forget(p.pid());
      closeStdin();
      osExit.complete(null);
    }, VIRTUAL);
  }

  /**
   * Done once the child's OS process has ended: some milliseconds after {@link #onExit()}, which
   * the child's DONE message usually completes first. Never completed exceptionally.
   */
  CompletableFuture<Void> osExit() {
    return osExit;
  }

  /** Writes the launch frame ({@link LaunchSpec#launchFrame(byte[])}) to the child's stdin, which makes it run the process. */
  static void launch(java.lang.Process child, byte[] launchFrame) {
    try {
      LaunchSpec.write(child.getOutputStream(), launchFrame);
    } catch (IOException e) {
      child.destroyForcibly();
      throw new ProcessException("cannot hand the process to child JVM " + child.pid()
          + " (it died while booting?): " + e.getMessage(), e);
    }
  }

  /**
   * Python's exit code from an OS status, whether the child sent EXIT (it called
   * {@code System.exit}) and whether this parent killed it. A status of 128 + 9 after
   * {@code kill()} is death by SIGKILL even after EXIT: it can end a child while its exit hooks
   * still run. (A SIGTERM then cannot change the status: the child's shutdown is under way.)
   */
  static int exitCode(int status, boolean exitCalled, boolean killed) {
    if (exitCalled && !(killed && status == SIGNAL_BASE + SIGKILL)) {
      return status;
    }
    if (status > SIGNAL_BASE && status <= SIGNAL_BASE + MAX_SIGNAL) {
      return -(status - SIGNAL_BASE);
    }
    return status;
  }

  @Override
  public long pid() {
    return process.pid();
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
    if (!exit.isDone()) {
      // through the handle: java.lang.Process.destroy() would also close the child's stdin,
      // which the child takes for its parent's death and halts before the signal is handled
      process.toHandle().destroy(); // SIGTERM
    }
  }

  @Override
  public void kill() {
    if (!exit.isDone()) {
      killed = true;
      process.toHandle().destroyForcibly(); // SIGKILL
    }
  }

  @Override
  public CompletableFuture<Integer> onExit() {
    return exit.copy();
  }

  /**
   * Nothing to do: the child's stdin pipe is closed when its OS process has ended. Closing it
   * earlier (the child may have reported DONE and still be running its shutdown hooks) would
   * make the child halt, taking the closing of the pipe for its parent's death.
   */
  @Override
  public void close() {}

  private void closeStdin() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // the pipe is gone with the child
    }
  }
}
