package org.multiprocessing4j.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.multiprocessing4j.internal.shm.ShmLedger;
import org.multiprocessing4j.internal.spawn.SparePool;

/**
 * Fails a test that leaves a child JVM running or a new {@code mp4j*} file in {@code /dev/shm}
 * (DESIGN.md §8), and cleans up after it so that the next test starts clean.
 *
 * <p>Registered for every test through {@code META-INF/services} (JUnit's extension
 * autodetection, switched on in core/pom.xml). Its after-each callback runs after the test's own
 * {@code @AfterEach} methods, so a test may clean up there.
 *
 * <p>Processes: every descendant of this JVM counts, except the idle spares of the {@code warm}
 * start method ({@link SparePool#idlePids()}) and their descendants. A child reports its exit over
 * the control channel a few milliseconds before its OS process is gone, so leftovers get a grace
 * period ({@link #GRACE}) in which the check waits on their {@code onExit}; what is still there
 * afterwards is reported with pid and command line, then killed.
 *
 * <p>Shared memory: {@code /dev/shm} is shared with every other build on the machine, so a new
 * file counts as this test's only when its name carries the pid of this JVM, of a descendant, or
 * of a JVM a test started itself ({@link #registerOwnedPid}), as in {@code mp4j-<pid>-<random>}
 * (DESIGN.md §4), or carries no pid at all. A {@code SharedMemory} block this JVM created during
 * the test under a name of the test's own choosing (any name) and did not unlink counts too
 * ({@link ShmLedger}). Leaked files are reported and deleted, so that one leak fails one test.
 */
