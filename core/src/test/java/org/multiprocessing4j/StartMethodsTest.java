package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.internal.spawn.SparePool;
import org.multiprocessing4j.testutil.ChildResult;
import org.multiprocessing4j.testutil.Gate;

/**
 * Start methods and contexts: {@code spawn}, {@code warm}, {@code thread}; Python's
 * {@code get_context}, {@code set_start_method}, {@code get_all_start_methods}.
 */
class StartMethodsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"spawn", "warm", "thread"})
  void eachStartMethodRunsTheTarget(String method) {
    Context context = Multiprocessing.getContext(method);
    assertThat(context.getStartMethod()).isEqualTo(method);
    ChildResult result = ChildResult.in(dir);
    Process p = context.process(() -> result.write((java.io.Serializable) List.of(
        Multiprocessing.currentProcess().getName(), ProcessHandle.current().pid())), "Runner-" + method);

    p.start();
    assertThat(p.join(WAIT)).isTrue();
    assertThat(p.exitCode()).isZero();

    List<Object> reported = result.read();
    assertThat(reported.get(0)).isEqualTo("Runner-" + method);
    assertThat(reported.get(1)).isEqualTo(p.pid());
    if (method.equals("thread")) {
      assertThat(p.pid()).isEqualTo(ProcessHandle.current().pid());
    } else {
      assertThat(p.pid()).isNotEqualTo(ProcessHandle.current().pid());
    }
  }

  @Test
  void threadProcessExitCodeIsOneWhenTheTargetThrowsAndItPrintsTheNameAndStackTrace() {
    PrintStream originalErr = System.err;
    var captured = new ByteArrayOutputStream();
    Process p = Multiprocessing.getContext("thread").process(() -> {
      throw new IllegalArgumentException("thread target failed on purpose");
    }, "ThreadThrower");
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      p.start();
      assertThat(p.join(WAIT)).isTrue();
    } finally {
      System.setErr(originalErr);
    }
    assertThat(p.exitCode()).isEqualTo(1);
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .startsWith("Process ThreadThrower:" + System.lineSeparator()
            + "java.lang.IllegalArgumentException: thread target failed on purpose");
  }

  @Test
  void threadProcessJoinWithTimeoutAndIsAliveFollowItsThread() {
    Gate gate = Gate.in(dir);
    Process p = Multiprocessing.getContext("thread").process(gate::await);
    p.start();
    try {
      assertThat(p.isAlive()).isTrue();
      assertThat(p.join(Duration.ofMillis(50))).isFalse();
      assertThat(Multiprocessing.activeChildren()).contains(p);
    } finally {
      gate.open();
      assertThat(p.join(WAIT)).isTrue();
    }
    assertThat(p.isAlive()).isFalse();
    assertThat(p.exitCode()).isZero();
  }

  @Test
  void setStartMethodTwiceWithoutForceThrowsIllegalStateException() {
    String previous = Multiprocessing.getStartMethod();
    try {
      Multiprocessing.setStartMethod("warm", true);
      assertThat(Multiprocessing.getStartMethod()).isEqualTo("warm");
      assertThat(Multiprocessing.getContext().getStartMethod()).isEqualTo("warm");

      assertThatThrownBy(() -> Multiprocessing.setStartMethod("spawn"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("context has already been set (start method 'warm'); call setStartMethod(method, true)"
              + " to change it, or use getContext(method)");
      assertThat(Multiprocessing.getStartMethod()).isEqualTo("warm");

      Multiprocessing.setStartMethod("thread", true);
      assertThat(Multiprocessing.getStartMethod()).isEqualTo("thread");
    } finally {
      Multiprocessing.setStartMethod(previous, true);
    }
  }

  @Test
  void getAllStartMethodsIsSpawnWarmThreadWithTheDefaultFirst() {
    assertThat(Multiprocessing.getAllStartMethods()).containsExactly("spawn", "warm", "thread");
  }

  @Test
  void getContextOfAnUnknownMethodThrowsIllegalArgumentException() {
    assertThatThrownBy(() -> Multiprocessing.getContext("nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot find context for 'nope': the start methods are [spawn, warm, thread]");
    assertThatThrownBy(() -> Multiprocessing.setStartMethod("nope", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot find context for 'nope'");
  }

  @Test
  void cpuCountIsPositive() {
    assertThat(Multiprocessing.cpuCount()).isPositive().isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void warmSparesRehearseSharedMemoryOnlyWhileTheProgramsStartsHoldSharedMemory() throws Exception {
    Context warm = Multiprocessing.getContext("warm");
    Process plain = warm.process(() -> {});
    plain.start();
    assertThat(plain.join(WAIT)).isTrue();
    assertThat(awaitIdleSpareMode("spare-lean")).as("a spare booted after a plain start").isTrue();

    assertThat(aFullSpareBootsAfterAStartHoldingAQueue(warm)).as("a spare booted after a start holding a queue")
        .isTrue();
  }

  @Test
  void aRefillBootsTheKindOfTheLatestStartEvenWhenAnEarlierStartAskedForIt() throws Exception {
    Context warm = Multiprocessing.getContext("warm");
    var spares = prestartSpares();
    // with spares left idle, its refill waits (up to 100 ms) for it to finish: the next start,
    // made meanwhile, asks for no refill of its own
    Process plain = warm.process(() -> java.util.concurrent.locks.LockSupport.parkNanos(300_000_000L));
    plain.start();
    try {
      assertThat(aFullSpareBootsAfterAStartHoldingAQueue(warm)).as("the plain start's refill boots the latest kind")
          .isTrue();
    } finally {
      assertThat(plain.join(WAIT)).isTrue();
    }
  }

  @Test
  void aShutdownOfTheSparesDropsTheRefillAskedForBeforeIt() throws Exception {
    var spares = prestartSpares();
    Process p = Multiprocessing.getContext("warm").process(() -> {});
    p.start(); // asks for a refill, which waits for the process's OS exit
    spares.shutdown();
    assertThat(p.join(WAIT)).isTrue();
    assertThat(spares.awaitRefills(WAIT)).isTrue();
    assertThat(spares.idlePids()).as("spares booted after the shutdown").isEmpty();
  }

  /** Boots the warm spares and waits (a minute at most) until they are all idle. */
  private static SparePool prestartSpares() throws InterruptedException {
    var spares = SparePool.get();
    spares.prestart();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (spares.idlePids().size() < spares.spares() && System.nanoTime() < deadline) {
      Thread.sleep(10); // polling: the pool boots them in the background
    }
    return spares;
  }

  /**
   * Runs a warm process that holds a queue (a handle of shared memory) and waits for a spare of
   * the full kind that was not idle before it; false after a minute.
   */
  private static boolean aFullSpareBootsAfterAStartHoldingAQueue(Context warm) throws Exception {
    try (Queue<Integer> queue = Multiprocessing.queue()) {
      var before = java.util.Set.copyOf(SparePool.get().idlePids());
      Process user = warm.process(() -> queue.put(1));
      user.start();
      assertThat(queue.get(true, WAIT)).isEqualTo(1);
      assertThat(user.join(WAIT)).isTrue();
      return awaitIdleSpareMode("spare", before);
    }
  }

  private static boolean awaitIdleSpareMode(String mode) throws Exception {
    return awaitIdleSpareMode(mode, java.util.Set.of());
  }

  /**
   * Waits until an idle warm spare not among {@code old} runs in this mode (its last argument);
   * false after a minute.
   */
  private static boolean awaitIdleSpareMode(String mode, java.util.Set<Long> old) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (long pid : SparePool.get().idlePids()) {
        if (old.contains(pid)) {
          continue;
        }
        String[] args;
        try {
          args = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0");
        } catch (java.io.IOException e) {
          continue; // gone meanwhile
        }
        if (args[args.length - 1].equals(mode)) {
          return true;
        }
      }
      Thread.sleep(10); // polling the spares a refill boots in the background
    }
    return false;
  }
}
