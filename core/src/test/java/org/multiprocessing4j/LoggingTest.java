package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.testutil.ParentJvm;

/**
 * The library's logging (Python's {@code get_logger}/{@code log_to_stderr}): a JUL logger named
 * {@code multiprocessing4j}, silent by default, Python's format on stderr, inherited by children.
 * {@code logToStderr} is only ever called in a parent JVM the test starts: it would change this
 * JVM's logger for every later test.
 */
class LoggingTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void loggerIsNamedMultiprocessing4jWithNoHandlerAndNoParentHandlers() {
    Logger logger = Multiprocessing.getLogger();
    assertThat(logger.getName()).isEqualTo("multiprocessing4j");
    assertThat(logger).isSameAs(Logger.getLogger("multiprocessing4j"));
    assertThat(logger.getHandlers()).isEmpty();
    assertThat(logger.getUseParentHandlers()).isFalse();
  }

  @Test
  void subdebugAndSubwarningSitBetweenTheNeighbouringJulLevels() {
    assertThat(Multiprocessing.SUBDEBUG.getName()).isEqualTo("SUBDEBUG");
    assertThat(Multiprocessing.SUBDEBUG.intValue())
        .isGreaterThan(Level.FINER.intValue())
        .isLessThan(Level.FINE.intValue());
    assertThat(Multiprocessing.SUBWARNING.getName()).isEqualTo("SUBWARNING");
    assertThat(Multiprocessing.SUBWARNING.intValue())
        .isGreaterThan(Level.INFO.intValue())
        .isLessThan(Level.WARNING.intValue());
  }

  @Test
  void aChildOfAParentThatNeverLogsDoesNotSetUpJavaUtilLogging() throws Exception {
    Path logs = dir.resolve("init.log");
    try (var parent = ParentJvm.start(dir, List.of(), "no-logging", logs.toString())) {
      assertThat(parent.awaitLine("spawn-exitcode=", WAIT)).isEqualTo("0");
      assertThat(parent.awaitLine("warm-exitcode=", WAIT)).isEqualTo("0");
      assertThat(parent.awaitExit(WAIT)).isZero();
    }
    List<Path> childLogs;
    try (var files = java.nio.file.Files.list(dir)) {
      childLogs = files.filter(f -> f.getFileName().toString().startsWith("init.log-")).toList();
    }
    // the spawned child, the warm child and the spare booted after it (the parent may exit first)
    assertThat(childLogs).hasSizeGreaterThanOrEqualTo(2);
    int ran = 0;
    for (Path log : childLogs) {
      String text = java.nio.file.Files.readString(log);
      assertThat(text).as("log %s", log).doesNotContain("java/util/logging/LogManager");
      if (text.contains("org/multiprocessing4j/Process$Form")) {
        ran++; // this child decoded a process: the log covers a start
      }
    }
    assertThat(ran).isGreaterThanOrEqualTo(2);
  }

  @Test
  void logToStderrMakesParentAndChildLogInPythonsFormatAndTheChildInheritsTheLevel() {
    try (var parent = ParentJvm.start(dir, List.of(), "logging")) {
      assertThat(parent.awaitLine("child-level=", WAIT)).isEqualTo("INFO");
      assertThat(parent.awaitLine("exitcode=", WAIT)).isEqualTo("0");
      assertThat(parent.awaitExit(WAIT)).isZero();

      List<String> lines = parent.stderr().lines().toList();
      // Python's order: the child's _bootstrap, its _exit_function, then the parent and its exit
      assertThat(lines).containsSubsequence(
          "[INFO/Process-1] child process calling self.run()",
          "[INFO/Process-1] info message from the child",
          "[INFO/Process-1] process shutting down",
          "[INFO/Process-1] process exiting with exitcode 0",
          "[INFO/MainProcess] info message from the parent",
          "[INFO/MainProcess] process shutting down");
      assertThat(lines).noneMatch(l -> l.contains("fine message hidden in the child"));
    }
  }
}