public final class LeakCheckExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  /** How long processes on their way out get before they count as leaked. */
  public static final Duration GRACE = Duration.ofSeconds(5);
  /** How long killed leftovers get to disappear before the check gives up waiting for them. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);
  static final Path SHM = Path.of("/dev/shm");
  static final String SHM_PREFIX = "mp4j";
  /** The owner pid in a segment name: {@code mp4j-4711-...} or {@code mp4j_4711_...}. */
  private static final Pattern SHM_OWNER = Pattern.compile("^" + SHM_PREFIX + "[-_]?(\\d+)(?:\\D.*)?$");
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LeakCheckExtension.class);
  private static final String SNAPSHOT = "snapshot";
  private static final Set<Long> OWNED_PIDS = ConcurrentHashMap.newKeySet();
  private static volatile Method lastCheckedTest;

  /**
   * What existed before a test (or a test class): processes alive then belong to an enclosing
   * fixture (a pool made in {@code @BeforeAll}), which the class-level check covers.
   */
  public record Snapshot(Set<String> shmFiles, Set<Long> processes, Set<String> blocks) {
    /** A snapshot of the files only: every process and every block not unlinked counts. */
    public Snapshot(Set<String> shmFiles) {
      this(shmFiles, Set.of(), Set.of());
    }
  }

  /**
   * Declares that {@code pid} is a process this test run started (a parent JVM launched by a
   * test), so that shared-memory files named after it count as this run's even after it died.
   */
  public static void registerOwnedPid(long pid) {
    OWNED_PIDS.add(pid);
  }

  /** The test method whose before-each callback ran last; lets a test see that the extension is active. */
  public static Method lastCheckedTest() {
    return lastCheckedTest;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NAMESPACE).put(SNAPSHOT, new Snapshot(shmFiles(), Set.of(), ShmLedger.createdNotUnlinked()));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Snapshot before = context.getStore(NAMESPACE).remove(SNAPSHOT, Snapshot.class);
    verify(before == null ? new Snapshot(Set.of()) : before, GRACE);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    lastCheckedTest = context.getTestMethod().orElse(null);
    context.getStore(NAMESPACE).put(SNAPSHOT, snapshot());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Snapshot before = context.getStore(NAMESPACE).remove(SNAPSHOT, Snapshot.class);
    verify(before == null ? new Snapshot(Set.of()) : before, GRACE);
  }

  /** Takes the snapshot a later {@link #verify} compares with: files and child processes now. */
  public static Snapshot snapshot() {
    return new Snapshot(shmFiles(), nonSpareDescendants().stream().map(ProcessHandle::pid).collect(Collectors.toSet()),
        ShmLedger.createdNotUnlinked());
  }

  /**
   * Fails with an {@link AssertionError} naming every leftover child process and every new
   * {@code mp4j*} file of this process tree in {@code /dev/shm}, after killing and deleting them.
   *
   * @param grace how long processes on their way out may take to disappear
   */
  public static void verify(Snapshot before, Duration grace) {
    var problems = new ArrayList<String>();
    problems.addAll(killLeftoverProcesses(grace, before.processes()));
    problems.addAll(deleteLeakedShmFiles(before));
    if (!problems.isEmpty()) {
      throw new AssertionError("the test leaked (now cleaned up):\n  " + String.join("\n  ", problems));
    }
  }

  // ---------------------------------------------------------------------------------- processes

  /**
   * Descendants of this JVM that are not idle warm spares (nor their descendants). The
   * descendants are listed before the spares: a spare booted in between (the warm start method
   * boots replacements in the background, as a process exits) is then either missing from both or
   * in both, never taken for a leftover whose exit the check would wait for in vain.
   */
  public static List<ProcessHandle> nonSpareDescendants() {
    List<ProcessHandle> descendants = ProcessHandle.current().descendants().toList();
    Set<Long> spares = new HashSet<>(SparePool.get().idlePids());
    Set<Long> ignored = new HashSet<>(spares);
    for (long pid : spares) {
      ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> ignored.add(d.pid())));
    }
    return descendants.stream()
        .filter(h -> !ignored.contains(h.pid()))
        .filter(ProcessHandle::isAlive)
        .toList();
  }

  private static List<String> killLeftoverProcesses(Duration grace, Set<Long> fixtures) {
    long deadline = System.nanoTime() + grace.toNanos();
    List<ProcessHandle> left = newDescendants(fixtures);
    while (!left.isEmpty()) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        break;
      }
      awaitExit(left, remaining);
      left = newDescendants(fixtures);
    }
    if (left.isEmpty()) {
      return List.of();
    }
    List<String> described = left.stream()
        .map(h -> "child process pid " + h.pid() + " still running after " + grace.toMillis() + " ms: "
            + h.info().commandLine().orElse("(command line unknown)"))
        .toList();
    left.forEach(ProcessHandle::destroyForcibly);
    awaitExit(left, KILL_WAIT.toNanos());
    return described;
  }

  /** Non-spare descendants that are neither fixtures nor descendants of fixtures. */
  private static List<ProcessHandle> newDescendants(Set<Long> fixtures) {
    Set<Long> ignored = new HashSet<>(fixtures);
    for (long pid : fixtures) {
      ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> ignored.add(d.pid())));
    }
    return nonSpareDescendants().stream().filter(h -> !ignored.contains(h.pid())).toList();
  }

  private static void awaitExit(List<ProcessHandle> handles, long nanos) {
    try {
      CompletableFuture.allOf(handles.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
          .get(nanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // the caller looks again and reports what is left
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for child processes to exit failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for leftover child processes", e);
    }
  }

  // ------------------------------------------------------------------------------ shared memory

  private static Set<String> shmFiles() {
    if (!Files.isDirectory(SHM)) {
      return Set.of();
    }
    try (Stream<Path> files = Files.list(SHM)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(SHM_PREFIX))
          .collect(Collectors.toSet());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + SHM, e);
    }
  }

  private static List<String> deleteLeakedShmFiles(Snapshot before) {
    Set<Long> ours = new HashSet<>(OWNED_PIDS);
    ours.add(ProcessHandle.current().pid());
    ProcessHandle.current().descendants().forEach(h -> ours.add(h.pid()));
    var names = new java.util.TreeSet<String>();
    for (String name : shmFiles()) {
      if (!before.shmFiles().contains(name) && belongsTo(name, ours)) {
        names.add(name);
      }
    }
    for (String name : ShmLedger.createdNotUnlinked()) {
      if (!before.blocks().contains(name) && Files.exists(SHM.resolve(name))) {
        names.add(name);
      }
    }
    var leaked = new ArrayList<String>();
    for (String name : names) {
      leaked.add("file " + SHM.resolve(name) + " was created and not unlinked (unlink every SharedMemory and"
          + " ShareableList, close every handle a test makes, end every process)");
      try {
        Files.deleteIfExists(SHM.resolve(name));
      } catch (IOException e) {
        leaked.add("and could not be deleted: " + e);
      }
      ShmLedger.unlinked(name);
    }
    return leaked;
  }

  /** Whether a segment name belongs to one of {@code pids}; a name without a pid counts as ours. */
  static boolean belongsTo(String name, Set<Long> pids) {
    var m = SHM_OWNER.matcher(name);
    if (!m.matches()) {
      return true;
    }
    try {
      return pids.contains(Long.parseLong(m.group(1)));
    } catch (NumberFormatException e) {
      return true;
    }
  }
}
