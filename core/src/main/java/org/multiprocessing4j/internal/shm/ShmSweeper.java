package org.multiprocessing4j.internal.shm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.multiprocessing4j.internal.sync.Pids;
import org.multiprocessing4j.internal.util.Log;
import org.multiprocessing4j.internal.util.OwnPid;

/**
 * Removes the segments of process trees that are gone, so that nothing the library made stays in
 * /dev/shm even after {@code kill -9} of a whole tree (DESIGN.md §4).
 *
 * <p>A segment {@code mp4j-<pid>-<random>} belongs to the tree whose main process has that pid
 * (children put their root's pid in the names they make). It is garbage when
 * <ol>
 *   <li>the root process is gone ({@link Pids#alive}: a zombie is gone) — while it lives the tree may still hand the name around; a
 *       recycled pid (a process's or a thread's) only keeps a dead tree's files until it ends
 *       too — and
 *   <li>no live process maps the file, as every process's {@code /proc/<pid>/maps} tells. Children
 *       of a dead root exit by themselves within a second (they watch their parent's pipe), and
 *       their mappings would survive an unlink anyway; the check keeps the sweep from ever pulling
 *       a name from under a process that still uses it, whoever that is.
 * </ol>
 * The sweep runs once per JVM, at its first use of {@link ShmSegment} ("every start-up"), and the
 * root process runs {@link #sweepOwnTreeAtExit} at its normal exit: that removes the files whose
 * owner count was left too high by a child killed with SIGKILL (it never gave its count back).
 * Processes whose maps we may not read (other users') are taken not to map our files: /dev/shm
 * files are created with mode 0600, so they cannot.
 */
public final class ShmSweeper {
  /** Prefix of every segment name of the library. */
  static final String PREFIX = "mp4j-";
  private static final Path PROC = Path.of("/proc");
  private static final String MAPS = "maps";
  private static final AtomicBoolean STARTUP_SWEEP_DONE = new AtomicBoolean();

  private ShmSweeper() {}

  /** Runs {@link #sweep()} the first time it is called in this JVM; never throws. */
  public static void sweepOnceAtStartup() {
    if (STARTUP_SWEEP_DONE.compareAndSet(false, true)) {
      try {
        sweep();
      } catch (RuntimeException e) {
        // housekeeping must never break the caller's create or attach
        Log.debug("shared memory start-up sweep failed: " + e);
      }
    }
  }

  /**
   * The pid written in ASCII digits in {@code s} from {@code from} to {@code to} (exclusive), or
   * -1 when that is empty, not all digits or longer than 18 digits (no pid is).
   */
  static long pidOf(String s, int from, int to) {
    if (to <= from || to - from > 18) {
      return -1;
    }
    long pid = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      pid = pid * 10 + (c - '0');
    }
    return pid;
  }

  /**
   * Deletes every segment of /dev/shm whose root process is gone and that no live process maps.
   *
   * @return the names deleted
   */
  public static List<String> sweep() {
    return sweep(ShmFiles.DIRECTORY);
  }

  /** {@link #sweep()} of the segments in {@code dir} (tests use a directory of their own). */
  static List<String> sweep(Path dir) {
    List<String> candidates = new ArrayList<>();
    for (String name : segmentNames(dir)) {
      long root = rootPidOf(name);
      if (root > 0 && (root > Integer.MAX_VALUE || !Pids.alive((int) root))) {
        candidates.add(name);
      }
    }
    return deleteUnmapped(dir, candidates, -1);
  }

  /**
   * The root pid in a segment name {@code mp4j-<root pid>-<random hex>}, or -1 when the name is
   * not of that form. Parsed by hand: this runs in every JVM's first use of shared memory (a
   * spawned pool worker's among them), where compiling a regular expression took its share of
   * the sweep's ~7 ms.
   */
  static long rootPidOf(String name) {
    int dash = name.indexOf('-', PREFIX.length());
    if (!name.startsWith(PREFIX) || dash < 0 || dash == name.length() - 1) {
      return -1;
    }
    long pid = pidOf(name, PREFIX.length(), dash);
    if (pid < 0) {
      return -1;
    }
    for (int i = dash + 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return -1;
      }
    }
    return pid;
  }

  /**
   * At the normal exit of a tree's root process (after its children were joined or terminated):
   * deletes the tree's segments that no other live process maps. This process's own mappings do
   * not count; it has given its owner counts back already.
   *
   * @return the names deleted
   */
  static List<String> sweepOwnTreeAtExit(long rootPid) {
    String prefix = PREFIX + rootPid + "-";
    Path dir = ShmFiles.DIRECTORY;
    List<String> candidates = segmentNames(dir).stream().filter(n -> n.startsWith(prefix)).toList();
    return deleteUnmapped(dir, candidates, OwnPid.PID);
  }

  private static List<String> deleteUnmapped(Path dir, List<String> candidates, long ignoredPid) {
    if (candidates.isEmpty()) {
      return List.of();
    }
    Set<String> mapped = mappedSegmentNames(dir, ignoredPid);
    List<String> deleted = new ArrayList<>();
    for (String name : candidates) {
      try {
        if (!mapped.contains(name) && Files.deleteIfExists(dir.resolve(name))) {
          Log.debug("swept shared memory segment " + name + " of a process tree that is gone");
          deleted.add(name);
        }
      } catch (IOException e) {
        Log.debug("cannot sweep shared memory segment " + dir.resolve(name) + ": " + e);
      }
    }
    return deleted;
  }

  /**
   * Deletes segment {@code name} if no live process maps it: for a segment whose other holders
   * are known to have died (killed processes never give their owner count back), once this
   * process has closed its own handle.
   *
   * @return whether it was deleted
   */
  public static boolean deleteIfUnmapped(String name) {
    return !deleteUnmapped(ShmFiles.DIRECTORY, List.of(name), -1).isEmpty();
  }

  /**
   * The names in {@code dir} that look like the library's segments. Filtered here rather than
   * through a glob, which the JDK compiles into a regular expression.
   */
  static List<String> segmentNames(Path dir) {
    List<String> names = new ArrayList<>();
    try (var files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        if (name.startsWith(PREFIX)) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return names;
  }

  /**
   * The library's segment names mapped by some live process other than {@code ignoredPid}, read
   * from {@code /proc/<pid>/maps} (a mapped file's path ends the line, with " (deleted)" after an
   * unlink).
   */
  static Set<String> mappedSegmentNames(Path dir, long ignoredPid) {
    String marker = realPath(dir) + "/" + PREFIX;
    Set<String> mapped = new HashSet<>();
    try (Stream<Path> pids = Files.list(PROC)) {
      for (Path proc : (Iterable<Path>) pids::iterator) {
        String pid = proc.getFileName().toString();
        long n = pidOf(pid, 0, pid.length());
        if (n < 0 || n == ignoredPid) {
          continue;
        }
        try (Stream<String> lines = Files.lines(proc.resolve(MAPS))) {
          lines.forEach(line -> {
            int at = line.indexOf(marker);
            if (at >= 0) {
              int start = at + marker.length() - PREFIX.length();
              int end = line.indexOf(' ', start);
              mapped.add(end < 0 ? line.substring(start) : line.substring(start, end));
            }
          });
        } catch (IOException | UncheckedIOException e) {
          // the process ended meanwhile, or is not ours to read: it maps none of our 0600 files
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + PROC, e);
    }
    return mapped;
  }

  /** The path as /proc shows it (symbolic links resolved). */
  private static Path realPath(Path dir) {
    try {
      return dir.toRealPath();
    } catch (IOException e) {
      return dir.toAbsolutePath();
    }
  }

}
