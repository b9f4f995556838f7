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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.SyncFixtures.SharedInts;
import org.multiprocessing4j.internal.sync.ShmLockBase;

/** {@link Lock} across threads and processes; CPython's {@code _TestLock} and more. */
class LockTest {

  @Test
  void acquireAndReleaseFollowPython() {
    try (Lock lock = Multiprocessing.lock()) {
      assertThat(lock.acquire()).isTrue();
      assertThat(lock.locked()).isTrue();
      assertThat(lock.acquire(false)).isFalse();
      lock.release();
      assertThat(lock.locked()).isFalse();
      assertThatThrownBy(lock::release).isInstanceOf(IllegalMonitorStateException.class)
          .hasMessageContaining("Lock mp4j-").hasMessageContaining("released while not locked");
    }
  }

  @Test
  void reprNamesTheOwnerAsPythonDoes() throws Exception {
    assertThat(Thread.currentThread().getName()).isEqualTo("main"); // Python's MainThread
    try (Lock lock = Multiprocessing.lock(); Queue<String> q = Multiprocessing.queue(); Event held = Multiprocessing.event();
         Event done = Multiprocessing.event()) {
      assertThat(lock).hasToString("<Lock(owner=None)>");
      lock.acquire();
      assertThat(lock).hasToString("<Lock(owner=MainProcess)>");
      lock.release();

      var seen = new AtomicReference<String>();
      join(thread("T1", () -> {
        lock.acquire();
        seen.set(lock.toString());
      }));
      assertThat(seen.get()).isEqualTo("<Lock(owner=MainProcess|T1)>");
      assertThat(lock).hasToString("<Lock(owner=SomeOtherThread)>");
      lock.release(); // Python lets any thread release a Lock

      var p1 = start(() -> {
        lock.acquire();
        q.put(lock.toString());
        lock.release();
      }, "P1");
      assertThat(q.get(true, PATIENCE)).isEqualTo("<Lock(owner=P1)>");
      joinAll(p1);

      var p2 = start(() -> {
        lock.acquire();
        held.set();
        done.await();
        lock.release();
      }, "P2");
      assertThat(held.await(PATIENCE)).isTrue();
      assertThat(lock).hasToString("<Lock(owner=SomeOtherProcess)>");
      done.set();
      joinAll(p2);
      assertThat(lock).hasToString("<Lock(owner=None)>");
    }
  }

  @Test
  void lockedIsSeenAcrossProcesses() {
    try (Lock lock = Multiprocessing.lock(); Event event = Multiprocessing.event(); SharedInts res = SharedInts.create(1)) {
      var p = start(() -> {
        lock.acquire();
        res.set(0, lock.locked() ? 1 : 0);
        event.set();
      });
      assertThat(event.await(PATIENCE)).isTrue();
      assertThat(lock.locked()).isTrue();
      assertThat(res.get(0)).isEqualTo(1);
      joinAll(p);
      assertThat(lock.acquire(false)).as("a lock is not released by its holder's exit, as in Python").isFalse();
    }
  }

  @Test
  void holdReleasesAtTheEndOfTheBlockAlsoOnException() {
    try (Lock lock = Multiprocessing.lock()) {
      try (var held = lock.hold()) {
        assertThat(lock.locked()).isTrue();
      }
      assertThat(lock.locked()).isFalse();
      assertThatThrownBy(() -> {
        try (var held = lock.hold()) {
          throw new IllegalStateException("boom");
        }
      }).hasMessage("boom");
      assertThat(lock.locked()).isFalse();
    }
  }

