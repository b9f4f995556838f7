package org.multiprocessing4j.internal.futex;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.testutil.TestJvms;

/**
 * The library never makes a restricted call where native access is not enabled for it: no JDK
 * warning is printed because of it, and blocking still works (by polling). Where it is enabled, a
 * young JVM links the futex call on a daemon thread.
 */
class FutexNativeAccessTest {
  @Test
  void withoutNativeAccessItPollsAndTheJdkPrintsNoWarning() {
    assertPrintsOnlyThis(List.of(), NoNativeAccessMain.class, "usesFutex=false timedOut=true changed=true");
  }

  @Test
  void withIllegalNativeAccessDeniedItStillBlocksByPolling() {
    assertPrintsOnlyThis(List.of("--illegal-native-access=deny"), NoNativeAccessMain.class,
        "usesFutex=false timedOut=true changed=true");
  }

  @Test
  void withEnableNativeAccessOnTheClassPathItUsesFutexes() {
    assertPrintsOnlyThis(List.of("--enable-native-access=ALL-UNNAMED"), NoNativeAccessMain.class,
        "usesFutex=true timedOut=true changed=true");
  }

  @Test
  void aYoungJvmLinksTheFutexCallOnADaemonThreadAndWaitsWorkBeforeAndAfter() {
    assertPrintsOnlyThis(List.of("--enable-native-access=ALL-UNNAMED"), FutexLinkMain.class,
        "linkedAtStart=false linkedRightAfterTheWake=false before=true linked=true after=true");
  }

  /** Runs {@code main} in a JVM with {@code options}: it must print {@code line} and nothing on stderr, and exit 0. */
  private static void assertPrintsOnlyThis(List<String> options, Class<?> main, String line) {
    var r = TestJvms.run(options, main);
    assertThat(r.stderr()).isEmpty();
    assertThat(r.stdout().strip()).isEqualTo(line);
    assertThat(r.exitCode()).isZero();
  }
}
