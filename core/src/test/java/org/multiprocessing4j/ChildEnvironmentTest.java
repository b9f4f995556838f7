package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.testutil.ChildResult;
import org.multiprocessing4j.testutil.ParentJvm;

/**
 * What a child JVM gets from its parent (DESIGN.md §2): an empty {@code System.in}, the parent's
 * {@code -D} system properties and assertion status, the parent's stdout.
 */
class ChildEnvironmentTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void childsSystemInIsEmpty() {
    ChildResult result = ChildResult.in(dir);
    Process p = Multiprocessing.getContext("warm").process(() -> {
      try {
        result.write((java.io.Serializable) List.of(System.in.available(), System.in.read()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    p.start();
    assertThat(p.join(WAIT)).isTrue();
    assertThat(p.exitCode()).isZero();
    assertThat(result.<List<Integer>>read()).containsExactly(0, -1);
  }

  @Test
  void assertionsAreEnabledInTheChildWhenTheTestJvmHasThem() {
    boolean parentHasThem = false;
    assert parentHasThem = true;
    assertThat(parentHasThem).as("surefire enables assertions in the test JVM").isTrue();

    ChildResult result = ChildResult.in(dir);
    Process p = Multiprocessing.getContext("warm").process(() -> {
      boolean enabled = false;
      assert enabled = true;
      result.write(enabled);
    });
    p.start();
    assertThat(p.join(WAIT)).isTrue();
    assertThat(result.<Boolean>read()).isTrue();
  }

  /** The child's value of a HotSpot option, written to {@code result}. */
  private static void reportVmOption(ChildResult result, String option) {
    try {
      // HotSpotDiagnosticMXBean through the MBean server: the library's module does not read jdk.management
      var value = (javax.management.openmbean.CompositeData) java.lang.management.ManagementFactory
          .getPlatformMBeanServer().invoke(new javax.management.ObjectName("com.sun.management:type=HotSpotDiagnostic"),
              "getVMOption", new Object[] {option}, new String[] {String.class.getName()});
      result.write((String) value.get("value"));
    } catch (javax.management.JMException e) {
      throw new IllegalStateException("cannot read the VM option " + option, e);
    }
  }

  @Test
  void aChildMapsTheClassArchiveWhereItWasDumpedUnlessTheUserAsksForRelocation() {
    ChildResult mode = ChildResult.in(dir);
    Process p = Multiprocessing.getContext("warm").process(() -> reportVmOption(mode, "ArchiveRelocationMode"));
    p.start();
    assertThat(p.join(WAIT)).isTrue();
    assertThat(p.exitCode()).isZero();
    assertThat(mode.<String>read()).as("no relocation: ~3 ms less per child JVM").isEqualTo("0");

    List<String> before = org.multiprocessing4j.internal.spawn.ChildJvm.jvmOptions();
    ChildResult userMode = ChildResult.in(dir);
    try {
      Multiprocessing.setJvmOptions(List.of("-XX:ArchiveRelocationMode=1"));
      Process q = Multiprocessing.getContext("spawn").process(() -> reportVmOption(userMode, "ArchiveRelocationMode"));
      q.start();
      assertThat(q.join(WAIT)).isTrue();
      assertThat(q.exitCode()).isZero();
    } finally {
      Multiprocessing.setJvmOptions(before);
    }
    assertThat(userMode.<String>read()).as("the user's option comes last and wins").isEqualTo("1");
  }

  @Test
  void systemPropertiesAndEaGivenToTheParentOnItsCommandLineReachTheChild() {
    try (var parent = ParentJvm.start(dir, List.of("-ea", "-Dmp4j.test.marker=hello from the test"),
        "environment")) {
      // the child's stdout is the parent's
      assertThat(parent.awaitLine("child-property=", WAIT)).isEqualTo("hello from the test");
      assertThat(parent.awaitLine("child-assertions=", WAIT)).isEqualTo("true");
      assertThat(parent.awaitLine("exitcode=", WAIT)).isEqualTo("0");
      assertThat(parent.awaitExit(WAIT)).isZero();
    }
  }

  @Test
  void aChildOfAParentWithoutAssertionsHasNone() {
    try (var parent = ParentJvm.start(dir, List.of(), "environment")) {
      assertThat(parent.awaitLine("child-property=", WAIT)).isEqualTo("null");
      assertThat(parent.awaitLine("child-assertions=", WAIT)).isEqualTo("false");
      assertThat(parent.awaitExit(WAIT)).isZero();
    }
  }
}
