package org.multiprocessing4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * What the benchmarks read about other processes from Linux's {@code /proc}: resident memory,
 * whether a process still uses the CPU, whether it waits on its stdin, and when it has exited.
 */
public final class ProcFs {
  /** The {@code /proc/<pid>/status} line with the resident set size, in kB (proc(5)). */
  private static final String VM_RSS = "VmRSS:";
  private static final long KIB = 1024;
  /**
   * Syscall number of {@code read} as shown first in {@code /proc/<pid>/task/<tid>/syscall}:
   * 0 on x86_64 (arch/x86/entry/syscalls/syscall_64.tbl), 63 on arm64 (include/uapi/asm-generic/unistd.h).
   */
  private static final String READ_SYSCALL = switch (System.getProperty("os.arch")) {
    case "amd64", "x86_64" -> "0";
    case "aarch64", "arm64" -> "63";
    default -> null;
  };
  /** The first argument of that syscall when it reads fd 0, as the syscall file prints it. */
  private static final String FD_STDIN = "0x0";
  /** How long one quiet window lasts, and how many in a row make a process idle. */
  private static final Duration QUIET_WINDOW = Duration.ofMillis(10);
  private static final int QUIET_WINDOWS = 3;
  /** CPU (run + run-queue wait) a process may use in one quiet window and still count as idle. */
  private static final long QUIET_BUDGET_NANOS = 200_000;
  /** Poll interval while waiting for an exit: short, since it bounds the figure's resolution. */
  private static final long EXIT_POLL_NANOS = 50_000;

  private ProcFs() {}

  /** The resident set size of a process (VmRSS), in bytes. */
  public static long vmRss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(VM_RSS)) {
        String kb = line.substring(VM_RSS.length()).trim().split("\\s+")[0];
        return Long.parseLong(kb) * KIB;
      }
    }
    throw new IOException("no " + VM_RSS + " line in /proc/" + pid + "/status (is it a zombie?)");
  }

  /**
   * Nanoseconds all threads of a process have run on a CPU plus waited for one
   * ({@code /proc/<pid>/task/<tid>/schedstat}, fields 1 and 2). A process that wants no CPU does
   * not add to either; one that is runnable but not scheduled (a busy machine) adds to the wait.
   */
  public static long cpuDemandNanos(long pid) {
    long sum = 0;
    try (var tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        try {
          String[] f = Files.readString(task.resolve("schedstat")).trim().split(" ");
          sum += Long.parseLong(f[0]) + Long.parseLong(f[1]);
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      // the process ended meanwhile
    }
    return sum;
  }

  /**
   * Waits until none of these processes has wanted the CPU for {@value #QUIET_WINDOWS} windows of
   * 10 ms in a row: booting, class loading, JIT compiling and GC are over.
   *
   * @return true when they went quiet before the timeout
   */
  public static boolean awaitQuiet(Collection<Long> pids, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int quietInARow = 0;
    long[] before = demands(pids);
    while (System.nanoTime() < deadline) {
      Thread.sleep(QUIET_WINDOW);
      long[] after = demands(pids);
      boolean quiet = true;
      for (int i = 0; i < before.length; i++) {
        quiet &= after[i] - before[i] <= QUIET_BUDGET_NANOS;
      }
      quietInARow = quiet ? quietInARow + 1 : 0;
      if (quietInARow >= QUIET_WINDOWS) {
        return true;
      }
      before = after;
    }
    return false;
  }

  private static long[] demands(Collection<Long> pids) {
    return pids.stream().mapToLong(ProcFs::cpuDemandNanos).toArray();
  }

  /** Whether {@link #blockedReadingStdin} can tell on this CPU architecture. */
  public static boolean canSeeStdinReads() {
    return READ_SYSCALL != null;
  }

  /**
   * Whether a thread of the process sits in {@code read(0, ...)}: a warm spare does so once it
   * booted, pre-warmed and digested its hint, waiting for the launch frame. False when unknown.
   */
  public static boolean blockedReadingStdin(long pid) {
    if (READ_SYSCALL == null) {
      return false;
    }
    try (var tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        try {
          String[] f = Files.readString(task.resolve("syscall")).trim().split(" ");
          if (f.length > 1 && f[0].equals(READ_SYSCALL) && f[1].equals(FD_STDIN)) {
            return true;
          }
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      // the process ended meanwhile
    }
    return false;
  }

  /**
   * Waits until the process has exited (its {@code /proc} entry is gone or a zombie) and returns
   * {@link System#nanoTime()} when that was seen, or -1 on timeout.
   */
  public static long awaitExit(long pid, Duration timeout) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long now = System.nanoTime();
      if (!alive(stat)) {
        return now;
      }
      if (now > deadline) {
        return -1;
      }
      LockSupport.parkNanos(EXIT_POLL_NANOS);
    }
  }

  /** Whether the process runs (exists and is not a zombie). */
  public static boolean alive(long pid) {
    return alive(Path.of("/proc", Long.toString(pid), "stat"));
  }

  private static boolean alive(Path stat) {
    try {
      String s = Files.readString(stat);
      // proc(5): "pid (comm) state ..."; comm may contain spaces and parentheses
      char state = s.charAt(s.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The load average line ({@code /proc/loadavg}'s first three fields), or "?" when unreadable. */
  public static String loadAverage() {
    try {
      List<String> f = List.of(Files.readString(Path.of("/proc/loadavg")).trim().split(" "));
      return String.join(" ", f.subList(0, 3));
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
