package org.multiprocessing4j.internal.ring;

/** Process ids as the shared words hold them (Linux pids fit an int: pid_max is at most 2^22). */
final class Pids {
  /** This process's pid. */
  static final int SELF = Math.toIntExact(ProcessHandle.current().pid());

  private Pids() {}

  /** Whether process {@code pid} is still running (a zombie counts as gone). */
  static boolean alive(int pid) {
    if (pid == SELF) {
      return true;
    }
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid);
  }

  private static boolean zombie(int pid) {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Integer.toString(pid), "stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
    } catch (java.io.IOException | RuntimeException e) {
      return false; // no /proc: trust ProcessHandle
    }
  }
}
