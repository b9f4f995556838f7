package org.multiprocessing4j.internal.futex;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.internal.shm.ShmFiles;

/** The raw FUTEX_WAIT / FUTEX_WAKE bindings: what the kernel answers, errno included. */
class FutexTest {
  private static final VarHandle WORD = JAVA_INT.varHandle();
  private static final long OFFSET = 16;
  private static final long FOREVER = -1;

  private Arena arena;
  private MemorySegment segment;

  @BeforeEach
  void allocate() {
    assertThat(Futex.usesFutex()).as("native access is enabled in the test JVM").isTrue();
    arena = Arena.ofShared();
    segment = arena.allocate(64, 64);
  }

  @AfterEach
  void free() {
    arena.close();
  }

  @Test
  void waitOnceReportsValueChangedWhenTheWordDoesNotHoldTheExpectedValue() {
    WORD.setVolatile(segment, OFFSET, 5);
    assertThat(Futex.waitOnce(segment, OFFSET, 4, FOREVER)).isEqualTo(Futex.WaitResult.VALUE_CHANGED);
  }

  @Test
  void waitOnceTimesOutAfterItsRelativeTimeout() {
    long timeout = TimeUnit.MILLISECONDS.toNanos(150);
    long start = System.nanoTime();
    Futex.WaitResult r;
    do { // futex(2) allows spurious wakes and EINTR: wait again for the rest of the timeout
      r = Futex.waitOnce(segment, OFFSET, 0, Math.max(1, timeout - (System.nanoTime() - start)));
    } while (r == Futex.WaitResult.WOKEN || r == Futex.WaitResult.INTERRUPTED);
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(r).isEqualTo(Futex.WaitResult.TIMED_OUT);
    assertThat(elapsed).isGreaterThanOrEqualTo(150).isLessThan(10_000);
  }

  @Test
  void wakeWithoutWaitersWakesNobody() {
    assertThat(Futex.wake(segment, OFFSET, 1)).isZero();
    assertThat(Futex.wakeAll(segment, OFFSET)).isZero();
  }

  @Test
  void wakeRefusesACountBelowOne() {
    assertThatThrownBy(() -> Futex.wake(segment, OFFSET, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
  }

  @Test
  void wakeReturnsTheWaiterItWokeAndTheWaiterSeesWoken() throws Exception {
    CompletableFuture<Futex.WaitResult> waiter = FutexAwaitContract.onPlatformThread(
        () -> Futex.waitOnce(segment, OFFSET, 0, FOREVER));
    // the word never changes: only a FUTEX_WAKE that found the waiter in the kernel can end it
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
        .until(() -> Futex.wake(segment, OFFSET, 1) == 1);
    assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo(Futex.WaitResult.WOKEN);
  }

  @Test
  void aWaiterOnOneMappingIsWokenThroughAnotherMappingOfTheSameFile() throws Exception {
    // shared futexes are keyed by file and offset, not by address: two mappings of one file
    // stand for two processes here
    String name = "mp4j-" + ProcessHandle.current().pid() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    ShmFiles.Mapping first = ShmFiles.create(name, 4096, "test block");
    ShmFiles.Mapping second = ShmFiles.open(name, "test block");
    try {
      assertThat(first.segment().address()).isNotEqualTo(second.segment().address());
      CompletableFuture<Futex.WaitResult> waiter = FutexAwaitContract.onPlatformThread(
          () -> Futex.waitOnce(first.segment(), OFFSET, 0, FOREVER));
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
          .until(() -> Futex.wake(second.segment(), OFFSET, 1) == 1);
      assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo(Futex.WaitResult.WOKEN);
    } finally {
      first.unmap();
      second.unmap();
      ShmFiles.unlink(name, "test block");
    }
  }

  @Test
  void aFutexWaiterNoticesAChangeWithoutAWakeWithinItsSlice() throws Exception {
    // a JVM without native access changes words but cannot FUTEX_WAKE: waiters re-check per slice
    var waiter = FutexAwaitContract.onPlatformThread(() -> {
      long start = System.nanoTime();
      boolean changed = Futex.await(segment, OFFSET, 0, Duration.ofSeconds(60));
      return changed ? System.nanoTime() - start : -1L;
    });
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
        .until(() -> Futex.wake(segment, OFFSET, 1) == 1); // it is in FUTEX_WAIT now; woken, it waits again
    WORD.setVolatile(segment, OFFSET, 1);
    assertThat(waiter.get(30, TimeUnit.SECONDS)).isPositive();
  }
}
