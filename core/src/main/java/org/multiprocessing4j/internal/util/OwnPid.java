package org.multiprocessing4j.internal.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * This process's pid, found without {@link ProcessHandle}: in a young child JVM,
 * {@code ProcessHandle.current()} cost ~1.4 ms of its start (the class sets up the JDK's process
 * reaper executor as it initializes), where reading {@code /proc/self/status} takes tens of
 * microseconds. The pid is the last one on its {@code NSpid} line: the pid in this process's own
 * namespace, which is what {@code getpid} and the JDK give even where {@code /proc} was mounted by
 * another PID namespace (the {@code /proc/self} link would then name the outer pid). Falls back to
 * {@code ProcessHandle} where there is no such line.
 */
public final class OwnPid {
  /** This process's pid. */
  public static final long PID = find();

  private OwnPid() {}

  private static long find() {
    try (var in = new java.io.FileInputStream("/proc/self/status")) {
      String status = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      int line = status.indexOf("\nNSpid:");
      if (line >= 0) {
        int end = status.indexOf('\n', line + 1);
        String pids = status.substring(line + "\nNSpid:".length(), end < 0 ? status.length() : end).strip();
        int last = Math.max(pids.lastIndexOf(' '), pids.lastIndexOf('\t')); // no regex: a young JVM would compile one
        return Long.parseLong(pids.substring(last + 1));
      }
    } catch (IOException | RuntimeException e) {
      // no /proc: ask the JDK
    }
    return ProcessHandle.current().pid();
  }
}
