package org.multiprocessing4j.internal.futex;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Futex#await} blocking with FUTEX_WAIT (the test JVM runs with native access enabled). */
class FutexAwaitTest extends FutexAwaitContract {
  @BeforeEach
  void futexModeIsOn() {
    assertThat(Futex.usesFutex())
        .as("the test JVM runs with --enable-native-access=ALL-UNNAMED (core/pom.xml argLine)").isTrue();
  }

  @Test
  void usesFutexWhenNativeAccessIsEnabledForTheLibrary() {
    assertThat(Futex.class.getModule().isNativeAccessEnabled()).isTrue();
    assertThat(Futex.usesFutex()).isTrue();
  }
}
