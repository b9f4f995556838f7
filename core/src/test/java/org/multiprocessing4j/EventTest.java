package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
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
import org.multiprocessing4j.internal.sync.ShmEvent;

/** {@link Event} across threads and processes; CPython's {@code _TestEvent} and more. */
class EventTest {

  @Test
  void waitReturnsTheFlagAsInPython() throws Exception {
    try (Event event = Multiprocessing.event()) {
      assertThat(event.isSet()).isFalse();
      var zero = SyncFixtures.timed(() -> event.await(Duration.ZERO));
      assertThat(zero.value()).isFalse();
      assertThat(zero.elapsed()).isLessThan(Duration.ofSeconds(2));
      var timed = SyncFixtures.timed(() -> event.await(Duration.ofMillis(100)));
      assertThat(timed.value()).isFalse();
      assertThat(timed.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(100)).isLessThan(Duration.ofSeconds(10));

      event.set();
      assertThat(event.isSet()).isTrue();
      var set = SyncFixtures.timed(() -> {
        event.await();
        return event.await(Duration.ofSeconds(30));
      });
      assertThat(set.value()).isTrue();
      assertThat(set.elapsed()).isLessThan(Duration.ofSeconds(2));
      event.set(); // twice is fine
      event.clear();
      assertThat(event.isSet()).isFalse();

      var p = start(event::set);
      assertThat(event.await(PATIENCE)).isTrue();
      joinAll(p);
    }
  }

  @Test
  void reprSaysSetOrUnset() {
    try (Event event = Multiprocessing.event()) {
      assertThat(event.toString()).matches("<Event at mp4j-\\d+-[0-9a-f]+ unset>");
      event.set();
      assertThat(event.toString()).matches("<Event at mp4j-\\d+-[0-9a-f]+ set>");
      event.clear();
      assertThat(event.toString()).endsWith(" unset>");
    }
  }

  @Test
  void oneSetReleasesWaitersInEveryProcess() {
    List<Process> ps = new ArrayList<>();
    try (Event go = Multiprocessing.event(); Semaphore done = Multiprocessing.semaphore(0)) {
      for (int i = 0; i < 2; i++) {
        ps.add(start(() -> {
          if (go.await(PATIENCE)) {
            done.release();
          }
        }));
      }
      Awaitility.await().atMost(PATIENCE).until(() -> ((ShmEvent) go).sleepers() == 2);
      assertThat(done.getValue()).isZero();
      go.set();
      assertThat(done.acquire(PATIENCE)).isTrue();
      assertThat(done.acquire(PATIENCE)).isTrue();
      joinAll(ps);
    } finally {
      SyncFixtures.killAll(ps);
    }
  }

  @Test
  void aWaiterLearnsOfASetEvenIfItWasClearedAtOnce() throws Exception {
    try (Event event = Multiprocessing.event()) {
      var result = new CompletableFuture<Boolean>();
      Thread t = thread("waiter", () -> result.complete(event.await(PATIENCE)));
      Awaitility.await().atMost(PATIENCE).until(() -> ((ShmEvent) event).sleepers() == 1);
      event.set();
      event.clear();
      assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
      join(t);
    }
  }

  @Test
  void interruptedWaitThrowsAndKeepsTheFlag() throws Exception {
    try (Event event = Multiprocessing.event()) {
      var outcome = new CompletableFuture<Throwable>();
      var flag = new CompletableFuture<Boolean>();
      Thread t = thread("waiter", () -> {
        try {
          event.await();
          outcome.complete(null);
        } catch (Throwable e) {
          flag.complete(Thread.currentThread().isInterrupted());
          outcome.complete(e);
        }
      });
      Awaitility.await().atMost(PATIENCE).until(() -> ((ShmEvent) event).sleepers() == 1);
      t.interrupt();
      assertThat(outcome.get(60, TimeUnit.SECONDS)).isInstanceOf(ProcessInterruptedException.class)
          .hasMessageContaining("interrupted while waiting for <Event at");
      assertThat(flag.get(60, TimeUnit.SECONDS)).isTrue();
      join(t);
    }
  }
}
