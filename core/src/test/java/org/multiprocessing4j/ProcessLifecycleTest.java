package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.testutil.Blocking;
import org.multiprocessing4j.testutil.ChildResult;
import org.multiprocessing4j.testutil.Gate;
import org.multiprocessing4j.testutil.LeakCheckExtension;

/**
 * The life of a {@link Process} seen from its parent: start, join, isAlive, close, onExit, pid,
 * activeChildren, toString (CPython's {@code _TestProcess.test_process}, {@code test_terminate},
 * {@code test_active_children}, {@code test_close}, {@code test_sentinel}). Children are warm
 * JVMs, since only "some child" is needed.
 */
class ProcessLifecycleTest {
  private static final Context WARM = Multiprocessing.getContext("warm");
  /** Safety net for waits on events: long, since a busy 2-core machine boots JVMs slowly. */
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void joinWithTimeoutReturnsFalseWhileRunningAfterWaitingAtLeastTheTimeout() {
    Process p = WARM.process(Blocking::forever);
    p.start();
    try {
      Duration timeout = Duration.ofMillis(300);
      long t0 = System.nanoTime();
      boolean ended = p.join(timeout);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);

      assertThat(ended).isFalse();
      assertThat(elapsed).isGreaterThanOrEqualTo(timeout).isLessThan(timeout.plusSeconds(5));
      assertThat(p.join(Duration.ZERO)).isFalse();
      assertThat(p.isAlive()).isTrue();
      assertThat(p.exitCode()).isNull();
    } finally {
      p.kill();
      p.join(WAIT);
    }
  }

  @Test
  void joinReturnsTrueOnceTheProcessHasEndedAndIsAliveFollowsTheLifecycle() {
    Gate gate = Gate.in(dir);
    Process p = WARM.process(gate::await);
    assertThat(p.isAlive()).isFalse();
    assertThat(p.exitCode()).isNull();

    p.start();
    assertThat(p.isAlive()).isTrue();
    assertThat(p.exitCode()).isNull();

    gate.open();
    assertThat(p.join(WAIT)).isTrue();
    assertThat(p.isAlive()).isFalse();
    assertThat(p.exitCode()).isZero();
    assertThat(p.join(Duration.ZERO)).isTrue();
    p.join(); // joining an ended process again returns at once
  }

  @Test
  void startingTwiceThrowsIllegalStateException() {
    Process p = WARM.process(() -> {});
    p.start();
    try {
      assertThatThrownBy(p::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("cannot start a process twice: <Process name='" + p.getName() + "'")
          .hasMessageEndingWith("was already started");
    } finally {
      p.join(WAIT);
    }
    assertThat(p.exitCode()).isZero();
  }

  @Test
  void joiningAnUnstartedProcessThrowsIllegalStateException() {
    Process p = new Process(() -> {});
    assertThatThrownBy(p::join)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("can only join a started process: " + p + " was never started");
    assertThatThrownBy(() -> p.join(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("can only join a started process");
  }

  @Test
  void signallingOrWatchingAnUnstartedProcessThrowsIllegalStateException() {
    Process p = new Process(() -> {});
    assertThatThrownBy(p::terminate).isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot terminate " + p + ": it was never started");
    assertThatThrownBy(p::kill).isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot kill " + p + ": it was never started");
    assertThatThrownBy(p::onExit).isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot onExit " + p + ": it was never started");
  }

  @Test
  void setDaemonAfterStartThrowsIllegalStateException() {
    Process p = WARM.process(() -> {});
    p.setDaemon(true);
    assertThat(p.isDaemon()).isTrue();
    p.setDaemon(false);
    assertThat(p.isDaemon()).isFalse();
    p.start();
    try {
      assertThatThrownBy(() -> p.setDaemon(true))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("process has already started: cannot change the daemon flag of <Process name='"
              + p.getName() + "'");
      assertThat(p.isDaemon()).isFalse();
    } finally {
      p.join(WAIT);
    }
  }

  @Test
  void closeWhileRunningThrowsAndAfterCloseTheMethodsThrow() {
    Process p = WARM.process(Blocking::forever);
    p.start();
    try {
      assertThatThrownBy(p::close)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("Cannot close a process while it is still running: <Process name='"
              + p.getName() + "'")
          .hasMessageEndingWith("You should first call join() or terminate().");
      assertThat(p.isAlive()).isTrue();
    } finally {
      p.terminate();
      p.join(WAIT);
    }

    p.close();
    p.close(); // closing twice is allowed, as in Python

    String closed = "process object is closed: " + p.getName()
        + " was closed with close(); create a new Process";
    assertThatThrownBy(p::isAlive).isInstanceOf(IllegalStateException.class).hasMessage(closed);
    assertThatThrownBy(p::join).isInstanceOf(IllegalStateException.class).hasMessage(closed);
    assertThatThrownBy(p::exitCode).isInstanceOf(IllegalStateException.class).hasMessage(closed);
    assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class).hasMessage(closed);
    assertThatThrownBy(p::terminate).isInstanceOf(IllegalStateException.class).hasMessage(closed);
    assertThatThrownBy(p::kill).isInstanceOf(IllegalStateException.class).hasMessage(closed);
    assertThatThrownBy(p::onExit).isInstanceOf(IllegalStateException.class).hasMessage(closed);
    assertThat(p.toString()).endsWith(" closed>");
    assertThat(Multiprocessing.activeChildren()).doesNotContain(p);
  }

  @Test
  void closeOfAnUnstartedProcessIsAllowed() {
    Process p = new Process(() -> {});
    p.close();
    assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("process object is closed");
  }

  @Test
  void onExitCompletesWithTheProcessWhenItEnds() throws Exception {
    Gate gate = Gate.in(dir);
    Process p = WARM.process(gate::await);
    p.start();
    var exit = p.onExit();
    assertThat(exit).isNotDone();

    gate.open();
    assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isSameAs(p);
    assertThat(p.exitCode()).isZero();
    assertThat(p.join(Duration.ZERO)).isTrue();
  }

  @Test
  void pidIsNullBeforeStartAndTheChildJvmsPidAfter() {
    Gate gate = Gate.in(dir);
    ChildResult ownPid = ChildResult.in(dir);
    Process p = WARM.process(() -> {
      ownPid.write(ProcessHandle.current().pid());
      gate.await();
    });
    assertThat(p.pid()).isNull();

    p.start();
    try {
      Long pid = p.pid();
      assertThat(pid).isNotNull().isNotEqualTo(ProcessHandle.current().pid());
      ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
      assertThat(handle.parent().map(ProcessHandle::pid)).contains(ProcessHandle.current().pid());
      assertThat(handle.info().commandLine().orElseThrow())
          .contains("org.multiprocessing4j.internal.spawn.ChildMain");
    } finally {
      gate.open();
      p.join(WAIT);
    }
    assertThat(p.exitCode()).isZero();
    assertThat(ownPid.<Long>read()).isEqualTo(p.pid());
  }

  @Test
  void activeChildrenListsRunningChildrenAndDropsFinishedOnes() {
    Gate gate = Gate.in(dir);
    Process waiting = WARM.process(gate::await);
    Process sleeping = WARM.process(Blocking::forever);
    assertThat(Multiprocessing.activeChildren()).doesNotContain(waiting, sleeping);

    waiting.start();
    sleeping.start();
    try {
      assertThat(Multiprocessing.activeChildren()).contains(waiting, sleeping);

      sleeping.terminate();
      assertThat(sleeping.join(WAIT)).isTrue();
      assertThat(Multiprocessing.activeChildren()).contains(waiting).doesNotContain(sleeping);
    } finally {
      gate.open();
      waiting.join(WAIT);
      sleeping.kill();
      sleeping.join(WAIT);
    }
    // finished but never joined after the end: reaped by activeChildren itself
    assertThat(Multiprocessing.activeChildren()).doesNotContain(waiting, sleeping);
  }

  @Test
  void activeChildrenReapsAChildThatEndedWithoutBeingJoined() throws Exception {
    Process p = WARM.process(() -> {});
    p.start();
    p.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(Multiprocessing.activeChildren()).doesNotContain(p);
  }

  @Test
  void toStringShowsInitialStartedDaemonAndStoppedStates() {
    long me = ProcessHandle.current().pid();
    Gate gate = Gate.in(dir);
    Process sleeper = WARM.process(Blocking::forever, "Sleeper");
    Process daemon = WARM.process(gate::await, "Waiter");
    daemon.setDaemon(true);
    assertThat(sleeper).hasToString("<Process name='Sleeper' parent=" + me + " initial>");
    assertThat(daemon).hasToString("<Process name='Waiter' parent=" + me + " initial daemon>");

    sleeper.start();
    daemon.start();
    try {
      assertThat(sleeper).hasToString("<Process name='Sleeper' pid=" + sleeper.pid() + " parent=" + me + " started>");
      assertThat(daemon).hasToString("<Process name='Waiter' pid=" + daemon.pid() + " parent=" + me
          + " started daemon>");

      sleeper.terminate();
      sleeper.join(WAIT);
      assertThat(sleeper).hasToString("<Process name='Sleeper' pid=" + sleeper.pid() + " parent=" + me
          + " stopped exitcode=-SIGTERM>");
    } finally {
      gate.open();
      daemon.join(WAIT);
      sleeper.kill();
      sleeper.join(WAIT);
    }
    assertThat(daemon).hasToString("<Process name='Waiter' pid=" + daemon.pid() + " parent=" + me
        + " stopped exitcode=0 daemon>");
  }

  @Test
  void mainProcessToStringHasNoParent() {
    assertThat(Multiprocessing.currentProcess())
        .hasToString("<MainProcess name='MainProcess' parent=None started>");
  }

  @Test
  void startFailsWithPicklingExceptionNamingTheNonSerializableCapturedClassAndStartsNoChild() {
    var notSerializable = new NotSerializable("captured by the target");
    Process p = Multiprocessing.getContext("spawn").process(() -> System.out.println(notSerializable.label));
    var childrenBefore = LeakCheckExtension.nonSpareDescendants();

    assertThatThrownBy(p::start)
        .isInstanceOf(PicklingException.class)
        .hasMessageContaining("cannot send the process " + p.getName())
        .hasMessageContaining("class " + NotSerializable.class.getName() + " is not serializable");

    assertThat(p.pid()).isNull();
    assertThat(p.isAlive()).isFalse();
    assertThat(Multiprocessing.activeChildren()).doesNotContain(p);
    assertThat(LeakCheckExtension.nonSpareDescendants()).isEqualTo(childrenBefore);
  }

  @Test
  void aLambdaWhoseTargetTypeIsNotSerializableIsRefusedWithAHint() {
    Runnable plain = () -> {};
    Process p = new Process(plain::run);
    // plain::run captures the non-serializable lambda object
    assertThatThrownBy(p::start)
        .isInstanceOf(PicklingException.class)
        .hasMessageContaining("$$Lambda")
        .hasMessageContaining("declare it as one of the types in org.multiprocessing4j.function");
    assertThat(p.pid()).isNull();
  }

  /** A value that a target must not capture. */
  static final class NotSerializable {
    final String label;

    NotSerializable(String label) {
      this.label = label;
    }
  }
}
