package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.testutil.Blocking;
import org.multiprocessing4j.testutil.Gate;
import org.multiprocessing4j.testutil.ParentJvm;

/**
 * Exit codes, Python's: 0 when the target returns, 1 when it throws, {@code n} after
 * {@code System.exit(n)}, {@code -N} after signal N. For both JVM start methods, which reach the
 * exit code by different paths (a fresh JVM, a handed-over spare).
 */
class ProcessExitCodeTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private static Process startIn(String method, org.multiprocessing4j.function.SerializableRunnable target) {
    Process p = Multiprocessing.getContext(method).process(target);
    p.start();
    return p;
  }

  @ParameterizedTest
  @ValueSource(strings = {"spawn", "warm"})
  void exitCodeIsZeroWhenTheTargetReturns(String method) {
    Process p = startIn(method, () -> {});
    assertThat(p.join(WAIT)).isTrue();
    assertThat(p.exitCode()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"spawn", "warm"})
  void exitCodeIsOneWhenTheTargetThrows(String method) {
    Process p = startIn(method, () -> {
      System.setErr(new PrintStream(OutputStream.nullOutputStream())); // keep the test output clean
      throw new IllegalStateException("target failed on purpose");
    });
    assertThat(p.join(WAIT)).isTrue();
    assertThat(p.exitCode()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}: System.exit({1})")
  @CsvSource({"spawn, 7", "spawn, 143", "warm, 3", "warm, 143", "warm, 137"})
  void exitCodeIsNAfterSystemExitNEvenWhenNLooksLikeASignal(String method, int status) {
    Process p = startIn(method, () -> System.exit(status));
    assertThat(p.join(WAIT)).isTrue();
    assertThat(p.exitCode()).isEqualTo(status);
  }

  @ParameterizedTest(name = "{0}: System.exit({1})")
  @CsvSource({"warm, 256, 0", "warm, -1, 255", "spawn, 300, 44"})
  void exitCodeAfterSystemExitIsWhatTheOsKeepsOfN(String method, int status, int expected) {
    Process p = startIn(method, () -> System.exit(status));
    assertThat(p.join(WAIT)).isTrue();
    assertThat(p.exitCode()).isEqualTo(expected);
  }

  /** Starts a child that blocks, and returns once its target runs. */
  private Process startBlockingChild(String method) {
    Gate running = Gate.in(dir);
    Process p = startIn(method, () -> {
      running.open();
      Blocking.forever();
    });
    running.await();
    return p;
  }

  @ParameterizedTest
  @ValueSource(strings = {"spawn", "warm"})
  void exitCodeIsMinus15AfterTerminate(String method) {
    Process p = startBlockingChild(method);
    p.terminate();
    assertThat(p.join(WAIT)).isTrue();
    assertThat(p.exitCode()).isEqualTo(-15);
    p.terminate(); // terminating an ended process does nothing
    assertThat(p.exitCode()).isEqualTo(-15);
  }

  @ParameterizedTest
  @ValueSource(strings = {"spawn", "warm"})
  void exitCodeIsMinus9AfterKill(String method) {
    Process p = startBlockingChild(method);
    p.kill();
    assertThat(p.join(WAIT)).isTrue();
    assertThat(p.exitCode()).isEqualTo(-9);
  }

  @ParameterizedTest(name = "{0}: SIG{1}")
  @CsvSource({"spawn, INT, -2", "warm, HUP, -1", "spawn, TERM, -15"})
  void exitCodeIsMinusNAfterAnyShutdownSignalSentFromOutside(String method, String signal, int expected)
      throws Exception {
    // a JVM started with the signal ignored (a background job, nohup) keeps it ignored: nothing to see
    org.junit.jupiter.api.Assumptions.assumeFalse(ignoredByThisJvm(signal), "SIG" + signal + " is ignored here");
    Process p = startBlockingChild(method);
    var kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
    assertThat(p.join(WAIT)).isTrue();
    assertThat(p.exitCode()).isEqualTo(expected);
  }

  /** Whether this JVM (and so a child it starts) ignores the signal: the SigIgn mask of /proc/self/status. */
  private static boolean ignoredByThisJvm(String signal) throws java.io.IOException {
    int number = switch (signal) {
      case "HUP" -> 1;
      case "INT" -> 2;
      case "TERM" -> 15;
      default -> throw new IllegalArgumentException(signal);
    };
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & (1L << (number - 1))) != 0;
      }
    }
    return false;
  }

  @Test
  void aThrowingTargetPrintsProcessNameAndStackTraceToTheChildsStderr() {
    try (var parent = ParentJvm.start(dir, List.of(), "crash")) {
      String name = parent.awaitLine("name=", WAIT);
      assertThat(name).isEqualTo("Process-1");
      assertThat(parent.awaitLine("exitcode=", WAIT)).isEqualTo("1");
      assertThat(parent.awaitExit(WAIT)).isZero();

      String stderr = parent.stderr();
      assertThat(stderr)
          .contains("Process " + name + ":" + System.lineSeparator()
              + "java.lang.IllegalStateException: boom from the child")
          .contains("\tat org.multiprocessing4j.testutil.ParentScenarios.failInChild(ParentScenarios.java:");
    }
  }
}
