package org.multiprocessing4j.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.Context;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.ProcessException;
import org.multiprocessing4j.ProcessTimeoutException;

/** Pools of their own: lifetime, worker death, maxTasksPerChild, initializer, timeouts (CPython's _TestPoolWorkerLifetime and more). */
class PoolLifecycleTest {
  private static final Context WARM = Multiprocessing.getContext("warm");

  static long pid() {
    return ProcessHandle.current().pid();
  }

  @Test
  void builderRefusesBadSizes() {
    assertThatThrownBy(() -> Pool.builder().processes(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> Pool.builder().maxTasksPerChild(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxtasksperchild");
  }

  @Test
  void closeWaitsForQueuedWorkThenRefusesNewWork() {
    Pool pool = WARM.pool(2);
    var r = pool.mapAsync(PoolTest::sleepThenSqr, List.of(1, 2, 3), 1);
    assertThatThrownBy(pool::join).isInstanceOf(IllegalStateException.class).hasMessageContaining("still running");
    pool.close();
    assertThat(r.ready()).isTrue();
    assertThat(r.get()).containsExactly(1, 4, 9);
    assertThatThrownBy(() -> pool.apply(() -> 1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not running");
    pool.join();
    assertThat(pool.isTerminated()).isTrue();
  }

  @Test
  void terminateFailsPendingResults() {
    Pool pool = WARM.pool(1);
    AsyncResult<Object> r = pool.applyAsync(() -> {
      Thread.sleep(60_000);
      return null;
    });
    pool.terminate();
    assertThatThrownBy(r::get).isInstanceOf(ProcessException.class).hasMessageContaining("terminated");
    pool.join();
  }

  @Test
  void workerKilledMidTaskFailsThatTaskAndThePoolGoesOn() {
    try (Pool pool = WARM.pool(2)) {
      AsyncResult<Long> dying = pool.applyAsync(() -> {
        Runtime.getRuntime().halt(137);
        return 0L;
      });
      long t0 = System.nanoTime();
      assertThatThrownBy(dying::get).isInstanceOf(WorkerLostException.class).hasMessageContaining("died with exit code");
      assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(10).toNanos());
      assertThat(pool.map(PoolTest::sqr, IntStream.range(0, 20).boxed().toList())).hasSize(20);
      var killed = pool.applyAsync(() -> {
        new ProcessBuilder("kill", "-9", Long.toString(pid())).start().waitFor();
        Thread.sleep(60_000);
        return 0L;
      });
      assertThatThrownBy(killed::get).isInstanceOf(WorkerLostException.class).hasMessageContaining("-9");
      assertThat(pool.apply(() -> 7)).isEqualTo(7);
      assertThat(pool.insights().stream().mapToInt(WorkerInsight::restarts).sum()).isEqualTo(2);
    }
  }

  @Test
  void maxTasksPerChildReplacesWorkers() {
    try (Pool pool = WARM.poolBuilder().processes(2).maxTasksPerChild(2).build()) {
      var pids = new HashSet<Long>(pool.map(x -> pid(), IntStream.range(0, 20).boxed().toList(), 1));
      assertThat(pids.size()).isGreaterThanOrEqualTo(5);
    }
  }

  @Test
  void initializerRunsInEachWorker() {
    try (Pool pool = WARM.poolBuilder().processes(2).initializer(() -> System.setProperty("mp4j.test.init", "yes")).build()) {
      assertThat(pool.map(x -> System.getProperty("mp4j.test.init"), List.of(1, 2, 3, 4), 1)).containsOnly("yes");
    }
  }

  @Test
  void taskTimeoutKillsTheWorkerAndFailsTheTask() {
    try (Pool pool = WARM.poolBuilder().processes(1).taskTimeout(Duration.ofMillis(500)).build()) {
      AsyncResult<Object> slow = pool.applyAsync(() -> {
        Thread.sleep(60_000);
        return null;
      });
      assertThatThrownBy(slow::get).isInstanceOf(ProcessTimeoutException.class).hasMessageContaining("task timeout");
      assertThat(pool.apply(() -> 3)).isEqualTo(3);
    }
  }

  @Test
  void unserializableResultFailsTheTaskAndTheWorkerLives() {
    try (Pool pool = WARM.pool(1)) {
      AsyncResult<Object> r = pool.applyAsync(() -> new Object());
      assertThatThrownBy(r::get).isInstanceOf(org.multiprocessing4j.PicklingException.class)
          .hasMessageContaining("cannot be sent back");
      assertThat(pool.apply(() -> 5)).isEqualTo(5);
      assertThat(pool.insights().getFirst().restarts()).isZero();
    }
  }

  @Test
  void aSpawnPoolHoldsBackWorkersOnlyWhileBootingThemAllAtOnceWouldShareTooFewCores() {
    Context spawn = Multiprocessing.getContext("spawn");
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(ProcessPool.bootsAtOnce(spawn, 8, null)).isEqualTo(Math.min(8, Math.max(1, cores - 1)));
    assertThat(ProcessPool.bootsAtOnce(spawn, 1, null)).isEqualTo(1);
    assertThat(ProcessPool.bootsAtOnce(spawn, 8, () -> { })).as("with an initializer").isEqualTo(8);
    assertThat(ProcessPool.bootsAtOnce(WARM, 8, null)).as("warm: spares are booted already").isEqualTo(8);
  }

  @Test
  void aSpawnPoolStartsTheWorkersItHeldBackSoThatAllRunAtOnce() {
    // each task waits at a barrier for the other: both return only if both workers run
    try (Pool pool = Multiprocessing.getContext("spawn").pool(2);
        org.multiprocessing4j.Barrier barrier = Multiprocessing.barrier(2)) {
      var pids = pool.map(i -> {
        barrier.await(Duration.ofSeconds(60));
        return pid();
      }, List.of(1, 2), 1);
      assertThat(new HashSet<>(pids)).hasSize(2);
    }
  }

  @Test
  void aSpawnPoolWithNoWorkWaitingBootsNoHeldBackWorker() {
    Context spawn = Multiprocessing.getContext("spawn");
    org.junit.jupiter.api.Assumptions.assumeTrue(ProcessPool.bootsAtOnce(spawn, 2, null) == 1,
        "a pool of 2 holds a worker back only on 2 cores or fewer");
    Pool pool = spawn.pool(2);
    assertThat(pool.apply(() -> 7)).isEqualTo(7);
    pool.close(); // no work waited: the held-back worker is never booted, and close does not wait for one
    pool.join();
    var insights = pool.insights();
    assertThat(insights.get(0).pid()).isNotNull();
    assertThat(insights.get(1).pid()).as("the held-back worker").isNull();
  }

  @Test
  void aSpawnPoolClosedOrTerminatedRightAwayEndsWithoutItsHeldBackWorkers() {
    Pool closed = Multiprocessing.getContext("spawn").pool(2);
    closed.close();
    closed.join();
    assertThat(closed.isTerminated()).isTrue();
    Pool terminated = Multiprocessing.getContext("spawn").pool(2);
    terminated.terminate();
    terminated.join();
    assertThat(terminated.isTerminated()).isTrue();
    // the leak check after each test fails it if a worker, held back or not, is still running
  }

  @Test
  void threadContextPoolRunsOnThreads() {
    try (Pool pool = Multiprocessing.getContext("thread").pool(2)) {
      assertThat(pool.map(x -> pid(), List.of(1, 2, 3))).containsOnly(pid());
    }
  }

  @Test
  void imapOverAnEndlessIteratorReadsItsInputLazily() {
    var produced = new java.util.concurrent.atomic.AtomicInteger();
    Iterable<Integer> endless = () -> new java.util.Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Integer next() {
        return produced.getAndIncrement();
      }
    };
    Pool pool = WARM.pool(2);
    try {
      ImapIterator<Integer> it = pool.imap(PoolTest::sqr, endless);
      for (int i = 0; i < 1000; i++) {
        assertThat(it.next()).isEqualTo(i * i);
      }
      // read ahead of the consumer by at most the window (chunks of one item here)
      assertThat(produced.get()).isLessThanOrEqualTo(1000 + ProcessPool.imapWindow(2, 1) + 1);
    } finally {
      pool.terminate(); // an endless imap is never done: close() would wait for ever, as in Python
    }
  }


  @Test
  void progressPrintsALineEachTenthAndTheEnd() {
    var captured = new java.io.ByteArrayOutputStream();
    var original = System.err;
    System.setErr(new java.io.PrintStream(captured, true));
    try (Pool pool = WARM.poolBuilder().processes(2).progress(true).build()) {
      assertThat(pool.map(PoolTest::sqr, IntStream.range(0, 100).boxed().toList(), 1)).hasSize(100);
    } finally {
      System.setErr(original);
    }
    String out = captured.toString();
    assertThat(out).contains("[multiprocessing4j pool] 100/100 items (100%)");
    assertThat(out.lines().filter(l -> l.startsWith("[multiprocessing4j pool]")).count()).isBetween(2L, 12L);
  }
}
