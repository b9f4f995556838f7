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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.SyncFixtures.SharedInts;
import org.multiprocessing4j.internal.sync.ShmCondition;

/** {@link Condition} across threads and processes; CPython's {@code _TestCondition} and more. */
class ConditionTest {

  /** CPython's {@code f}: take the lock, say "sleeping", wait, say "woken", let go. */
  private static void sleeper(Condition cond, Semaphore sleeping, Semaphore woken, Duration timeout) {
    cond.acquire();
    sleeping.release();
    cond.await(timeout);
    woken.release();
    cond.release();
  }

  /** Starts {@code n} sleepers in processes and {@code n} in threads. */
  private static List<Runnable> startSleepers(int n, Condition cond, Semaphore sleeping, Semaphore woken, Duration timeout,
      List<Process> ps) {
    List<Runnable> joins = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Process p = start(() -> sleeper(cond, sleeping, woken, timeout));
      ps.add(p);
      joins.add(() -> joinAll(p));
      Thread t = thread("sleeper-" + i, () -> sleeper(cond, sleeping, woken, timeout));
      joins.add(() -> {
        try {
          join(t);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      });
    }
    return joins;
  }

  private static int sleepers(Condition cond) {
    return ((ShmCondition) cond).sleepers();
  }

  private static void awaitValue(Semaphore sem, int value) {
    Awaitility.await().atMost(PATIENCE).until(() -> sem.getValue() == value);
  }

  @Test
  void signalWakesOneWaiterAtATime() {
    List<Process> ps = new ArrayList<>();
    try (Condition cond = Multiprocessing.condition(); Semaphore sleeping = Multiprocessing.semaphore(0);
         Semaphore woken = Multiprocessing.semaphore(0)) {
      var joins = startSleepers(1, cond, sleeping, woken, null, ps);
      sleeping.acquire();
      sleeping.acquire();
      Awaitility.await().atMost(PATIENCE).until(() -> sleepers(cond) == 2);
      assertThat(woken.getValue()).isZero();

      cond.acquire();
      cond.signal();
      cond.release();
      awaitValue(woken, 1);
      assertThat(sleepers(cond)).isEqualTo(1);

      cond.acquire();
      cond.signal();
      cond.release();
      awaitValue(woken, 2);
      assertThat(sleepers(cond)).isZero();
      joins.forEach(Runnable::run);
    } finally {
      SyncFixtures.killAll(ps);
    }
  }

  @Test
  void signalAllWakesEveryWaiterAndTimedOutWaitersLeaveNoTrace() {
    List<Process> ps = new ArrayList<>();
    try (Condition cond = Multiprocessing.condition(); Semaphore sleeping = Multiprocessing.semaphore(0);
         Semaphore woken = Multiprocessing.semaphore(0)) {
      var joins = new ArrayList<>(startSleepers(2, cond, sleeping, woken, Duration.ofMillis(100), ps));
      for (int i = 0; i < 4; i++) {
        sleeping.acquire();
      }
      for (int i = 0; i < 4; i++) {
        woken.acquire(); // they all time out
      }
      assertThat(woken.getValue()).isZero();
      assertThat(sleepers(cond)).isZero();

      joins.addAll(startSleepers(2, cond, sleeping, woken, null, ps));
      for (int i = 0; i < 4; i++) {
        sleeping.acquire();
      }
      Awaitility.await().atMost(PATIENCE).until(() -> sleepers(cond) == 4);
      assertThat(woken.getValue()).isZero();
      try (var held = cond.hold()) {
        cond.signalAll();
      }
      for (int i = 0; i < 4; i++) {
        assertThat(woken.acquire(PATIENCE)).isTrue();
      }
      assertThat(woken.getValue()).isZero();
      assertThat(sleepers(cond)).isZero();
      joins.forEach(Runnable::run);
    } finally {
      SyncFixtures.killAll(ps);
    }
  }

