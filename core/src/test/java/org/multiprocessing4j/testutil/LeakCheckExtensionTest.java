package org.multiprocessing4j.testutil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.internal.spawn.SparePool;
import org.multiprocessing4j.sharedmemory.SharedMemory;

/** The leak check itself: it must report (and clean up) what a test leaves behind, and only that. */
class LeakCheckExtensionTest {
  private static final Duration SHORT_GRACE = Duration.ofMillis(200);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void isRegisteredForEveryTestByAutodetection(TestInfo info) {
    assertThat(LeakCheckExtension.lastCheckedTest()).isEqualTo(info.getTestMethod().orElseThrow());
  }

  @Test
  void reportsAndKillsAChildJvmLeftRunning() {
    var before = LeakCheckExtension.snapshot();
    Process leaked = Multiprocessing.getContext("warm").process(Blocking::forever);
    leaked.start();

    AssertionError error = catchThrowableOfType(AssertionError.class,
        () -> LeakCheckExtension.verify(before, SHORT_GRACE));

    assertThat(error).isNotNull();
    assertThat(error.getMessage())
        .contains("the test leaked")
        .contains("child process pid " + leaked.pid() + " still running after 200 ms")
        .contains("org.multiprocessing4j.internal.spawn.ChildMain");
    assertThat(leaked.join(WAIT)).isTrue();
    assertThat(leaked.exitCode()).isEqualTo(-9);
  }

  @Test
  void reportsAnyOsProcessStillRunningAfterTheGracePeriod() throws IOException {
    var before = LeakCheckExtension.snapshot();
    java.lang.Process sleeper = new ProcessBuilder("sleep", "60").start();

    long t0 = System.nanoTime();
    AssertionError error = catchThrowableOfType(AssertionError.class,
        () -> LeakCheckExtension.verify(before, SHORT_GRACE));
    long elapsed = System.nanoTime() - t0;

    assertThat(error).isNotNull();
    assertThat(error.getMessage()).contains("child process pid " + sleeper.pid()).contains("sleep 60");
    assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(SHORT_GRACE);
    assertThat(sleeper.toHandle().onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join().isAlive())
        .isFalse();
  }

  @Test
  void waitsForAProcessOnItsWayOutInsteadOfReportingIt() throws IOException {
    var before = LeakCheckExtension.snapshot();
    java.lang.Process shortLived = new ProcessBuilder("sleep", "0.3").start();

    assertThatCode(() -> LeakCheckExtension.verify(before, LeakCheckExtension.GRACE)).doesNotThrowAnyException();
    assertThat(shortLived.isAlive()).isFalse();
    assertThat(shortLived.exitValue()).isZero();
  }

  @Test
  void acceptsAChildThatWasJoinedButWhoseJvmIsStillExiting() {
    var before = LeakCheckExtension.snapshot();
    Process p = Multiprocessing.getContext("warm").process(() -> {});
    p.start();
    assertThat(p.join(WAIT)).isTrue();

    assertThatCode(() -> LeakCheckExtension.verify(before, LeakCheckExtension.GRACE)).doesNotThrowAnyException();
  }

  @Test
  void ignoresIdleWarmSpares() {
    SparePool.get().prestart();
    assertThat(SparePool.get().idlePids()).isNotEmpty();

    assertThatCode(() -> LeakCheckExtension.verify(LeakCheckExtension.snapshot(), SHORT_GRACE))
        .doesNotThrowAnyException();
    assertThat(LeakCheckExtension.nonSpareDescendants()).isEmpty();
  }

  @Test
  void reportsAndDeletesANewMp4jFileOfThisProcessInDevShm() throws IOException {
    var before = LeakCheckExtension.snapshot();
    Path leaked = LeakCheckExtension.SHM.resolve(
        "mp4j-" + ProcessHandle.current().pid() + "-leakcheck-" + UUID.randomUUID());
    Files.createFile(leaked);
    try {
      AssertionError error = catchThrowableOfType(AssertionError.class,
          () -> LeakCheckExtension.verify(before, SHORT_GRACE));

      assertThat(error).isNotNull();
      assertThat(error.getMessage()).contains("file " + leaked + " was created and not unlinked");
      assertThat(leaked).doesNotExist();
    } finally {
      Files.deleteIfExists(leaked);
    }
  }

  @Test
  void aFileThatExistedBeforeTheTestIsNotALeak() throws IOException {
    Path existing = LeakCheckExtension.SHM.resolve(
        "mp4j-" + ProcessHandle.current().pid() + "-leakcheck-" + UUID.randomUUID());
    Files.createFile(existing);
    try {
      var before = LeakCheckExtension.snapshot();
      assertThatCode(() -> LeakCheckExtension.verify(before, SHORT_GRACE)).doesNotThrowAnyException();
      assertThat(existing).exists();
    } finally {
      Files.delete(existing);
    }
  }

  @Test
  void filesOfOtherProcessTreesOnTheMachineAreNotThisTestsLeaks() throws IOException {
    var before = LeakCheckExtension.snapshot();
    // pid 1 is alive and never one of ours: the file stands for another build's segment
    Path foreign = LeakCheckExtension.SHM.resolve("mp4j-1-leakcheck-" + UUID.randomUUID());
    Files.createFile(foreign);
    try {
      assertThatCode(() -> LeakCheckExtension.verify(before, SHORT_GRACE)).doesNotThrowAnyException();
      assertThat(foreign).exists();
    } finally {
      Files.delete(foreign);
    }
  }

  @Test
  void reportsAndDeletesASharedMemoryBlockOfAnyNameCreatedAndNotUnlinked() {
    var before = LeakCheckExtension.snapshot();
    String name = "leakcheck_" + UUID.randomUUID().toString().replace("-", "");
    Path file = LeakCheckExtension.SHM.resolve(name);
    try (var block = SharedMemory.create(name, 4096)) {
      AssertionError error = catchThrowableOfType(AssertionError.class,
          () -> LeakCheckExtension.verify(before, SHORT_GRACE));

      assertThat(error).isNotNull();
      assertThat(error.getMessage()).contains("file " + file + " was created and not unlinked");
      assertThat(file).doesNotExist();
    }
  }

  @Test
  void segmentNamesAreAttributedByTheirOwnerPid() {
    assertThat(LeakCheckExtension.belongsTo("mp4j-4711-a3f", Set.of(4711L))).isTrue();
    assertThat(LeakCheckExtension.belongsTo("mp4j_4711_a3f", Set.of(4711L))).isTrue();
    assertThat(LeakCheckExtension.belongsTo("mp4j-4712-a3f", Set.of(4711L))).isFalse();
    assertThat(LeakCheckExtension.belongsTo("mp4j-nopid", Set.of(4711L))).isTrue();
  }
}
