package org.multiprocessing4j.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.ProcessTimeoutException;

/** The seed's pool example and the core of CPython's _TestPool, on one shared pool of 2 warm workers. */
class PoolTest {
  private static Pool pool;

  @BeforeAll
  static void startPool() {
    pool = Multiprocessing.getContext("warm").pool(2);
  }

  @AfterAll
  static void closePool() {
    pool.close();
  }

  static int sqr(int x) {
    return x * x;
  }

  static int sleepThenSqr(int x) {
    try {
      Thread.sleep(x * 100L);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return x * x;
  }

  @Test
  void seedExampleApplyMapImapAndTimeout() {
    AsyncResult<Integer> result = pool.applyAsync(() -> sqr(10));
    assertThat(result.get(Duration.ofSeconds(30))).isEqualTo(100);
    assertThat(pool.map(PoolTest::sqr, IntStream.range(0, 10).boxed().toList()))
        .containsExactly(0, 1, 4, 9, 16, 25, 36, 49, 64, 81);
    ImapIterator<Integer> it = pool.imap(PoolTest::sqr, IntStream.range(0, 10).boxed().toList());
    assertThat(it.next()).isEqualTo(0);
    assertThat(it.next()).isEqualTo(1);
    assertThat(it.next(Duration.ofSeconds(30))).isEqualTo(4);
    AsyncResult<Object> sleeping = pool.applyAsync(() -> {
      Thread.sleep(10_000);
      return null;
    });
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> sleeping.get(Duration.ofMillis(200))).isInstanceOf(ProcessTimeoutException.class);
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    while (it.hasNext()) {
      it.next();
    }
  }

  @Test
  void applyReturnsTheValue() {
    assertThat(pool.apply(() -> sqr(5))).isEqualTo(25);
  }

  @Test
  void mapKeepsOrderWithAnyChunksize() {
    var items = IntStream.range(0, 1000).boxed().toList();
    var expected = items.stream().map(PoolTest::sqr).toList();
    assertThat(pool.map(PoolTest::sqr, items)).isEqualTo(expected);
    assertThat(pool.map(PoolTest::sqr, items, 1)).isEqualTo(expected);
    assertThat(pool.map(PoolTest::sqr, items, 77)).isEqualTo(expected);
    assertThat(pool.map(PoolTest::sqr, List.<Integer>of())).isEmpty();
  }

  @Test
  void mapAsyncRunsTheCallbackOnTheResultThread() throws Exception {
    var threads = new CopyOnWriteArrayList<String>();
    var latch = new CountDownLatch(1);
    var r = pool.mapAsync(PoolTest::sqr, List.of(1, 2, 3), 1, v -> {
      threads.add(Thread.currentThread().getName());
      latch.countDown();
    }, null);
    assertThat(r.get()).containsExactly(1, 4, 9);
    assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(threads).containsExactly("mp4j-pool-results");
    assertThat(r.successful()).isTrue();
  }

  @Test
  void taskExceptionIsRethrownAsTheSameClassWithTheWorkersTrace() {
    AsyncResult<Integer> r = pool.applyAsync(() -> {
      throw new IllegalArgumentException("bad input 42");
    });
    assertThatThrownBy(r::get).isInstanceOf(IllegalArgumentException.class).hasMessage("bad input 42")
        .cause().isInstanceOf(Outcomes.RemoteTraceback.class).hasMessageContaining("PoolTest");
    assertThat(r.ready()).isTrue();
    assertThat(r.successful()).isFalse();
    var errors = new CopyOnWriteArrayList<Throwable>();
    var latch = new CountDownLatch(1);
    pool.applyAsync(() -> {
      throw new IllegalStateException("to the error callback");
    }, null, e -> {
      errors.add(e);
      latch.countDown();
    });
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertThat(errors).singleElement().isInstanceOf(IllegalStateException.class)
        .extracting(Throwable::getMessage).isEqualTo("to the error callback");
  }

  @Test
  void mapFailsWithTheFirstTaskException() {
    assertThatThrownBy(() -> pool.map(x -> {
      if (x == 7) {
        throw new ArithmeticException("seven");
      }
      return x;
    }, IntStream.range(0, 20).boxed().toList(), 2)).isInstanceOf(ArithmeticException.class).hasMessage("seven");
  }

  @Test
  void successfulBeforeReadyIsAnError() {
    AsyncResult<Integer> r = pool.applyAsync(() -> sleepThenSqr(5));
    assertThatThrownBy(r::successful).isInstanceOf(IllegalStateException.class).hasMessageContaining("not ready");
    assertThat(r.get()).isEqualTo(25);
  }

  static int sqrUnlessMultipleOf97(int x) {
    if (x > 0 && x % 97 == 0) {
      throw new IllegalArgumentException("no " + x);
    }
    return x * x;
  }

