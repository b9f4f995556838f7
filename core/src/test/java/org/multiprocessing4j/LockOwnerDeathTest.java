package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multiprocessing4j.SyncFixtures.PATIENCE;
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
import org.multiprocessing4j.internal.sync.ShmEvent;
import org.multiprocessing4j.internal.sync.ShmLockBase;

/**
 * A lock whose holder is killed with SIGKILL: its waiters get {@link OwnerDiedException} naming
 * the dead pid soon after the kill (CPython's waiters hang), and the lock is free afterwards.
 */
class LockOwnerDeathTest {
  /** The promise: within 1 s past the waiter's 50 ms check slice; loose for 2 busy cores. */
  private static final Duration DETECTION_BOUND = Duration.ofSeconds(5);

  /** A child that takes the lock (twice for an RLock), says so, and then blocks forever. */
  private static Process holder(Lock lock, Event held, Event never, boolean twice) {
    return start(() -> {
      lock.acquire();
      if (twice) {
        lock.acquire();
      }
      held.set();
      never.await();
    });
  }

  private static void killedHolderReleasesItsWaiters(Lock lock) throws Exception {
    Event held = Multiprocessing.event();
    Event never = Multiprocessing.event();
    Process p = holder(lock, held, never, lock instanceof RLock);
    try {
      assertThat(held.await(PATIENCE)).isTrue();
      List<CompletableFuture<Throwable>> outcomes = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        var outcome = new CompletableFuture<Throwable>();
        outcomes.add(outcome);
        boolean timed = i == 1;
        thread("waiter-" + i, () -> {
          try {
            if (timed) {
              lock.acquire(Duration.ofSeconds(120)); // a timed wait reports the death too, long before its timeout
            } else {
              lock.acquire();
            }
            outcome.complete(null);
          } catch (Throwable e) {
            outcome.complete(e);
          }
        });
      }
      Awaitility.await().atMost(PATIENCE).until(() -> ((ShmLockBase) lock).sleepers() >= 2);
      assertThat(outcomes).noneMatch(CompletableFuture::isDone);
      long pid = p.pid();
      p.kill();
      long killed = System.nanoTime();
      for (var outcome : outcomes) {
        Throwable e = outcome.get(60, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(DETECTION_BOUND);
        assertThat(e).isInstanceOf(OwnerDiedException.class)
            .hasMessageContaining(((ShmLockBase) lock).segmentName())
            .hasMessageContaining("process " + pid + ", died while holding it");
        assertThat(((OwnerDiedException) e).ownerPid()).isEqualTo(pid);
      }
      assertThat(p.join(PATIENCE)).isTrue();
      assertThat(p.exitCode()).isEqualTo(-9);
      assertThat(lock.locked()).as("the lock is free after the death").isFalse();
      assertThat(lock.acquire(false)).as("acquires after the death succeed").isTrue();
      lock.release();
    } finally {
      SyncFixtures.killAll(List.of(p));
      held.close();
      never.close();
      lock.close();
      // the killed child never gave its owner counts back: remove what the root's exit sweep would
      SyncFixtures.removeLeftovers(((ShmLockBase) lock).segmentName(), ((ShmEvent) held).segmentName(),
          ((ShmEvent) never).segmentName());
    }
  }

  @Test
  void waitersOfAKilledLockHolderGetOwnerDied() throws Exception {
    killedHolderReleasesItsWaiters(Multiprocessing.lock());
  }

  @Test
  void waitersOfAKilledRLockHolderGetOwnerDied() throws Exception {
    killedHolderReleasesItsWaiters(Multiprocessing.rlock());
  }

  @Test
  void aWaiterInAnotherProcessIsToldToo() throws Exception {
    Lock lock = Multiprocessing.lock();
    Event held = Multiprocessing.event();
    Event never = Multiprocessing.event();
    Queue<String> report = Multiprocessing.queue();
    Process holder = holder(lock, held, never, false);
    Process waiter = null;
    try {
      assertThat(held.await(PATIENCE)).isTrue();
      waiter = start(() -> {
        try {
          lock.acquire();
          report.put("acquired");
        } catch (OwnerDiedException e) {
          report.put(e.ownerPid() + ": " + e.getMessage());
          report.put(lock.acquire(false) ? "free after" : "still taken");
          lock.release();
        }
      });
      Awaitility.await().atMost(PATIENCE).until(() -> ((ShmLockBase) lock).sleepers() >= 1);
      long pid = holder.pid();
      holder.kill();
      assertThat(report.get(true, PATIENCE)).startsWith(pid + ": Lock ").contains("died while holding it");
      assertThat(report.get(true, PATIENCE)).isEqualTo("free after");
      joinAll(waiter);
    } finally {
      var all = new ArrayList<>(List.of(holder));
      if (waiter != null) {
        all.add(waiter);
      }
      SyncFixtures.killAll(all);
      String[] names = {((ShmLockBase) lock).segmentName(), ((ShmEvent) held).segmentName(), ((ShmEvent) never).segmentName()};
      report.close();
      held.close();
      never.close();
      lock.close();
      SyncFixtures.removeLeftovers(names);
    }
  }
}
