package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.Process;

/**
 * A million items through one queue, 4 producer processes × 4 consumer processes (issue 4, item
 * 6): nothing lost, nothing duplicated, each producer's items in order at every consumer.
 */
class QueueLoadTest {
  private static final Context WARM = Multiprocessing.getContext("warm");
  private static final int PRODUCERS = 4;
  private static final int CONSUMERS = 4;
  private static final int PER_PRODUCER = 250_000;
  /** An item is {@code producer << SHIFT | sequence number}; the poison pill is negative. */
  private static final int SHIFT = 32;
  private static final long STOP = -1L;
  /** Per producer, a consumer reports: count, sum of sequence numbers, sum of their squares, order broken. */
  private static final int COUNT = 0;
  private static final int SUM = 1;
  private static final int SQUARES = 2;
  private static final int OUT_OF_ORDER = 3;
  private static final int FIGURES = 4;

  /** A consumer: reads until the pill, returns its figures per producer. */
  static long[] consume(Queue<Long> items) {
    long[] figures = new long[PRODUCERS * FIGURES];
    long[] last = new long[PRODUCERS];
    java.util.Arrays.fill(last, -1);
    while (true) {
      long v = items.get();
      if (v == STOP) {
        return figures;
      }
      int producer = (int) (v >>> SHIFT);
      long seq = v & 0xffff_ffffL;
      int at = producer * FIGURES;
      figures[at + COUNT]++;
      figures[at + SUM] += seq;
      figures[at + SQUARES] += seq * seq;
      if (seq <= last[producer]) {
        figures[at + OUT_OF_ORDER]++; // a duplicate, or one producer's items out of order
      }
      last[producer] = seq;
    }
  }

  @Test
  void aMillionItemsFromFourProducersToFourConsumersArriveExactlyOnce() {
    try (Queue<Long> items = Multiprocessing.queue(); Queue<long[]> reports = Multiprocessing.queue()) {
      var producers = new ArrayList<Process>();
      var consumers = new ArrayList<Process>();
      for (int p = 0; p < PRODUCERS; p++) {
        long base = (long) p << SHIFT;
        producers.add(WARM.process(() -> {
          for (long i = 0; i < PER_PRODUCER; i++) {
            items.put(base | i);
          }
        }));
      }
      for (int c = 0; c < CONSUMERS; c++) {
        consumers.add(WARM.process(() -> reports.put(consume(items))));
      }
      long t0 = System.nanoTime();
      consumers.forEach(Process::start);
      producers.forEach(Process::start);
      producers.forEach(Process::join); // a producer exits once its items are all in the ring
      for (int c = 0; c < CONSUMERS; c++) {
        items.put(STOP);
      }
      long[] total = new long[PRODUCERS * FIGURES];
      for (int c = 0; c < CONSUMERS; c++) {
        long[] report = reports.get(true, Duration.ofMinutes(3));
        for (int i = 0; i < total.length; i++) {
          total[i] += report[i];
        }
      }
      consumers.forEach(Process::join);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.printf("QueueLoadTest: %,d items, %d producers x %d consumers, in %,d ms (%,.0f items/s)%n",
          PRODUCERS * PER_PRODUCER, PRODUCERS, CONSUMERS, millis, PRODUCERS * PER_PRODUCER * 1000.0 / Math.max(1, millis));

      long n = PER_PRODUCER;
      long expectedSum = n * (n - 1) / 2;
      long expectedSquares = (n - 1) * n * (2 * n - 1) / 6;
      List<List<Long>> expected = new ArrayList<>();
      List<List<Long>> actual = new ArrayList<>();
      for (int p = 0; p < PRODUCERS; p++) {
        expected.add(List.of(n, expectedSum, expectedSquares, 0L));
        actual.add(java.util.Arrays.stream(total, p * FIGURES, (p + 1) * FIGURES).boxed().toList());
      }
      assertThat(actual).as("per producer: count, sum, sum of squares, items out of order").isEqualTo(expected);
      for (Process p : producers) {
        assertThat(p.exitCode()).isZero();
      }
      for (Process c : consumers) {
        assertThat(c.exitCode()).isZero();
      }
      assertThat(items.empty()).isTrue();
    }
  }
}