  @Test
  void excludesAcrossProcessesAndThreads() throws Exception {
    int perParty = 2000;
    try (Lock lock = Multiprocessing.lock(); SharedInts counter = SharedInts.create(1)) {
      List<Process> ps = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        ps.add(start(() -> {
          for (int k = 0; k < perParty; k++) {
            try (var held = lock.hold()) {
              counter.unsafeIncrement(0);
            }
          }
        }));
      }
      Thread t = thread("incrementer", () -> {
        for (int k = 0; k < perParty; k++) {
          lock.lock();
          try {
            counter.unsafeIncrement(0);
          } finally {
            lock.unlock();
          }
        }
      });
      join(t);
      joinAll(ps);
      assertThat(counter.get(0)).isEqualTo(3 * perParty);
    }
  }

  @Test
  void anotherProcessMayReleaseTheLockAsInPython() {
    try (Lock lock = Multiprocessing.lock()) {
      lock.acquire();
      joinAll(start(lock::release));
      assertThat(lock.locked()).isFalse();
    }
  }

  @Test
  void acquireTimesOutAfterTheTimeout() throws Exception {
    try (Lock lock = Multiprocessing.lock()) {
      lock.acquire();
      var noWait = SyncFixtures.timed(() -> lock.acquire(false, Duration.ofSeconds(5)));
      assertThat(noWait.value()).isFalse();
      assertThat(noWait.elapsed()).isLessThan(Duration.ofSeconds(2));
      var timed = SyncFixtures.timed(() -> lock.acquire(Duration.ofMillis(200)));
      assertThat(timed.value()).isFalse();
      assertThat(timed.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(10));
      var juc = SyncFixtures.timed(() -> lock.tryLock(150, TimeUnit.MILLISECONDS));
      assertThat(juc.value()).isFalse();
      assertThat(juc.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(150)).isLessThan(Duration.ofSeconds(10));
      assertThat(lock.acquire(Duration.ZERO)).isFalse();
      lock.release();
      assertThat(lock.acquire(Duration.ofMillis(200))).isTrue();
      lock.release();
    }
  }

  @Test
  void aWaiterIsWokenWhenAnotherProcessReleases() {
    try (Lock lock = Multiprocessing.lock(); Event held = Multiprocessing.event(); Event go = Multiprocessing.event()) {
      var p = start(() -> {
        lock.acquire();
        held.set();
        go.await();
        lock.release();
      });
      assertThat(held.await(PATIENCE)).isTrue();
      assertThat(lock.acquire(false)).isFalse();
      go.set();
      assertThat(lock.acquire(PATIENCE)).isTrue();
      lock.release();
      joinAll(p);
    }
  }

  @Test
  void interruptedAcquireThrowsAndKeepsTheFlag() throws Exception {
    try (Lock lock = Multiprocessing.lock()) {
      lock.acquire();
      var thrown = new CompletableFuture<Throwable>();
      var flag = new CompletableFuture<Boolean>();
      Thread t = thread("waiter", () -> {
        try {
          lock.acquire();
          thrown.complete(null);
        } catch (Throwable e) {
          thrown.complete(e);
          flag.complete(Thread.currentThread().isInterrupted());
        }
      });
      Awaitility.await().atMost(PATIENCE).until(() -> ((ShmLockBase) lock).sleepers() > 0);
      t.interrupt();
      assertThat(thrown.get(60, TimeUnit.SECONDS)).isInstanceOf(ProcessInterruptedException.class)
          .hasMessageContaining("interrupted while acquiring <Lock(owner=SomeOtherThread)>")
          .hasCauseInstanceOf(InterruptedException.class);
      assertThat(flag.get(60, TimeUnit.SECONDS)).isTrue();
      join(t);
      lock.release();
    }
  }

  @Test
  void jucLockIgnoresInterruptsAndLockInterruptiblyDoesNot() throws Exception {
    try (Lock lock = Multiprocessing.lock()) {
      lock.lock();
      var interruptedAfterLock = new CompletableFuture<Boolean>();
      var inside = new CountDownLatch(1);
      Thread t = thread("locker", () -> {
        inside.countDown();
        lock.lock();
        interruptedAfterLock.complete(Thread.currentThread().isInterrupted());
        lock.unlock();
      });
      inside.await();
      Awaitility.await().atMost(PATIENCE).until(() -> ((ShmLockBase) lock).sleepers() > 0);
      t.interrupt();
      assertThat(interruptedAfterLock).isNotDone();
      lock.unlock();
      assertThat(interruptedAfterLock.get(60, TimeUnit.SECONDS)).isTrue();
      join(t);

      lock.lock();
      var thrown = new CompletableFuture<Throwable>();
      Thread t2 = thread("interruptible", () -> {
        try {
          lock.lockInterruptibly();
          thrown.complete(null);
        } catch (Throwable e) {
          thrown.complete(e);
        }
      });
      Awaitility.await().atMost(PATIENCE).until(() -> ((ShmLockBase) lock).sleepers() > 0);
      t2.interrupt();
      assertThat(thrown.get(60, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
      join(t2);
      assertThat(lock.tryLock()).isFalse();
      lock.unlock();
      assertThat(lock.tryLock()).isTrue();
      lock.unlock();
    }
  }

  @Test
  void newConditionIsBoundToTheLock() {
    try (Lock lock = Multiprocessing.lock(); var cond = (Condition) lock.newCondition()) {
      assertThat(cond.getLock()).isEqualTo(lock);
      assertThat(cond).hasToString("<Condition(<Lock(owner=None)>, 0)>");
      lock.lock();
      assertThat(cond.await(Duration.ofMillis(10))).isFalse();
      lock.unlock();
    }
  }

  @Test
  void aClosedHandleRefusesUse() {
    Lock lock = Multiprocessing.lock();
    lock.close();
    lock.close();
    assertThatThrownBy(lock::acquire).isInstanceOf(IllegalStateException.class).hasMessageContaining("handle is closed");
    assertThat(lock).hasToString("<Lock(owner=unknown)>");
  }
}
