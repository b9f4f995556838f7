package org.multiprocessing4j.internal.futex;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link Futex#await} promises whichever way it blocks; run by {@link FutexAwaitTest}
 * (futex) and {@link FutexPollingTest} (polling).
 */
abstract class FutexAwaitContract {
  static final VarHandle WORD = JAVA_INT.varHandle();
  static final long WORD_OFFSET = 8;
  static final Duration LONG_WAIT = Duration.ofSeconds(60);
  static final long TIMEOUT_MILLIS = 200;

  Arena arena;
  MemorySegment segment;

  @BeforeEach
  void allocateWord() {
    arena = Arena.ofShared();
    segment = arena.allocate(64, 64);
  }

  @AfterEach
  void freeWord() {
    arena.close();
  }

  /** Runs {@code waiter} on a new platform thread and returns its outcome. */
  static <T> CompletableFuture<T> onPlatformThread(java.util.concurrent.Callable<T> waiter) {
    var f = new CompletableFuture<T>();
    Thread.ofPlatform().daemon().start(() -> {
      try {
        f.complete(waiter.call());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f;
  }

  @Test
  void awaitReturnsAtOnceWhenTheWordAlreadyDiffers() throws Exception {
    WORD.setVolatile(segment, WORD_OFFSET, 7);
    assertThat(Futex.await(segment, WORD_OFFSET, 0, LONG_WAIT)).isTrue();
  }

  @Test
  void awaitReturnsFalseAfterTheTimeoutWhenTheWordKeepsItsValue() throws Exception {
    long start = System.nanoTime();
    boolean changed = Futex.await(segment, WORD_OFFSET, 0, TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS));
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(changed).isFalse();
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(TIMEOUT_MILLIS).isLessThan(10_000);
  }

  @Test
  void awaitWithZeroTimeoutOnlyLooksAtTheWord() throws Exception {
    assertThat(Futex.await(segment, WORD_OFFSET, 0, 0L)).isFalse();
    WORD.setVolatile(segment, WORD_OFFSET, 1);
    assertThat(Futex.await(segment, WORD_OFFSET, 0, 0L)).isTrue();
  }

  @Test
  void awaitReturnsWhenAnotherThreadChangesTheWordAndWakes() throws Exception {
    var waiting = new CountDownLatch(1);
    CompletableFuture<Boolean> waiter = onPlatformThread(() -> {
      waiting.countDown();
      return Futex.await(segment, WORD_OFFSET, 0, LONG_WAIT);
    });
    waiting.await();
    WORD.setVolatile(segment, WORD_OFFSET, 1);
    Futex.wakeAll(segment, WORD_OFFSET);
    assertThat(waiter.get(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void awaitOnAVirtualThreadReturnsWhenTheWordChanges() throws Exception {
    var waiting = new CountDownLatch(1);
    var waiter = new CompletableFuture<Boolean>();
    Thread.ofVirtual().start(() -> {
      waiting.countDown();
      try {
        waiter.complete(Futex.await(segment, WORD_OFFSET, 0, LONG_WAIT));
      } catch (Throwable t) {
        waiter.completeExceptionally(t);
      }
    });
    waiting.await();
    WORD.setVolatile(segment, WORD_OFFSET, 1);
    Futex.wakeAll(segment, WORD_OFFSET);
    assertThat(waiter.get(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void wakeAllReleasesEveryWaiter() throws Exception {
    var waiting = new CountDownLatch(4);
    List<CompletableFuture<Boolean>> waiters = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      waiters.add(onPlatformThread(() -> {
        waiting.countDown();
        return Futex.await(segment, WORD_OFFSET, 0, LONG_WAIT);
      }));
    }
    waiting.await();
    WORD.setVolatile(segment, WORD_OFFSET, 1);
    Futex.wakeAll(segment, WORD_OFFSET);
    for (var w : waiters) {
      assertThat(w.get(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void awaitStopsWithInterruptedExceptionWhenTheThreadIsInterrupted() throws Exception {
    var started = new CompletableFuture<Thread>();
    CompletableFuture<Boolean> waiter = onPlatformThread(() -> {
      started.complete(Thread.currentThread());
      return Futex.await(segment, WORD_OFFSET, 0, -1L);
    });
    started.get(30, TimeUnit.SECONDS).interrupt();
    assertThatThrownBy(() -> waiter.get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(InterruptedException.class)
        .cause().hasMessageContaining("shared-memory word");
  }

  @Test
  void awaitRefusesAWordThatIsMisalignedOrOutsideTheSegment() {
    assertThatThrownBy(() -> Futex.await(segment, 2, 0, 0L))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 4-byte aligned");
    assertThatThrownBy(() -> Futex.await(segment, 64, 0, 0L))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside a segment of 64 bytes");
    assertThatThrownBy(() -> Futex.wake(segment, -4, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
  }

  @Test
  void awaitOnAClosedSegmentThrowsIllegalStateException() {
    Arena other = Arena.ofShared();
    MemorySegment gone = other.allocate(64, 64);
    other.close();
    assertThatThrownBy(() -> Futex.await(gone, WORD_OFFSET, 0, 0L)).isInstanceOf(IllegalStateException.class);
  }
}
