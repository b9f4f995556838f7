package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multiprocessing4j.SyncFixtures.PATIENCE;
import static org.multiprocessing4j.SyncFixtures.join;
import static org.multiprocessing4j.SyncFixtures.joinAll;
import static org.multiprocessing4j.SyncFixtures.start;
import static org.multiprocessing4j.SyncFixtures.thread;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.SyncFixtures.SharedInts;
import org.multiprocessing4j.function.SerializableRunnable;

/**
 * {@link Barrier} across processes; CPython's {@code _TestBarrier} (from {@code lock_tests.py}).
 * The {@value #N} parties are two child processes, a thread and the test's own thread; shared
 * counters stand in for Python's {@code DummyList}.
 */
class BarrierTest {
  private static final int N = 4;
  /** Every barrier of these tests gives up at last, so that a failing party cannot hang the test. */
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static Barrier newBarrier() {
    return Multiprocessing.barrier(N, null, DEFAULT_TIMEOUT);
  }

  /** Runs {@code task} in N parties (2 processes, a thread, this thread) and checks they all succeeded. */
  private static void runParties(SerializableRunnable task) throws Exception {
    List<Process> ps = new ArrayList<>();
    try {
      for (int i = 0; i < N - 2; i++) {
        ps.add(start(task));
      }
      var failure = new AtomicReference<Throwable>();
      Thread t = thread("party", () -> {
        try {
          task.run();
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      task.run();
      join(t);
      if (failure.get() != null) {
        throw new AssertionError("the thread party failed", failure.get());
      }
      joinAll(ps);
    } finally {
      SyncFixtures.killAll(ps);
    }
  }

  /** An assertion that works in a child (where {@code assert} may be off): exit code 1 when false. */
  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  private static void multipass(Barrier barrier, SharedInts results, int passes) {
    int m = barrier.parties();
    check(m == N, "parties");
    for (int i = 0; i < passes; i++) {
      results.incrementAndGet(0);
      check(results.get(1) == i * m, "second counter before the first wait of pass " + i);
      barrier.await();
      results.incrementAndGet(1);
      check(results.get(0) == (i + 1) * m, "first counter after the first wait of pass " + i);
      barrier.await();
    }
    check(!barrier.isBroken(), "not broken");
  }

  @Test
  void partiesPassInLockstep() throws Exception {
    try (Barrier barrier = newBarrier(); SharedInts results = SharedInts.create(2)) {
      runParties(() -> multipass(barrier, results, 1));
      assertThat(results.get(0)).isEqualTo(N);
      assertThat(barrier.numberWaiting()).isZero();
    }
  }

  @Test
  void partiesPassInLockstepTenTimes() throws Exception {
    try (Barrier barrier = newBarrier(); SharedInts results = SharedInts.create(2)) {
      runParties(() -> multipass(barrier, results, 10));
      assertThat(results.get(1)).isEqualTo(10 * N);
    }
  }

  @Test
  void awaitReturnsEachArrivalIndexOnce() throws Exception {
    try (Barrier barrier = newBarrier(); Queue<Integer> indices = Multiprocessing.queue()) {
      runParties(() -> indices.put(barrier.await()));
      List<Integer> got = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        got.add(indices.get(true, PATIENCE));
      }
      assertThat(got).containsExactlyInAnyOrder(0, 1, 2, 3);
    }
  }

  @Test
  void theActionRunsOnceBeforeAnyPartyGoesOn() throws Exception {
    try (SharedInts results = SharedInts.create(1); Barrier barrier = Multiprocessing.barrier(N, () -> results.incrementAndGet(0), DEFAULT_TIMEOUT)) {
      runParties(() -> {
        barrier.await();
        check(results.get(0) == 1, "the action ran once before the barrier opened");
      });
      assertThat(results.get(0)).isEqualTo(1);
    }
  }

  @Test
  void abortBreaksTheBarrierForEveryone() throws Exception {
    try (Barrier barrier = newBarrier(); SharedInts results = SharedInts.create(2)) {
      runParties(() -> {
        try {
          int i = barrier.await();
          if (i == N / 2) {
            barrier.abort();
            return;
          }
          barrier.await();
          results.incrementAndGet(0);
        } catch (BrokenBarrierException e) {
          check(e.getMessage().contains("it was aborted"), e.getMessage());
          results.incrementAndGet(1);
        }
      });
      assertThat(results.get(0)).isZero();
      assertThat(results.get(1)).isEqualTo(N - 1);
      assertThat(barrier.isBroken()).isTrue();
      assertThatThrownBy(barrier::await).isInstanceOf(BrokenBarrierException.class).hasMessageContaining("call reset()");
      assertThat(barrier.toString()).matches("<Barrier at mp4j-\\d+-[0-9a-f]+: broken>");
    }
  }

  @Test
  void resetReleasesTheWaitersWithBrokenBarrier() throws Exception {
    try (Barrier barrier = newBarrier(); SharedInts results = SharedInts.create(3)) {
      runParties(() -> {
        int i = barrier.await();
        if (i == N / 2) {
          while (barrier.numberWaiting() < N - 1) { // until the others are all in the barrier
            Thread.yield();
          }
          barrier.reset();
        } else {
          try {
            barrier.await();
            results.incrementAndGet(0);
          } catch (BrokenBarrierException e) {
            results.incrementAndGet(1);
          }
        }
        barrier.await(); // and it works again
        results.incrementAndGet(2);
      });
      assertThat(results.get(0)).isZero();
      assertThat(results.get(1)).isEqualTo(N - 1);
      assertThat(results.get(2)).isEqualTo(N);
    }
  }

  @Test
  void aBrokenBarrierCanBeReset() throws Exception {
    try (Barrier barrier = newBarrier(); Barrier barrier2 = newBarrier(); SharedInts results = SharedInts.create(3)) {
      runParties(() -> {
        try {
          int i = barrier.await();
          if (i == N / 2) {
            throw new IllegalStateException("abort below");
          }
          barrier.await();
          results.incrementAndGet(0);
        } catch (BrokenBarrierException e) {
          results.incrementAndGet(1);
        } catch (IllegalStateException e) {
          barrier.abort();
        }
        if (barrier2.await() == N / 2) { // everyone has left the barrier: reset it
          barrier.reset();
        }
        barrier2.await(); // nobody enters it again before the reset
        barrier.await();
        results.incrementAndGet(2);
      });
      assertThat(results.get(0)).isZero();
      assertThat(results.get(1)).isEqualTo(N - 1);
      assertThat(results.get(2)).isEqualTo(N);
    }
  }

  @Test
  void aWaitThatTimesOutBreaksTheBarrier() throws Exception {
    try (Barrier barrier = newBarrier(); SharedInts results = SharedInts.create(1)) {
      runParties(() -> {
        int i = barrier.await();
        if (i == N / 2) {
          while (!barrier.isBroken()) { // one party is late: until the others gave up
            Thread.yield();
          }
        }
        try {
          barrier.await(Duration.ofMillis(500));
        } catch (BrokenBarrierException e) {
          results.incrementAndGet(0);
        }
      });
      assertThat(results.get(0)).isEqualTo(N);
    }
  }

  @Test
  void theDefaultTimeoutApplies() throws Exception {
    try (Barrier barrier = Multiprocessing.barrier(N, null, Duration.ofMillis(500)); SharedInts results = SharedInts.create(1)) {
      runParties(() -> {
        int i = barrier.await(DEFAULT_TIMEOUT);
        if (i == N / 2) {
          while (!barrier.isBroken()) {
            Thread.yield();
          }
        }
        try {
          barrier.await();
        } catch (BrokenBarrierException e) {
          check(e.getMessage().contains("timed out"), e.getMessage());
          results.incrementAndGet(0);
        }
      });
      assertThat(results.get(0)).isEqualTo(N);
    }
  }

  @Test
  void aTimeoutIsMeasuredFromTheCall() throws Exception {
    try (Barrier barrier = Multiprocessing.barrier(2)) {
      var r = SyncFixtures.timed(() -> {
        try {
          return barrier.await(Duration.ofMillis(200));
        } catch (BrokenBarrierException e) {
          return -1;
        }
      });
      assertThat(r.value()).isEqualTo(-1);
      assertThat(r.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(10));
      assertThat(barrier.isBroken()).isTrue();
      barrier.reset();
      assertThat(barrier.isBroken()).isFalse();
    }
  }

  @Test
  void aSinglePartyNeverWaits() {
    try (Barrier b = Multiprocessing.barrier(1)) {
      assertThat(b.await()).isZero();
      assertThat(b.await()).isZero();
    }
  }

  @Test
  void manyRoundsAcrossProcesses() {
    int passes = 300;
    int parties = 3;
    List<Process> ps = new ArrayList<>();
    try (Barrier barrier = Multiprocessing.barrier(parties, null, DEFAULT_TIMEOUT); SharedInts arrived = SharedInts.create(1)) {
      SerializableRunnable task = () -> {
        for (int i = 0; i < passes; i++) {
          arrived.incrementAndGet(0);
          barrier.await();
          int a = arrived.get(0);
          check(a >= (i + 1) * parties && a <= (i + 2) * parties, "pass " + i + " saw " + a);
        }
      };
      for (int i = 0; i < parties - 1; i++) {
        ps.add(start(task));
      }
      task.run();
      joinAll(ps);
      assertThat(arrived.get(0)).isEqualTo(passes * parties);
    } finally {
      SyncFixtures.killAll(ps);
    }
  }

  @Test
  void anActionThatThrowsBreaksTheBarrier() throws Exception {
    try (SharedInts results = SharedInts.create(2);
         Barrier barrier = Multiprocessing.barrier(N, () -> {
           throw new IllegalStateException("action failed");
         }, DEFAULT_TIMEOUT)) {
      runParties(() -> {
        try {
          barrier.await();
        } catch (BrokenBarrierException e) {
          check(e.getMessage().contains("its action threw"), e.getMessage());
          results.incrementAndGet(0);
        } catch (IllegalStateException e) {
          check(e.getMessage().equals("action failed"), e.getMessage());
          results.incrementAndGet(1);
        }
      });
      assertThat(results.get(0)).isEqualTo(N - 1);
      assertThat(results.get(1)).isEqualTo(1);
      assertThat(barrier.isBroken()).isTrue();
    }
  }

  @Test
  void anInterruptedWaitBreaksTheBarrier() throws Exception {
    try (Barrier barrier = Multiprocessing.barrier(2)) {
      var outcome = new CompletableFuture<Throwable>();
      Thread t = thread("party", () -> {
        try {
          barrier.await();
          outcome.complete(null);
        } catch (Throwable e) {
          outcome.complete(e);
        }
      });
      Awaitility.await().atMost(PATIENCE).until(() -> barrier.numberWaiting() == 1);
      t.interrupt();
      assertThat(outcome.get(60, TimeUnit.SECONDS)).isInstanceOf(ProcessInterruptedException.class);
      join(t);
      assertThat(barrier.isBroken()).isTrue();
      assertThatThrownBy(barrier::await).isInstanceOf(BrokenBarrierException.class).hasMessageContaining("interrupted");
    }
  }

  @Test
  void reprAndParties() {
    try (Barrier b = Multiprocessing.barrier(3)) {
      assertThat(b.parties()).isEqualTo(3);
      assertThat(b.toString()).matches("<Barrier at mp4j-\\d+-[0-9a-f]+: waiters=0/3>");
    }
    assertThatThrownBy(() -> Multiprocessing.barrier(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 party");
  }
}
