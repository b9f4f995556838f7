package org.multiprocessing4j.internal.util;

import java.io.File;
import java.io.IOException;

/**
 * This process's pid, found without {@link ProcessHandle}: in a young child JVM,
 * {@code ProcessHandle.current()} cost ~1.4 ms of its start (the class sets up the JDK's process
 * reaper executor as it initializes), where reading the {@code /proc/self} link takes microseconds.
 * Falls back to {@code ProcessHandle} where there is no such link.
 */
public final class OwnPid {
  /** This process's pid. */
  public static final long PID = find();

  private OwnPid() {}

  private static long find() {
    try {
      return Long.parseLong(new File("/proc/self").getCanonicalFile().getName());
    } catch (IOException | RuntimeException e) {
      return ProcessHandle.current().pid();
    }
  }
}
