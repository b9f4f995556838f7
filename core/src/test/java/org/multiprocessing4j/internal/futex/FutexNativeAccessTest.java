package org.multiprocessing4j.internal.futex;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.testutil.TestJvms;

/**
 * The library never makes a restricted call where native access is not enabled for it: no JDK
 * warning is printed because of it, and blocking still works (by polling).
 */
class FutexNativeAccessTest {
  @Test
  void withoutNativeAccessItPollsAndTheJdkPrintsNoWarning() {
    var r = TestJvms.run(List.of(), NoNativeAccessMain.class);
    assertThat(r.stderr()).isEmpty();
    assertThat(r.stdout().strip()).isEqualTo("usesFutex=false timedOut=true changed=true");
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void withIllegalNativeAccessDeniedItStillBlocksByPolling() {
    var r = TestJvms.run(List.of("--illegal-native-access=deny"), NoNativeAccessMain.class);
    assertThat(r.stderr()).isEmpty();
    assertThat(r.stdout().strip()).isEqualTo("usesFutex=false timedOut=true changed=true");
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void withEnableNativeAccessOnTheClassPathItUsesFutexes() {
    var r = TestJvms.run(List.of("--enable-native-access=ALL-UNNAMED"), NoNativeAccessMain.class);
    assertThat(r.stderr()).isEmpty();
    assertThat(r.stdout().strip()).isEqualTo("usesFutex=true timedOut=true changed=true");
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void aYoungJvmLinksTheFutexCallOnADaemonThreadAndWaitsWorkBeforeAndAfter() {
    var r = TestJvms.run(List.of("--enable-native-access=ALL-UNNAMED"), FutexLinkMain.class);
    assertThat(r.stderr()).isEmpty();
    assertThat(r.stdout().strip()).isEqualTo("linkedAtStart=false before=true linked=true after=true");
    assertThat(r.exitCode()).isZero();
  }
}
