package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.testutil.ChildResult;
import org.multiprocessing4j.testutil.Gate;
import org.multiprocessing4j.testutil.OsProcesses;
import org.multiprocessing4j.testutil.ParentJvm;

/**
 * How children end with their parent (DESIGN.md §2): at normal exit daemon children are
 * terminated and the others joined (Python's {@code _exit_function}); when the parent dies
 * however it dies, every child exits within a second. The parent is a JVM the test starts.
 */
class ProcessTreeLifetimeTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** The contract says a second; a busy 2-core machine gets some slack. */
  private static final Duration ORPHAN_DEADLINE = Duration.ofSeconds(2);

  @TempDir Path dir;

  @Test
  void childrenExitWithinASecondWhenTheirParentIsKilled() throws Exception {
    var watched = new ArrayList<Long>();
    try (var parent = ParentJvm.start(dir, List.of(), "orphans")) {
      List<Long> children = pids(parent.awaitLine("children=", WAIT));
      List<Long> spares = pids(parent.awaitLine("spares=", WAIT));
      watched.addAll(children);
      watched.addAll(spares);
      // both children run their targets (not still booting) before the parent dies
      List<Long> running = List.of(Long.parseLong(parent.awaitLine("running=", WAIT)),
          Long.parseLong(parent.awaitLine("running=", WAIT)));
      assertThat(running).containsExactlyInAnyOrderElementsOf(children);
      assertThat(spares).isNotEmpty();

      var deathSeen = parent.process().onExit().thenApply(p -> System.nanoTime());
      parent.process().destroyForcibly(); // SIGKILL: no shutdown hook runs in the parent
      long parentDead = deathSeen.get(WAIT.toSeconds(), TimeUnit.SECONDS);

      for (long child : children) {
        long gone = OsProcesses.awaitGone(child, WAIT);
        Duration afterParent = Duration.ofNanos(Math.max(0, gone - parentDead));
        System.out.printf("child %d exited %d ms after its parent was killed%n", child, afterParent.toMillis());
        assertThat(afterParent).as("time from the parent's death to child %d's exit", child)
            .isLessThan(ORPHAN_DEADLINE);
      }
      for (long spare : spares) {
        // an idle spare may still be booting: it notices the death once booted
        long gone = OsProcesses.awaitGone(spare, WAIT);
        System.out.printf("warm spare %d exited %d ms after its parent was killed%n", spare,
            Duration.ofNanos(gone - parentDead).toMillis());
      }
    } finally {
      watched.forEach(OsProcesses::killQuietly); // orphans are no longer our descendants
    }
  }

  @Test
  void atNormalExitDaemonChildrenAreTerminatedAndOtherChildrenJoined() {
    Gate gate = Gate.in(dir);
    Gate daemonRunning = Gate.in(dir);
    ChildResult result = ChildResult.in(dir);
    long daemon = -1;
    long worker = -1;
    try (var parent = ParentJvm.start(dir, List.of(), "exit", gate.path(), daemonRunning.path(), result.path())) {
      daemon = Long.parseLong(parent.awaitLine("daemon=", WAIT));
      worker = Long.parseLong(parent.awaitLine("worker=", WAIT));

      // main() has returned: the parent's exit terminates the daemon child...
      OsProcesses.awaitGone(daemon, WAIT);
      // ...and waits for the worker, which waits for the gate
      assertThat(parent.process().isAlive()).as("the parent waits for its non-daemon child").isTrue();
      assertThat(OsProcesses.isGone(worker)).isFalse();
      assertThat(result.isWritten()).isFalse();

      gate.open();
      assertThat(parent.awaitExit(WAIT)).isZero();
      assertThat(result.<String>read()).isEqualTo("worker finished");
      OsProcesses.awaitGone(worker, WAIT);
      assertThat(parent.stderr()).isEmpty();
    } finally {
      OsProcesses.killQuietly(daemon);
      OsProcesses.killQuietly(worker);
    }
  }

  private static List<Long> pids(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(",")).filter(s -> !s.isBlank()).map(Long::parseLong).toList();
  }
}
