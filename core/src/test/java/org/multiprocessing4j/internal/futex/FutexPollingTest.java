package org.multiprocessing4j.internal.futex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Futex#await} in the fallback mode: spin, then park with growing sleeps; no downcalls. */
class FutexPollingTest extends FutexAwaitContract {
  @BeforeEach
  void poll() {
    Futex.forcePolling(true);
  }

  @AfterEach
  void stopPolling() {
    Futex.forcePolling(false);
  }

  @Test
  void wakeWakesNobodyWhenPolling() {
    assertThat(Futex.usesFutex()).isFalse();
    assertThat(Futex.wakeAll(segment, WORD_OFFSET)).isZero();
  }

  @Test
  void waitOnceIsRefusedWhenPollingWithTheFlagThatEnablesFutexes() {
    assertThatThrownBy(() -> Futex.waitOnce(segment, WORD_OFFSET, 0, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("--enable-native-access=org.multiprocessing4j")
        .hasMessageContaining("=ALL-UNNAMED");
  }

  @Test
  void aPollingWaiterSeesAChangeThatNobodyWakesItFor() throws Exception {
    var waiting = new CountDownLatch(1);
    var waiter = onPlatformThread(() -> {
      waiting.countDown();
      return Futex.await(segment, WORD_OFFSET, 0, LONG_WAIT);
    });
    waiting.await();
    WORD.setVolatile(segment, WORD_OFFSET, 1); // no wake: pollers look by themselves
    assertThat(waiter.get(30, TimeUnit.SECONDS)).isTrue();
  }
}
