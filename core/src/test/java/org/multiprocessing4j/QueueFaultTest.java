package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.connection.Connection;
import org.multiprocessing4j.internal.queue.RingQueue;

/**
 * Queues and pipes whose peers are killed with SIGKILL (issue 4, item 6): the survivors go on, lose
 * nothing of each other's, and a reader learns of a dead writer instead of hanging.
 *
 * <p>A killed process never gives its hold on a queue's segment back, so the queues here are
 * released with {@link RingQueue#closeAndReap()}, which removes the segment once no live process
 * maps it (as the pool does for its workers' queues).
 */
class QueueFaultTest {
  private static final Context WARM = Multiprocessing.getContext("warm");
  /** An item is {@code producer << SHIFT | sequence number}. */
  private static final int SHIFT = 32;

  private static long item(int producer, long seq) {
    return (long) producer << SHIFT | seq;
  }

  /**
   * Closes a queue that a killed process held, and removes it once nobody maps it. The other
   * children reported their exit a little before their OS processes were gone (join returns on
   * their DONE message), and they may still map the queue then: wait for them first.
   */
  private static void closeAndReap(Queue<?> q) {
    for (ProcessHandle child : org.multiprocessing4j.testutil.LeakCheckExtension.nonSpareDescendants()) {
      child.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> child).join();
    }
    ((RingQueue<?>) q).closeAndReap();
  }

  @Test
  void killingAProducerMidPutsLeavesTheQueueUsableAndLosesNoneOfTheOthersItems() {
    int perSurvivor = 20_000;
    int victim = 2;
    int victimItemsBeforeKill = 2_000;
    Queue<Long> q = Multiprocessing.queue();
    Event killed = Multiprocessing.event();
    var survivors = new ArrayList<Process>();
    Process victimProcess = null;
    try {
      for (int p = 0; p < 2; p++) {
        int producer = p;
        survivors.add(WARM.process(() -> {
          for (long i = 0; i < perSurvivor; i++) {
            if (i == perSurvivor / 2) {
              killed.await(); // the second half goes in after the victim died
            }
            q.put(item(producer, i));
          }
        }));
      }
      victimProcess = WARM.process(() -> {
        for (long i = 0; ; i++) { // puts until killed
          q.put(item(victim, i));
        }
      });
      survivors.forEach(Process::start);
      victimProcess.start();

      Map<Integer, List<Long>> seen = new HashMap<>();
      for (int p = 0; p <= victim; p++) {
        seen.put(p, new ArrayList<>());
      }
      int survivorItems = 0;
      while (survivorItems < 2 * perSurvivor) {
        long v = q.get(true, Duration.ofSeconds(60));
        int producer = (int) (v >>> SHIFT);
        seen.get(producer).add(v & 0xffff_ffffL);
        if (producer != victim) {
          survivorItems++;
        } else if (!killed.isSet() && seen.get(victim).size() == victimItemsBeforeKill) {
          victimProcess.kill();
          victimProcess.join();
          killed.set();
        }
      }
      assertThat(killed.isSet()).as("the victim was killed while the survivors were still putting").isTrue();
      while (true) { // what the victim had committed before it died
        try {
          long v = q.getNowait();
          seen.get((int) (v >>> SHIFT)).add(v & 0xffff_ffffL);
        } catch (QueueEmptyException e) {
          break;
        }
      }
      survivors.forEach(Process::join);

      for (int p = 0; p < 2; p++) {
        assertThat(seen.get(p)).as("producer %d's items: each exactly once, in order", p)
            .isEqualTo(java.util.stream.LongStream.range(0, perSurvivor).boxed().toList());
      }
      List<Long> fromVictim = seen.get(victim);
      assertThat(fromVictim).as("the victim's items got through until the kill").hasSizeGreaterThanOrEqualTo(victimItemsBeforeKill);
      assertThat(fromVictim).as("the victim's items: a prefix, never duplicated").isEqualTo(
          java.util.stream.LongStream.range(0, fromVictim.size()).boxed().toList());
      assertThat(victimProcess.exitCode()).isEqualTo(-9);
      for (Process s : survivors) {
        assertThat(s.exitCode()).isZero();
      }

      var after = WARM.process(() -> q.put(item(0, 4711)));
      after.start();
      after.join();
      assertThat(q.get(true, Duration.ofSeconds(60))).as("a new producer after the kill").isEqualTo(item(0, 4711));
    } finally {
      if (victimProcess != null && victimProcess.isAlive()) {
        victimProcess.kill();
        victimProcess.join();
      }
      killed.set(); // a failed test must not leave survivors waiting
      survivors.forEach(Process::join);
      killed.close();
      closeAndReap(q);
    }
  }

  @Test
  void killingAConsumerBlockedInGetLeavesTheQueueUsableForTheOtherConsumers() {
    Queue<String> q = Multiprocessing.queue();
    Queue<String> ready = Multiprocessing.queue();
    Process blocked = WARM.process(() -> {
      ready.put("waiting");
      q.get(); // holds the consumer side of the ring while it waits; never gets anything
      ready.put("got an item it should not have");
    });
    try {
      blocked.start();
      assertThat(ready.get(true, Duration.ofSeconds(60))).isEqualTo("waiting");
      blocked.kill();
      blocked.join();
      assertThat(blocked.exitCode()).isEqualTo(-9);

      q.put("for the survivor");
      Process survivor = WARM.process(() -> ready.put("survivor got: " + q.get()));
      survivor.start();
      assertThat(ready.get(true, Duration.ofSeconds(60))).isEqualTo("survivor got: for the survivor");
      survivor.join();
      q.put("for the parent");
      assertThat(q.get(true, Duration.ofSeconds(30))).isEqualTo("for the parent");
    } finally {
      if (blocked.isAlive()) {
        blocked.kill();
        blocked.join();
      }
      closeAndReap(q);
      closeAndReap(ready);
    }
  }

  @Test
  void aReaderAlreadyBlockedInRecvGetsConnectionClosedSoonAfterItsWriterIsKilled() throws Exception {
    readerBlockedInRecvLearnsOfKilledWriter(false);
  }

  @Test
  void theParentClosingItsWriteEndRightAfterStartStillLetsTheReaderLearnOfTheKilledWriter() throws Exception {
    readerBlockedInRecvLearnsOfKilledWriter(true); // Python's idiom: p.start(); child_conn.close()
  }

  private static void readerBlockedInRecvLearnsOfKilledWriter(boolean closeRightAfterStart) throws Exception {
    Pipe pipe = Multiprocessing.pipe(false);
    Connection reader = pipe.conn1();
    Connection writer = pipe.conn2();
    var p = WARM.process(() -> {
      writer.send("ready");
      try {
        Thread.sleep(Duration.ofMinutes(5)); // stands for a writer that is busy; it is killed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    p.start();
    if (closeRightAfterStart) {
      writer.close(); // only the child holds the write end now
    }
    assertThat(reader.recv()).isEqualTo("ready");
    if (!closeRightAfterStart) {
      writer.close();
    }
    var blocked = new CompletableFuture<Void>();
    var outcome = CompletableFuture.supplyAsync(() -> {
      blocked.complete(null);
      try {
        return reader.recv(); // blocks: nothing more comes
      } catch (ConnectionClosedException e) {
        return e;
      }
    }, runnable -> Thread.ofPlatform().daemon().start(runnable));
    try {
      blocked.get(60, TimeUnit.SECONDS);
      p.kill();
      long killedAt = System.nanoTime();
      Object result = outcome.get(30, TimeUnit.SECONDS);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      System.out.println("QueueFaultTest: a blocked reader learnt of its killed writer after " + millis + " ms");
      assertThat(result).isInstanceOf(ConnectionClosedException.class);
      assertThat(millis).isLessThan(5_000);
    } finally {
      p.kill();
      p.join();
      reader.close();
    }
  }

  @Test
  void aWriterKilledInTheMiddleOfALargeMessageLeavesNoPartialMessageForTheReader() {
    Pipe pipe = Multiprocessing.pipe(false);
    Connection reader = pipe.conn1();
    Connection writer = pipe.conn2();
    var p = WARM.process(() -> writer.sendBytes(new byte[64 << 20])); // far more than the ring: blocks until read
    try {
      p.start();
      writer.close();
      assertThat(reader.poll(Duration.ofSeconds(60))).as("the first part is in the ring").isTrue();
      p.kill();
      p.join();
      assertThat(p.exitCode()).isEqualTo(-9);
      long t0 = System.nanoTime();
      assertThatThrownBy(reader::recvBytes).isInstanceOf(ConnectionClosedException.class);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.println("QueueFaultTest: a reader dropped a killed writer's half message in " + millis + " ms");
      assertThat(millis).isLessThan(5_000);
    } finally {
      if (p.isAlive()) {
        p.kill();
        p.join();
      }
      reader.close();
    }
  }

  @Test
  void aWriterWhoseReaderIsKilledGetsABrokenPipeInsteadOfBlocking() {
    Pipe pipe = Multiprocessing.pipe(false);
    Connection reader = pipe.conn1();
    Connection writer = pipe.conn2();
    Queue<String> ack = Multiprocessing.queue();
    var p = WARM.process(() -> {
      ack.put("read " + reader.recv());
      try {
        Thread.sleep(Duration.ofMinutes(5)); // stands for a reader that is busy; it is killed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try {
      p.start();
      writer.send("go");
      assertThat(ack.get(true, Duration.ofSeconds(60))).isEqualTo("read go");
      reader.close(); // only the child holds the read end now
      p.kill();
      p.join();
      byte[] chunk = new byte[64 * 1024];
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> {
        for (int i = 0; i < 100_000; i++) { // 6 GiB: the ring fills long before, then the write must fail
          writer.sendBytes(chunk);
        }
      }).isInstanceOf(ConnectionClosedException.class).hasMessageContaining("broken pipe");
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.println("QueueFaultTest: a writer learnt of its killed reader after " + millis + " ms");
      assertThat(millis).isLessThan(5_000);
    } finally {
      if (p.isAlive()) {
        p.kill();
        p.join();
      }
      writer.close();
      closeAndReap(ack);
    }
  }
}
