package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueueTest {
  private static final Context WARM = Multiprocessing.getContext("warm");

  @Test
  void childPutsAndParentGetsTheSpecExample() {
    try (Queue<List<Object>> q = Multiprocessing.queue()) {
      var p = WARM.process(() -> q.put(Arrays.asList(42, null, "hello")));
      p.start();
      assertThat(q.get()).isEqualTo(Arrays.asList(42, null, "hello"));
      p.join();
      assertThat(p.exitCode()).isZero();
    }
  }

  @Test
  void itemsComeOutInTheOrderPutWithTheirValues() {
    try (Queue<Object> q = Multiprocessing.queue()) {
      List<Object> items = List.of(1, 2L, "three", 4.0, List.of(5), new byte[0].length);
      items.forEach(q::put);
      assertThat(q.qsize()).isEqualTo(items.size());
      var got = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        got.add(q.get());
      }
      assertThat(got).isEqualTo(items);
      assertThat(q.empty()).isTrue();
    }
  }

  /** Decodes a value by getting it from another queue: a get inside a get, on one thread. */
  static final class GetsWhileDecoded implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Queue<String> other;
    transient String got;

    GetsWhileDecoded(Queue<String> other) {
      this.other = other;
    }

    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
      in.defaultReadObject();
      got = other.get();
    }
  }

  @Test
  void aNullItemComesOutAsNullNotAsAnEmptyQueue() {
    // Python's q.put(None); get() tells "no item" (QueueEmptyException) from an item that is null
    try (Queue<Object> q = Multiprocessing.queue(); SimpleQueue<Object> s = Multiprocessing.simpleQueue()) {
      q.put(null);
      q.put("after");
      assertThat(q.get(true, Duration.ofSeconds(60))).isNull();
      assertThat(q.get(true, Duration.ofSeconds(60))).isEqualTo("after");
      assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmptyException.class);
      s.put(null);
      assertThat(s.get()).isNull();
    }
  }

  @Test
  void itemsOfEverySizeComeOutWholeWhatEverCameBefore() {
    // small items are read through the getting thread's buffer, which grows up to 64 KiB; larger
    // ones come in arrays of their own
    try (Queue<Object> q = Multiprocessing.queue()) {
      byte[] kib2 = new byte[2048];
      Arrays.fill(kib2, (byte) 2);
      byte[] kib200 = new byte[200 * 1024];
      Arrays.fill(kib200, (byte) 7);
      List<Object> items = List.of(1, kib2, "after 2 KiB", kib200, List.of("after", 200), 3);
      items.forEach(q::put);
      for (Object expected : items) {
        Object got = q.get();
        if (expected instanceof byte[] b) {
          assertThat((byte[]) got).isEqualTo(b);
        } else {
          assertThat(got).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void aValueThatGetsFromAQueueWhileItIsDecodedComesOutWhole() {
    try (Queue<String> inner = Multiprocessing.queue(); Queue<Object> outer = Multiprocessing.queue()) {
      // both messages fit the getting thread's first buffer (1 KiB), and the inner one is long
      // enough to overwrite the rest of the outer one if the two shared it
      String innerItem = "from the inner queue " + "x".repeat(900);
      inner.put(innerItem);
      outer.put(List.of("before", new GetsWhileDecoded(inner), "after"));
      @SuppressWarnings("unchecked")
      var got = (List<Object>) outer.get();
      assertThat(got.get(0)).isEqualTo("before");
      var decoded = (GetsWhileDecoded) got.get(1);
      decoded.other.close(); // the handle the decoding attached
      assertThat(decoded.got).isEqualTo(innerItem);
      assertThat(got.get(2)).isEqualTo("after");
    }
  }

  @Test
  void getRaisesQueueEmptyAfterTheTimeout() {
    try (Queue<String> q = Multiprocessing.queue()) {
      assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmptyException.class).hasMessageContaining("is empty");
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> q.get(true, Duration.ofMillis(300))).isInstanceOf(QueueEmptyException.class)
          .hasMessageContaining("after waiting PT0.3S");
      assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
    }
  }

  @Test
  void boundedQueueRaisesQueueFull() {
    try (Queue<Integer> q = Multiprocessing.queue(2)) {
      q.put(1);
      q.putNowait(2);
      assertThat(q.full()).isTrue();
      assertThatThrownBy(() -> q.putNowait(3)).isInstanceOf(QueueFullException.class).hasMessageContaining("maxsize 2");
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> q.put(3, true, Duration.ofMillis(200))).isInstanceOf(QueueFullException.class);
      assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
      assertThat(q.get()).isEqualTo(1);
      q.putNowait(3);
      assertThat(q.get()).isEqualTo(2);
      assertThat(q.get()).isEqualTo(3);
    }
  }

  @Test
  void putWithTheInterruptFlagSetPutsTheItemAndLeavesTheFlagSet() {
    try (JoinableQueue<Integer> q = Multiprocessing.joinableQueue()) {
      Thread.currentThread().interrupt();
      try {
        q.put(1); // writes at once: nothing to wait for, so nothing to interrupt
      } finally {
        assertThat(Thread.interrupted()).as("the interrupt flag, left for the caller").isTrue();
      }
      assertThat(q.qsize()).isEqualTo(1);
      assertThat(q.get()).isEqualTo(1);
      q.taskDone();
      q.join(); // returns: the put counted one task and taskDone took it
      assertThat(q.qsize()).isZero();
    }
  }

  @Test
  void joinableQueueCountsTasks() {
    try (JoinableQueue<Integer> q = Multiprocessing.joinableQueue()) {
      q.put(1);
      q.put(2);
      var worker = WARM.process(() -> {
        for (int i = 0; i < 2; i++) {
          q.get();
          q.taskDone();
        }
      });
      worker.start();
      q.join();
      worker.join();
      assertThat(worker.exitCode()).isZero();
      assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class).hasMessageContaining("too many times");
    }
  }

  @Test
  void closedQueueRefusesUse() {
    Queue<Integer> q = Multiprocessing.queue();
    assertThatThrownBy(q::joinThread).isInstanceOf(IllegalStateException.class).hasMessageContaining("not closed");
    q.close();
    assertThatThrownBy(() -> q.put(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    assertThatThrownBy(q::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    q.close();
    q.joinThread();
  }

  @Test
  void putNeverBlocksAnUnboundedQueueAndTheChildFlushesBeforeExit() {
    try (Queue<byte[]> q = Multiprocessing.queue()) {
      int items = 64;
      var p = WARM.process(() -> {
        for (int i = 0; i < items; i++) {
          q.put(new byte[64 * 1024]); // 4 MiB in all: far more than the ring holds
        }
      });
      p.start();
      int got = 0;
      for (int i = 0; i < items; i++) {
        got += q.get().length;
      }
      p.join();
      assertThat(got).isEqualTo(items * 64 * 1024);
      assertThat(p.exitCode()).isZero();
    }
  }

  @Test
  void manyProducersAndConsumersAcrossProcessesLoseNothing() {
    try (Queue<Integer> tasks = Multiprocessing.queue(); Queue<Integer> done = Multiprocessing.queue()) {
      int producers = 2;
      int perProducer = 5000;
      var procs = new ArrayList<Process>();
      for (int p = 0; p < producers; p++) {
        int base = p * perProducer;
        procs.add(WARM.process(() -> {
          for (int i = 0; i < perProducer; i++) {
            tasks.put(base + i);
          }
        }));
      }
      for (int c = 0; c < 2; c++) {
        procs.add(WARM.process(() -> {
          while (true) {
            int v = tasks.get();
            if (v < 0) {
              return;
            }
            done.put(v);
          }
        }));
      }
      procs.forEach(Process::start);
      Set<Integer> seen = new HashSet<>();
      for (int i = 0; i < producers * perProducer; i++) {
        assertThat(seen.add(done.get())).isTrue();
      }
      tasks.put(-1);
      tasks.put(-1);
      procs.forEach(Process::join);
      assertThat(seen).hasSize(producers * perProducer);
    }
  }

  @Test
  void aQueueTravelsThroughAnotherQueue() {
    try (Queue<Queue<String>> outer = Multiprocessing.queue(); Queue<String> inner = Multiprocessing.queue()) {
      var p = WARM.process(() -> outer.get().put("through"));
      p.start();
      outer.put(inner);
      assertThat(inner.get(true, Duration.ofSeconds(60))).isEqualTo("through");
      p.join();
    }
  }

  @Test
  void simpleQueueMovesItemsBetweenProcesses() {
    try (SimpleQueue<String> q = Multiprocessing.simpleQueue()) {
      var p = WARM.process(() -> q.put("simple"));
      p.start();
      assertThat(q.get()).isEqualTo("simple");
      p.join();
      assertThat(q.empty()).isTrue();
    }
  }

  @Test
  void aSimpleQueueKeepsNoCounterButItsQsizeStillCountsTheItemsInTheRing() {
    try (var q = org.multiprocessing4j.internal.queue.RingQueue.<Integer>createSimple()) {
      q.put(1);
      q.put(2);
      assertThat(q.qsize()).isEqualTo(2);
      assertThat(q.get()).isEqualTo(1);
      assertThat(q.qsize()).isEqualTo(1);
      assertThat(q.get()).isEqualTo(2);
      assertThat(q.qsize()).isZero();
      assertThat(q.empty()).isTrue();
    }
  }

  @Test
  void hundredMebibyteItemPassesThroughAQueue() {
    try (Queue<byte[]> q = Multiprocessing.queue()) {
      var p = WARM.process(() -> {
        byte[] big = new byte[100 << 20];
        big[big.length - 1] = 42;
        q.put(big);
      });
      p.start();
      byte[] got = q.get();
      p.join();
      assertThat(got).hasSize(100 << 20);
      assertThat(got[got.length - 1]).isEqualTo((byte) 42);
    }
  }
}
