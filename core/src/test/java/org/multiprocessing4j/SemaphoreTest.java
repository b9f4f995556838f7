package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multiprocessing4j.SyncFixtures.PATIENCE;
import static org.multiprocessing4j.SyncFixtures.joinAll;
import static org.multiprocessing4j.SyncFixtures.start;
import static org.multiprocessing4j.SyncFixtures.thread;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.SyncFixtures.SharedInts;

/** {@link Semaphore} and {@link BoundedSemaphore}; CPython's {@code _TestSemaphore} and more. */
class SemaphoreTest {

  private static void countsDownAndUp(Semaphore sem) {
    assertThat(sem.getValue()).isEqualTo(2);
    assertThat(sem.acquire()).isTrue();
    assertThat(sem.getValue()).isEqualTo(1);
    assertThat(sem.acquire()).isTrue();
    assertThat(sem.getValue()).isZero();
    assertThat(sem.acquire(false)).isFalse();
    assertThat(sem.getValue()).isZero();
    sem.release();
    assertThat(sem.getValue()).isEqualTo(1);
    sem.release();
    assertThat(sem.getValue()).isEqualTo(2);
  }

  @Test
  void semaphoreCountsAndMayPassItsInitialValue() {
    try (Semaphore sem = Multiprocessing.semaphore(2)) {
      countsDownAndUp(sem);
      sem.release();
      assertThat(sem.getValue()).isEqualTo(3);
      sem.release();
      assertThat(sem.getValue()).isEqualTo(4);
      assertThat(sem).hasToString("<Semaphore(value=4)>").isNotInstanceOf(BoundedSemaphore.class);
    }
  }

  @Test
  void boundedSemaphoreRefusesToPassItsInitialValue() {
    try (BoundedSemaphore sem = Multiprocessing.boundedSemaphore(2)) {
      countsDownAndUp(sem);
      assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("BoundedSemaphore mp4j-").hasMessageContaining("released too many times");
      assertThat(sem.getValue()).isEqualTo(2);
      assertThat(sem.maxValue()).isEqualTo(2);
      sem.acquire();
      assertThat(sem).hasToString("<BoundedSemaphore(value=1, maxvalue=2)>");
      sem.release();
    }
  }

  @Test
  void negativeInitialValueIsRefused() {
    assertThatThrownBy(() -> Multiprocessing.semaphore(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be >= 0");
    assertThatThrownBy(() -> Multiprocessing.boundedSemaphore(-3)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acquireTimesOutAsInPython() throws Exception {
    try (Semaphore sem = Multiprocessing.semaphore(0)) {
      var a = SyncFixtures.timed(() -> sem.acquire(false));
      assertThat(a.value()).isFalse();
      var b = SyncFixtures.timed(() -> sem.acquire(false, null));
      assertThat(b.value()).isFalse();
      var c = SyncFixtures.timed(() -> sem.acquire(false, Duration.ofMillis(100)));
      assertThat(c.value()).isFalse();
      assertThat(a.nanos() + b.nanos() + c.nanos()).isLessThan(TimeUnit.SECONDS.toNanos(2));
      var d = SyncFixtures.timed(() -> sem.acquire(true, Duration.ofMillis(100)));
      assertThat(d.value()).isFalse();
      assertThat(d.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(100)).isLessThan(Duration.ofSeconds(10));
      var e = SyncFixtures.timed(() -> sem.acquire(Duration.ofMillis(250)));
      assertThat(e.value()).isFalse();
      assertThat(e.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aReleaseInAnotherProcessWakesAWaiter() {
    try (Semaphore sem = Multiprocessing.semaphore(0); Event go = Multiprocessing.event()) {
      var p = start(() -> {
        go.await();
        sem.release();
      });
      go.set();
      assertThat(sem.acquire(PATIENCE)).isTrue();
      assertThat(sem.getValue()).isZero();
      joinAll(p);
    }
  }

  @Test
  void limitsConcurrencyAcrossProcesses() {
    try (Semaphore slots = Multiprocessing.semaphore(2); SharedInts inside = SharedInts.create(2)) {
      List<Process> ps = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ps.add(start(() -> {
          for (int k = 0; k < 300; k++) {
            try (var held = slots.hold()) {
              inside.max(1, inside.incrementAndGet(0));
              inside.addAndGet(0, -1);
            }
          }
        }));
      }
      joinAll(ps);
      assertThat(inside.get(1)).isBetween(1, 2);
      assertThat(slots.getValue()).isEqualTo(2);
    }
  }

  @Test
  void interruptedAcquireThrowsAndKeepsTheFlag() throws Exception {
    try (Semaphore sem = Multiprocessing.semaphore(0)) {
      var outcome = new CompletableFuture<Throwable>();
      var flag = new CompletableFuture<Boolean>();
      Thread t = thread("waiter", () -> {
        try {
          sem.acquire();
          outcome.complete(null);
        } catch (Throwable e) {
          flag.complete(Thread.currentThread().isInterrupted());
          outcome.complete(e);
        }
      });
      t.interrupt();
      assertThat(outcome.get(60, TimeUnit.SECONDS)).isInstanceOf(ProcessInterruptedException.class)
          .hasMessageContaining("<Semaphore(value=0)>");
      assertThat(flag.get(60, TimeUnit.SECONDS)).isTrue();
    }
  }
}