  @Test
  void imapRaisesAFailedItemInItsPlaceAndGoesOnFarPastTheReadAheadWindow() {
    int n = ProcessPool.imapWindow(2, 1) * 3;
    ImapIterator<Integer> it = pool.imap(PoolTest::sqrUnlessMultipleOf97, IntStream.range(0, n).boxed().toList());
    for (int i = 0; i < n; i++) {
      if (i > 0 && i % 97 == 0) {
        assertThatThrownBy(it::next).isInstanceOf(IllegalArgumentException.class).hasMessage("no " + i);
      } else {
        assertThat(it.next()).isEqualTo(i * i);
      }
    }
    assertThat(it.hasNext()).isFalse();
  }

  @Test
  void imapUnorderedYieldsEveryResult() {
    var got = new ArrayList<Integer>();
    pool.imapUnordered(PoolTest::sqr, IntStream.range(0, 100).boxed().toList(), 3).forEachRemaining(got::add);
    assertThat(got).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 100).map(PoolTest::sqr).boxed().toList());
  }

  @Test
  void imapNextWithTimeoutRaisesAndStaysUsable() {
    ImapIterator<Integer> it = pool.imap(PoolTest::sleepThenSqr, List.of(10, 1));
    assertThatThrownBy(() -> it.next(Duration.ofMillis(100))).isInstanceOf(ProcessTimeoutException.class);
    assertThat(it.next(Duration.ofSeconds(60))).isEqualTo(100);
    assertThat(it.next()).isEqualTo(1);
    assertThat(it.hasNext()).isFalse();
  }

  @Test
  void starmapAppliesTheFunctionToEachPair() {
    assertThat(pool.starmap((Integer a, Integer b) -> a * b, List.of(Map.entry(2, 3), Map.entry(4, 5))))
        .containsExactly(6, 20);
  }

  @Test
  void poolIsAnExecutorService() throws Exception {
    java.util.concurrent.Callable<Integer> c = (org.multiprocessing4j.function.SerializableCallable<Integer>) () -> 6 * 7;
    assertThat(pool.submit(c).get()).isEqualTo(42);
    var all = pool.invokeAll(List.of(c, c));
    assertThat(all).hasSize(2);
    assertThat(all.get(1).get()).isEqualTo(42);
    assertThat(pool.invokeAny(List.of(c))).isEqualTo(42);
    java.util.concurrent.Callable<Integer> plain = () -> 1;
    assertThatThrownBy(() -> pool.submit(plain)).isInstanceOf(org.multiprocessing4j.PicklingException.class)
        .hasMessageContaining("not Serializable");
  }

  @Test
  void aTaskHoldingAClosedQueueFailsAloneAndTheOthersAroundItComplete() {
    org.multiprocessing4j.Queue<Integer> closed = org.multiprocessing4j.Multiprocessing.queue();
    closed.close();
    var before = pool.applyAsync(() -> 1);
    var bad = pool.applyAsync(() -> closed.qsize());
    var after = pool.applyAsync(() -> 2);

    assertThatThrownBy(() -> bad.get(Duration.ofSeconds(30))).isInstanceOf(org.multiprocessing4j.PicklingException.class)
        .hasMessageContaining("is closed");
    assertThat(before.get(Duration.ofSeconds(30))).isEqualTo(1);
    assertThat(after.get(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(pool.apply(() -> 3)).isEqualTo(3);
  }

  static int length(byte[] b) {
    return b.length + b[b.length - 1];
  }

  @Test
  void tasksLargeEnoughToFillAWorkersInboxAllArriveInOrder() {
    // 24 chunks of 300 KB against 1 MiB inboxes: most do not fit at once and go the sender's way
    var items = new java.util.ArrayList<byte[]>();
    for (int i = 0; i < 24; i++) {
      byte[] b = new byte[300_000];
      b[b.length - 1] = (byte) i;
      items.add(b);
    }
    assertThat(pool.map(PoolTest::length, items, 1))
        .containsExactlyElementsOf(IntStream.range(0, 24).mapToObj(i -> 300_000 + i).toList());
  }

  @Test
  void insightsCountTasksPerWorker() {
    pool.map(PoolTest::sqr, IntStream.range(0, 40).boxed().toList(), 1);
    var insights = pool.insights();
    assertThat(insights).hasSize(2);
    assertThat(insights.stream().mapToLong(WorkerInsight::tasksDone).sum()).isGreaterThanOrEqualTo(40);
    assertThat(insights).allSatisfy(w -> assertThat(w.pid()).isNotNull());
  }

  @Test
  void aWorkersStartUpLiesWithinThePoolsLifeSoFar() {
    long created = System.nanoTime();
    try (Pool fresh = Multiprocessing.getContext("warm").pool(1)) {
      assertThat(fresh.apply(() -> sqr(3))).isEqualTo(9);
      long alive = System.nanoTime() - created;
      // from the worker's start to its Ready (the worker side measured it from the JDK's
      // process start time: a second off, and the spare's whole life before it was taken)
      assertThat(fresh.insights().getFirst().startup().toNanos()).isPositive().isLessThan(alive);
    }
  }
}
