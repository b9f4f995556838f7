package org.multiprocessing4j.internal.shm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.testutil.TestJvms;

/** The sweep of segments left by process trees that are gone. */
class ShmSweepTest {
  /** The pid of a process that has ended (and was reaped), so no tree of that root lives. */
  private static long deadPid() throws Exception {
    java.lang.Process p = new ProcessBuilder("true").start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    long pid = p.pid();
    assertThat(ProcessHandle.of(pid)).as("pid " + pid + " was not reused yet").isEmpty();
    return pid;
  }

  private static String segmentName(long rootPid) {
    return "mp4j-" + rootPid + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  private static boolean exists(String name) {
    return Files.exists(ShmFiles.path(name));
  }

  // The rules are tested in a directory of the test's own: other JVMs on this machine (parallel
  // builds) sweep /dev/shm at their start-up and would race with a test's files there.

  @TempDir Path dir;

  private void createFile(String name) throws Exception {
    Files.write(dir.resolve(name), new byte[64]);
  }

  private boolean existsInDir(String name) {
    return Files.exists(dir.resolve(name));
  }

  @Test
  void sweepDeletesSegmentsOfADeadRootThatNoProcessMaps() throws Exception {
    String name = segmentName(deadPid());
    createFile(name);
    assertThat(ShmSweeper.sweep(dir)).containsExactly(name);
    assertThat(existsInDir(name)).isFalse();
  }

  @Test
  void sweepKeepsASegmentOfADeadRootWhileALiveProcessMapsIt() throws Exception {
    String name = segmentName(deadPid());
    createFile(name);
    Arena arena = Arena.ofShared();
    try (FileChannel ch = FileChannel.open(dir.resolve(name), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ch.map(FileChannel.MapMode.READ_WRITE, 0, 64, arena);
    }
    try {
      assertThat(ShmSweeper.sweep(dir)).isEmpty();
      assertThat(existsInDir(name)).isTrue();
    } finally {
      arena.close();
    }
    assertThat(ShmSweeper.sweep(dir)).containsExactly(name);
    assertThat(existsInDir(name)).isFalse();
  }

  @Test
  void sweepKeepsSegmentsOfALiveRootEvenWhenNobodyMapsThem() throws Exception {
    String name = segmentName(ProcessHandle.current().pid());
    createFile(name);
    assertThat(ShmSweeper.sweep(dir)).isEmpty();
    assertThat(existsInDir(name)).isTrue();
  }

  @Test
  void sweepLeavesFilesThatAreNotSegmentNamesAlone() throws Exception {
    long dead = deadPid();
    List<String> others = List.of("mp4j-" + dead + "-not-hex", "mp4j-" + dead, "psm_" + dead, "mp4j-x-" + dead,
        "mp4j-" + dead + "-", "mp4j-" + dead + "-ABCDEF", "mp4j--" + dead, "mp4j-12345678901234567890123-ab");
    for (String n : others) {
      createFile(n);
    }
    assertThat(ShmSweeper.sweep(dir)).isEmpty();
    assertThat(others).allMatch(this::existsInDir);
  }

  @Test
  void aSegmentNameGivesItsRootPidOnlyWhenItIsWhollyOfTheLibrarysForm() {
    assertThat(ShmSweeper.rootPidOf("mp4j-4711-0a9f")).isEqualTo(4711);
    assertThat(ShmSweeper.rootPidOf("mp4j-04711-0a9f")).as("leading zeros").isEqualTo(4711);
    assertThat(ShmSweeper.rootPidOf("mp4j-999999999999999999-a")).as("18 digits").isEqualTo(999_999_999_999_999_999L);
    assertThat(List.of("mp4j-1234567890123456789-a", "mp4j-99999999999999999999-a", "mp4j-4711-", "mp4j-4711",
        "mp4j--4711-ab", "mp4j-4711-AB", "mp4j-4711-ab-cd", "mp4j-47x1-ab", "mp4j-\u0661\u0662-ab", "psm_4711",
        "mp4j-4711-ab\n")).allMatch(n -> ShmSweeper.rootPidOf(n) == -1);
  }

  @Test
  void aSegmentOfADeadRootWrittenWithLeadingZerosIsSweptToo() throws Exception {
    String name = "mp4j-00" + deadPid() + "-ab";
    createFile(name);
    assertThat(ShmSweeper.sweep(dir)).containsExactly(name);
  }

  @Test
  void aTreeKilledWithSigkillLeavesNothingOnceAnotherProgramStarts() throws Exception {
    java.lang.Process root = TestJvms.start(List.of(), KilledTreeMain.class);
    var stderr = TestJvms.readAsync(root.getErrorStream());
    List<String> names = List.of();
    try {
      var out = new BufferedReader(new InputStreamReader(root.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).as("the tree's report line").isNotNull();
      String[] f = line.split(" ");
      assertThat(f[0]).isEqualTo("TREE");
      long rootPid = Long.parseLong(f[1]);
      long childPid = Long.parseLong(f[2]);
      names = List.of(f[3], f[4]);
      assertThat(rootPid).isEqualTo(root.pid());
      assertThat(names).allMatch(n -> n.startsWith("mp4j-" + rootPid + "-")).allMatch(ShmSweepTest::exists);
      String childMaps = Files.readString(Path.of("/proc", String.valueOf(childPid), "maps"));
      assertThat(childMaps).contains(names.get(0)).contains(names.get(1));

      ProcessHandle child = ProcessHandle.of(childPid).orElseThrow();
      child.destroyForcibly();
      root.destroyForcibly();
      child.onExit().get(60, TimeUnit.SECONDS);
      root.onExit().get(60, TimeUnit.SECONDS);
      // no assertion that the files are still here: any other JVM starting now on this machine
      // (parallel builds) sweeps them too, which is the behaviour under test anyway

      var next = TestJvms.run(List.of(), StartUpMain.class);
      assertThat(next.exitCode()).as(next.stderr()).isZero();
      assertThat(next.stdout()).startsWith("started mp4j-");
      assertThat(names).as("swept by the next program's start-up").noneMatch(ShmSweepTest::exists);
    } finally {
      root.destroyForcibly();
      root.onExit().get(60, TimeUnit.SECONDS);
      stderr.get(60, TimeUnit.SECONDS);
      for (String n : names) {
        ShmFiles.unlinkIfExists(n);
      }
    }
  }
}
