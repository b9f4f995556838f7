package org.multiprocessing4j.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watching processes that are not this JVM's children (grandchildren, orphans), for which
 * {@code ProcessHandle.onExit()} falls back to polling with a 300 ms+ period and a pid may stay a
 * zombie when nobody reaps it: reads {@code /proc/<pid>/stat} directly.
 */
public final class OsProcesses {
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private OsProcesses() {}

  /** Whether the process is gone: no such pid, or a zombie (state Z) or dead (state X) one. */
  public static boolean isGone(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (NoSuchFileException e) {
      return true;
    } catch (IOException e) {
      return !Files.exists(Path.of("/proc", Long.toString(pid)));
    }
    // "pid (comm) S ...": the state follows the last ')' since comm may contain anything
    int close = stat.lastIndexOf(')');
    char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
    return state == 'Z' || state == 'X';
  }

  /**
   * Polls until the process is gone; returns the {@link System#nanoTime()} at which it was first
   * seen gone, or fails after {@code timeout}.
   */
  public static long awaitGone(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long now = System.nanoTime();
      if (isGone(pid)) {
        return now;
      }
      if (now - deadline > 0) {
        throw new AssertionError("process " + pid + " is still running after " + timeout.toMillis() + " ms: "
            + ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("?"));
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /** Kills the process with SIGKILL if it still runs (cleanup of orphans a test created). */
  public static void killQuietly(long pid) {
    if (pid <= 0) {
      return;
    }
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }
}
