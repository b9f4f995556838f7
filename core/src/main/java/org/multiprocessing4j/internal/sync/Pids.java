package org.multiprocessing4j.internal.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.multiprocessing4j.internal.util.OwnPid;

/**
 * Process ids as the shared words hold them (Linux pids fit an int: {@code pid_max} is at most
 * 2^22), and whether such a process still lives: what robust locks and rings use to tell a dead
 * owner from a slow one.
 */
public final class Pids {
  /** This process's pid. */
  public static final int SELF = Math.toIntExact(OwnPid.PID);

  /** Where {@code /proc/<pid>/stat} lives; its third field is the process state. */
  private static final Path PROC = Path.of("/proc");
  private static final String STAT = "stat";
  /** The state letter of a zombie in {@code /proc/<pid>/stat}: dead, not yet reaped. */
  private static final char ZOMBIE = 'Z';

  private Pids() {}

  /**
   * Whether process {@code pid} is still running (a zombie counts as gone). A pid recycled by
   * the kernel for a new process reads as alive; pids are recycled only after {@code pid_max}
   * others were handed out, which a lock waiter checking every few milliseconds never sees.
   *
   * <p>One read of {@code /proc/<pid>/stat}: it tells both whether the process exists and its
   * state. Not through {@code ProcessHandle}, whose first use sets up its reaper thread pool, a
   * cost every young JVM that attaches a queue or sweeps {@code /dev/shm} paid.
   */
  public static boolean alive(int pid) {
    if (pid == SELF) {
      return true;
    }
    String stat;
    try {
      stat = Files.readString(PROC.resolve(Integer.toString(pid)).resolve(STAT));
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException | RuntimeException e) {
      // gone while being read, or a /proc this cannot read: ask the JDK
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
    int close = stat.lastIndexOf(')'); // the command name in parentheses may hold anything
    return !(close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == ZOMBIE);
  }
}
