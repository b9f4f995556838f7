package org.multiprocessing4j.internal.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which of the parent's JVM options a child JVM gets (DESIGN.md §2). */
class ChildJvmTest {

  @Test
  void theClassesASpareLoadsForPoolWorkersAndQueuesExist() throws Exception {
    // named by string (the spawn package cannot see the pool's classes): a rename must show here
    for (String name : ChildMain.WORKER_CLASSES) {
      assertThat(Class.forName(name, false, ChildMain.class.getClassLoader())).isNotNull();
    }
  }

  @Test
  void anExitStatusIsAnExitCodeAfterSystemExitUnlessItIsTheSignalThisParentSent() {
    assertThat(JvmPopen.exitCode(143, false, false)).as("SIGTERM from anyone").isEqualTo(-15);
    assertThat(JvmPopen.exitCode(143, true, false)).as("System.exit(143), even with a terminate() during its hooks")
        .isEqualTo(143);
    assertThat(JvmPopen.exitCode(137, true, true)).as("kill() while System.exit runs its hooks").isEqualTo(-9);
    assertThat(JvmPopen.exitCode(143, true, true)).as("System.exit(143), then kill() too late").isEqualTo(143);
    assertThat(JvmPopen.exitCode(3, true, false)).as("System.exit(3) before terminate() took effect").isEqualTo(3);
    assertThat(JvmPopen.exitCode(1, false, false)).isEqualTo(1);
    assertThat(JvmPopen.exitCode(200, false, false)).as("above the signals").isEqualTo(200);
  }

  @Test
  void keepsSystemPropertiesAssertionSwitchesAndModuleOptionsAndDropsTheRest() {
    List<String> parent = List.of("-Dfoo=bar", "-Djava.class.path=/x", "-ea:com.example...", "-esa",
        "-agentlib:jdwp=transport=dt_socket", "-javaagent:/agent.jar", "-XX:AOTCache=/c.aot", "-Xmx4g",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--enable-preview");

    assertThat(ChildJvm.filterInherited(parent)).containsExactly("-Dfoo=bar", "-ea:com.example...", "-esa",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--enable-preview");
  }

  @Test
  void assertionsEnabledWithoutASwitchOnTheCommandLineGiveTheChildEa() {
    // Maven Surefire enables assertions through ClassLoader.setDefaultAssertionStatus, not with -ea
    assertThat(ChildJvm.withAssertionStatus(List.of("-Dfoo=bar"), true)).containsExactly("-Dfoo=bar", "-ea");
    assertThat(ChildJvm.withAssertionStatus(List.of("-esa"), true)).containsExactly("-esa", "-ea");
    assertThat(ChildJvm.withAssertionStatus(List.of("-Dfoo=bar"), false)).containsExactly("-Dfoo=bar");
  }

  @Test
  void anAssertionSwitchOnTheCommandLineIsPassedOnAsIs() {
    assertThat(ChildJvm.withAssertionStatus(List.of("-ea:com.example..."), true)).containsExactly("-ea:com.example...");
    assertThat(ChildJvm.withAssertionStatus(List.of("-da"), true)).containsExactly("-da");
    assertThat(ChildJvm.withAssertionStatus(List.of("-ea"), true)).containsExactly("-ea");
  }

  @Test
  void aChildGetsTheSmallFootprintAndFastBootDefaults() {
    assertThat(ChildJvm.launcher(List.of())).containsSubsequence("-XX:+UseSerialGC", "-Xms8m", "-XX:-UsePerfData",
        "-XX:CompileCommand=quiet",
        "-XX:CompileCommand=exclude,jdk.internal.classfile.impl.StackMapGenerator::processBlock",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");
  }
  @Test
  void theCommandFollowsEverySettingItIsBuiltFrom() {
    List<String> aot = List.of();
    String cp = System.getProperty("java.class.path");
    List<String> before = ChildJvm.jvmOptions();
    try {
      List<String> first = ChildJvm.command(ChildMain.TRAINEE, aot);
      assertThat(ChildJvm.command(ChildMain.TRAINEE, aot)).isSameAs(first);
      ChildJvm.setJvmOptions(List.of("-Dmp4j.test.memo=1"));
      assertThat(ChildJvm.command(ChildMain.TRAINEE, aot)).contains("-Dmp4j.test.memo=1");
      ChildJvm.setJvmOptions(before);
      assertThat(ChildJvm.command(ChildMain.TRAINEE, aot)).doesNotContain("-Dmp4j.test.memo=1");
      System.setProperty("java.class.path", cp + java.io.File.pathSeparator + "/nonexistent/mp4j-memo.jar");
      assertThat(ChildJvm.command(ChildMain.TRAINEE, aot)).anyMatch(a -> a.endsWith("/nonexistent/mp4j-memo.jar"));
      System.setProperty("java.class.path", cp);
      assertThat(ChildJvm.command(ChildMain.TRAINEE, aot)).noneMatch(a -> a.contains("mp4j-memo.jar"));
      // a caller's mutable list, changed and passed again
      var mutable = new java.util.ArrayList<>(List.of("-XX:AOTCache=/nonexistent/a.aot"));
      assertThat(ChildJvm.command(ChildMain.TRAINEE, mutable)).contains("-XX:AOTCache=/nonexistent/a.aot");
      mutable.set(0, "-XX:AOTCache=/nonexistent/b.aot");
      assertThat(ChildJvm.command(ChildMain.TRAINEE, mutable)).contains("-XX:AOTCache=/nonexistent/b.aot")
          .doesNotContain("-XX:AOTCache=/nonexistent/a.aot");
    } finally {
      ChildJvm.setJvmOptions(before);
      System.setProperty("java.class.path", cp);
    }
  }
}