  @Test
  void signalNWakesNWaiters() {
    List<Process> ps = new ArrayList<>();
    try (Condition cond = Multiprocessing.condition(); Semaphore sleeping = Multiprocessing.semaphore(0);
         Semaphore woken = Multiprocessing.semaphore(0)) {
      var joins = startSleepers(2, cond, sleeping, woken, null, ps);
      for (int i = 0; i < 4; i++) {
        sleeping.acquire();
      }
      Awaitility.await().atMost(PATIENCE).until(() -> sleepers(cond) == 4);
      try (var held = cond.hold()) {
        cond.signal(2);
        assertThat(woken.getValue()).as("the signalled ones need the lock back to go on").isZero();
      }
      awaitValue(woken, 2);
      assertThat(sleepers(cond)).isEqualTo(2);
      try (var held = cond.hold()) {
        cond.signal(4);
      }
      awaitValue(woken, 4);
      try (var held = cond.hold()) {
        cond.signal(3); // nobody left
      }
      assertThat(woken.getValue()).isEqualTo(4);
      assertThat(sleepers(cond)).isZero();
      joins.forEach(Runnable::run);
    } finally {
      SyncFixtures.killAll(ps);
    }
  }

  @Test
  void awaitTimesOut() throws Exception {
    try (Condition cond = Multiprocessing.condition()) {
      cond.acquire();
      var r = SyncFixtures.timed(() -> cond.await(Duration.ofMillis(100)));
      assertThat(r.value()).isFalse();
      assertThat(r.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(100)).isLessThan(Duration.ofSeconds(10));
      assertThat(cond.await(Duration.ZERO)).isFalse();
      var juc = SyncFixtures.timed(() -> cond.await(50, TimeUnit.MILLISECONDS));
      assertThat(juc.value()).isFalse();
      assertThat(juc.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
      assertThat(cond.awaitNanos(TimeUnit.MILLISECONDS.toNanos(30))).isLessThanOrEqualTo(0);
      assertThat(((RLock) cond.getLock()).getHoldCount()).isEqualTo(1);
      cond.release();
    }
  }

  @Test
  void waitForSeesStateChangedByAnotherProcess() {
    try (Condition cond = Multiprocessing.condition(); SharedInts state = SharedInts.create(1)) {
      state.set(0, -1);
      var p = start(() -> {
        try (var held = cond.hold()) {
          state.set(0, 0);
          cond.signal();
          boolean result = cond.waitFor(() -> state.get(0) == 4);
          if (!result || state.get(0) != 4) {
            System.exit(1);
          }
        }
      });
      try (var held = cond.hold()) {
        assertThat(cond.waitFor(() -> state.get(0) == 0, PATIENCE)).isTrue();
        assertThat(state.get(0)).isZero();
      }
      for (int i = 0; i < 4; i++) {
        try (var held = cond.hold()) {
          state.set(0, state.get(0) + 1);
          cond.signal();
        }
      }
      joinAll(p);
    }
  }

  @Test
  void waitForGivesUpAfterItsTimeout() {
    try (Condition cond = Multiprocessing.condition(); SharedInts state = SharedInts.create(2); Semaphore started = Multiprocessing.semaphore(0)) {
      var p = start(() -> {
        started.release();
        try (var held = cond.hold()) {
          long t0 = System.nanoTime();
          boolean result = cond.waitFor(() -> state.get(0) == 4, Duration.ofMillis(100));
          long dt = System.nanoTime() - t0;
          if (!result && dt >= TimeUnit.MILLISECONDS.toNanos(100)) {
            state.set(1, 1);
          }
        }
      });
      assertThat(started.acquire(PATIENCE)).isTrue();
      for (int i = 0; i < 3; i++) { // only 3 increments: state 4 is never reached
        try (var held = cond.hold()) {
          state.set(0, state.get(0) + 1);
          cond.signal();
        }
      }
      joinAll(p);
      assertThat(state.get(1)).isEqualTo(1);
    }
  }

  @Test
  void awaitReturnsTrueWhenSignalledAndThrowsWhenInterrupted() throws Exception {
    try (Condition cond = Multiprocessing.condition()) {
      try (var held = cond.hold()) {
        assertThat(cond.await(Duration.ZERO)).isFalse();
        assertThat(cond.await(Duration.ofMillis(100))).isFalse();
        var p = start(() -> {
          try (var h = cond.hold()) {
            cond.signal();
          }
        });
        assertThat(cond.await(PATIENCE)).isTrue();
        joinAll(p);
      }
      var outcome = new CompletableFuture<Throwable>();
      var heldAfter = new CompletableFuture<Integer>();
      Thread t = thread("waiter", () -> {
        cond.acquire();
        try {
          cond.await(PATIENCE);
          outcome.complete(null);
        } catch (Throwable e) {
          outcome.complete(e);
        } finally {
          heldAfter.complete(((RLock) cond.getLock()).getHoldCount());
          cond.release();
        }
      });
      Awaitility.await().atMost(PATIENCE).until(() -> sleepers(cond) == 1);
      t.interrupt();
      assertThat(outcome.get(60, TimeUnit.SECONDS)).isInstanceOf(ProcessInterruptedException.class)
          .hasMessageContaining("interrupted while waiting on <Condition(");
      assertThat(heldAfter.get(60, TimeUnit.SECONDS)).as("the lock is held again after the interrupt").isEqualTo(1);
      join(t);
      assertThat(sleepers(cond)).isZero();
    }
  }

  @Test
  void waitingOrSignallingWithoutTheLockIsRefused() {
    try (Condition cond = Multiprocessing.condition()) {
      assertThatThrownBy(() -> cond.await(Duration.ZERO)).isInstanceOf(IllegalMonitorStateException.class)
          .hasMessageContaining("cannot await on Condition mp4j-").hasMessageContaining("without holding its lock");
      assertThatThrownBy(cond::signal).isInstanceOf(IllegalMonitorStateException.class);
      assertThatThrownBy(cond::signalAll).isInstanceOf(IllegalMonitorStateException.class);
      assertThatThrownBy(cond::await).isInstanceOf(IllegalMonitorStateException.class);
      cond.acquire();
      assertThatThrownBy(() -> cond.signal(-1)).isInstanceOf(IllegalArgumentException.class);
      cond.release();
    }
  }

  @Test
  void reprShowsTheLockAndTheWaiters() {
    try (Condition cond = Multiprocessing.condition(); Lock lock = Multiprocessing.lock(); Condition withLock = Multiprocessing.condition(lock)) {
      assertThat(cond).hasToString("<Condition(<RLock(None, 0)>, 0)>");
      assertThat(withLock).hasToString("<Condition(<Lock(owner=None)>, 0)>");
      assertThat(withLock.getLock()).isEqualTo(lock);
      lock.acquire();
      assertThat(withLock).hasToString("<Condition(<Lock(owner=MainProcess)>, 0)>");
      lock.release();
    }
  }

  @Test
  void awaitReleasesEveryLevelOfAnRLockAndRestoresThem() {
    try (Condition cond = Multiprocessing.condition(); Event entered = Multiprocessing.event()) {
      RLock lock = (RLock) cond.getLock();
      lock.acquire();
      lock.acquire();
      var p = start(() -> {
        try (var held = cond.hold()) { // possible only while the parent waits
          entered.set();
          cond.signal();
        }
      });
      assertThat(cond.await(PATIENCE)).isTrue();
      assertThat(entered.isSet()).isTrue();
      assertThat(lock.getHoldCount()).isEqualTo(2);
      lock.release();
      lock.release();
      joinAll(p);
    }
  }

  @Test
  void aSignalGoesToAThreadThatWasWaitingNotToALaterOne() throws Exception {
    try (Condition cond = Multiprocessing.condition()) {
      var first = new CompletableFuture<Boolean>();
      Thread t = thread("first", () -> {
        try (var held = cond.hold()) {
          first.complete(cond.await(PATIENCE));
        }
      });
      Awaitility.await().atMost(PATIENCE).until(() -> sleepers(cond) == 1);
      try (var held = cond.hold()) {
        cond.signal();
        assertThat(cond.await(Duration.ofMillis(100))).as("the signal was the first waiter's").isFalse();
      }
      assertThat(first.get(60, TimeUnit.SECONDS)).isTrue();
      join(t);
    }
  }

  @Test
  void conditionOnAGivenLockLeavesThatHandleOpenWhenClosed() {
    try (Lock lock = Multiprocessing.lock()) {
      Condition cond = Multiprocessing.condition(lock);
      cond.close();
      assertThat(lock.acquire(false)).isTrue();
      lock.release();
      assertThatThrownBy(() -> Multiprocessing.condition(new java.util.concurrent.locks.ReentrantLock() instanceof Lock l ? l : null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a lock made by");
    }
  }
}
