package org.multiprocessing4j.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Whether a pid names a running process, as robust locks, rings and the /dev/shm sweep ask it. */
class PidsTest {

  @Test
  void thisProcessAndARunningChildAreAliveAndTheChildIsNotOnceItExited() throws Exception {
    assertThat(Pids.alive(Pids.SELF)).isTrue();
    java.lang.Process child = new ProcessBuilder("sleep", "60").start();
    try {
      int pid = Math.toIntExact(child.pid());
      assertThat(Pids.alive(pid)).isTrue();
      child.destroy();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(Pids.alive(pid)).as("exited and reaped").isFalse();
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void pidsNoProcessCanHaveAreNotAlive() {
    assertThat(Pids.alive(0)).isFalse();
    assertThat(Pids.alive(-1)).isFalse();
    assertThat(Pids.alive(Integer.MAX_VALUE)).as("above pid_max").isFalse();
  }
}
