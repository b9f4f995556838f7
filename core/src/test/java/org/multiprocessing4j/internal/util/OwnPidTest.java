package org.multiprocessing4j.internal.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pid read from {@code /proc/self} is the one the JDK knows. */
class OwnPidTest {

  @Test
  void isTheJdksPidOfThisProcess() {
    assertThat(OwnPid.PID).isEqualTo(ProcessHandle.current().pid());
  }
}
