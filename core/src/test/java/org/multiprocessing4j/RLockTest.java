package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multiprocessing4j.SyncFixtures.PATIENCE;
import static org.multiprocessing4j.SyncFixtures.join;
import static org.multiprocessing4j.SyncFixtures.joinAll;
import static org.multiprocessing4j.SyncFixtures.start;
import static org.multiprocessing4j.SyncFixtures.thread;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.SyncFixtures.SharedInts;

/** {@link RLock} across threads and processes; CPython's {@code _TestLock} RLock cases and more. */
class RLockTest {

  @Test
  void reentersAndCountsAsPython() {
    try (RLock lock = Multiprocessing.rlock()) {
      assertThat(lock.acquire()).isTrue();
      assertThat(lock.locked()).isTrue();
      assertThat(lock.acquire()).isTrue();
      assertThat(lock.acquire()).isTrue();
      assertThat(lock.getHoldCount()).isEqualTo(3);
      lock.release();
      assertThat(lock.locked()).isTrue();
      lock.release();
      lock.release();
      assertThat(lock.locked()).isFalse();
      assertThat(lock.getHoldCount()).isZero();
      assertThatThrownBy(lock::release).isInstanceOf(IllegalMonitorStateException.class)
          .hasMessageContaining("RLock mp4j-").hasMessageContaining("does not hold it");
    }
  }

  @Test
  void reprNamesOwnerAndCountAsPythonDoes() throws Exception {
    try (RLock lock = Multiprocessing.rlock(); Queue<String> q = Multiprocessing.queue()) {
      assertThat(lock).hasToString("<RLock(None, 0)>");
      for (int i = 0; i < 3; i++) {
        lock.acquire();
      }
      assertThat(lock).hasToString("<RLock(MainProcess, 3)>");
      for (int i = 0; i < 3; i++) {
        lock.release();
      }
      for (int n = 1; n <= 3; n++) {
        int times = n;
        var seen = new AtomicReference<String>();
        join(thread("T" + n, () -> {
          for (int i = 0; i < times; i++) {
            lock.acquire();
          }
          seen.set(lock.toString());
          for (int i = 0; i < times; i++) {
            lock.release();
          }
        }));
        assertThat(seen.get()).isEqualTo("<RLock(MainProcess|T" + n + ", " + n + ")>");
      }
      try (RLock other = Multiprocessing.rlock()) {
        join(thread("holder", other::acquire));
        assertThat(other).hasToString("<RLock(SomeOtherThread, nonzero)>");
      }
      var p1 = start(() -> {
        lock.acquire();
        q.put(lock.toString());
        lock.release();
      }, "P1");
      assertThat(q.get(true, PATIENCE)).isEqualTo("<RLock(P1, 1)>");
      joinAll(p1);
      try (RLock other = Multiprocessing.rlock()) {
        joinAll(start(other::acquire)); // exits holding it
        assertThat(other).hasToString("<RLock(SomeOtherProcess, nonzero)>");
      }
    }
  }

  @Test
  void onlyTheOwningThreadMayRelease() throws Exception {
    try (RLock lock = Multiprocessing.rlock()) {
      lock.acquire();
      var thrown = new AtomicReference<Throwable>();
      join(thread("intruder", () -> {
        try {
          lock.release();
        } catch (Throwable e) {
          thrown.set(e);
        }
      }));
      assertThat(thrown.get()).isInstanceOf(IllegalMonitorStateException.class)
          .hasMessageContaining("released by a thread that does not hold it").hasMessageContaining("<RLock(SomeOtherThread, nonzero)>");
      var p = start(() -> {
        try {
          lock.release();
        } catch (IllegalMonitorStateException e) {
          System.exit(42);
        }
      });
      p.join(PATIENCE);
      assertThat(p.exitCode()).isEqualTo(42);
      assertThat(lock.getHoldCount()).isEqualTo(1);
      lock.release();
    }
  }

  @Test
  void lockedIsSeenAcrossProcessesAndOthersCannotEnter() {
    try (RLock lock = Multiprocessing.rlock(); Event event = Multiprocessing.event(); SharedInts res = SharedInts.create(2)) {
      var p = start(() -> {
        lock.acquire();
        lock.acquire();
        res.set(0, lock.locked() ? 1 : 0);
        res.set(1, lock.getHoldCount());
        event.set();
      });
      assertThat(event.await(PATIENCE)).isTrue();
      assertThat(lock.locked()).isTrue();
      assertThat(res.get(0)).isEqualTo(1);
      assertThat(res.get(1)).isEqualTo(2);
      assertThat(lock.acquire(false)).isFalse();
      assertThat(lock.getHoldCount()).isZero();
      joinAll(p);
    }
  }

  @Test
  void holdNestsAndExcludesAcrossProcesses() {
    int perParty = 1000;
    try (RLock lock = Multiprocessing.rlock(); SharedInts counter = SharedInts.create(1)) {
      try (var outer = lock.hold(); var inner = lock.hold()) {
        assertThat(lock).hasToString("<RLock(MainProcess, 2)>");
      }
      assertThat(lock.locked()).isFalse();
      List<Process> ps = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        ps.add(start(() -> {
          for (int k = 0; k < perParty; k++) {
            try (var outer = lock.hold(); var inner = lock.hold()) {
              counter.unsafeIncrement(0);
            }
          }
        }));
      }
      joinAll(ps);
      assertThat(counter.get(0)).isEqualTo(2 * perParty);
    }
  }
}
