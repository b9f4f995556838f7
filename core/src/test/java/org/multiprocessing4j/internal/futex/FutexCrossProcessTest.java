package org.multiprocessing4j.internal.futex;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.internal.shm.ShmSegment;

/**
 * Blocking and waking across real processes: a child JVM waits on a word of a segment that this
 * JVM changes and wakes. The child reports what happened through other words of the segment and
 * its exit code.
 */
class FutexCrossProcessTest {
  private static final VarHandle WORD = JAVA_INT.varHandle();
  /** The word the child waits on. */
  private static final long GATE = 0;
  /** Set to 1 by the child right before it waits. */
  private static final long CHILD_READY = 4;
  /** The child's {@link Futex.WaitResult} ordinal + 1, once it has one. */
  private static final long CHILD_RESULT = 8;
  private static final long PAYLOAD = 64;
  private static final Duration JOIN = Duration.ofSeconds(120);

  private static void set(MemorySegment s, long offset, int value) {
    WORD.setVolatile(s, offset, value);
    Futex.wakeAll(s, offset);
  }

  private static void awaitWord(MemorySegment s, long offset, int notValue) throws InterruptedException {
    assertThat(Futex.await(s, offset, notValue, JOIN)).as("word at " + offset + " changed in time").isTrue();
  }

  @Test
  void aChildBlockedInFutexWaitIsWokenByFutexWakeFromThisProcess() throws Exception {
    try (ShmSegment seg = ShmSegment.create(PAYLOAD)) {
      String name = seg.name();
      var child = new Process(() -> {
        try (ShmSegment s = ShmSegment.attach(name)) {
          set(s.payload(), CHILD_READY, 1);
          Futex.WaitResult r = Futex.waitOnce(s.payload(), GATE, 0, TimeUnit.SECONDS.toNanos(120));
          set(s.payload(), CHILD_RESULT, r.ordinal() + 1);
        }
      });
      child.start();
      MemorySegment p = seg.payload();
      awaitWord(p, CHILD_READY, 0);
      // the gate stays 0: only a FUTEX_WAKE that found the child asleep in the kernel ends its wait
      Awaitility.await().atMost(JOIN).pollInterval(Duration.ofMillis(2)).until(() -> Futex.wake(p, GATE, 1) == 1);
      awaitWord(p, CHILD_RESULT, 0);
      assertThat(Futex.WaitResult.values()[(int) WORD.getVolatile(p, CHILD_RESULT) - 1]).isEqualTo(Futex.WaitResult.WOKEN);
      assertThat(child.join(JOIN)).isTrue();
      assertThat(child.exitCode()).isZero();
    }
  }

  @Test
  void aChildAwaitingTheWordReturnsWhenThisProcessChangesItAndWakes() throws Exception {
    try (ShmSegment seg = ShmSegment.create(PAYLOAD)) {
      String name = seg.name();
      var child = new Process(() -> {
        try (ShmSegment s = ShmSegment.attach(name)) {
          set(s.payload(), CHILD_READY, 1);
          if (!Futex.await(s.payload(), GATE, 0, Duration.ofSeconds(120))) {
            System.exit(3);
          }
          set(s.payload(), CHILD_RESULT, (int) WORD.getVolatile(s.payload(), GATE));
        } catch (InterruptedException e) {
          System.exit(4);
        }
      });
      child.start();
      MemorySegment p = seg.payload();
      awaitWord(p, CHILD_READY, 0);
      set(p, GATE, 42);
      awaitWord(p, CHILD_RESULT, 0);
      assertThat((int) WORD.getVolatile(p, CHILD_RESULT)).isEqualTo(42);
      assertThat(child.join(JOIN)).isTrue();
      assertThat(child.exitCode()).isZero();
    }
  }

  @Test
  void aPollingChildSeesTheChangeOfAFutexParentAndAFutexChildThatOfAPollingParent() throws Exception {
    try (ShmSegment seg = ShmSegment.create(PAYLOAD)) {
      String name = seg.name();
      // the child polls (as a JVM without native access would); this JVM changes the word
      var polling = new Process(() -> {
        Futex.forcePolling(true);
        try (ShmSegment s = ShmSegment.attach(name)) {
          set(s.payload(), CHILD_READY, 1);
          System.exit(Futex.await(s.payload(), GATE, 0, Duration.ofSeconds(120)) ? 0 : 3);
        } catch (InterruptedException e) {
          System.exit(4);
        }
      });
      polling.start();
      MemorySegment p = seg.payload();
      awaitWord(p, CHILD_READY, 0);
      set(p, GATE, 1);
      assertThat(polling.join(JOIN)).isTrue();
      assertThat(polling.exitCode()).isZero();

      // now the child blocks in FUTEX_WAIT and this JVM changes the word without FUTEX_WAKE
      WORD.setVolatile(p, CHILD_READY, 0);
      var futex = new Process(() -> {
        try (ShmSegment s = ShmSegment.attach(name)) {
          set(s.payload(), CHILD_READY, 1);
          System.exit(Futex.await(s.payload(), GATE, 1, Duration.ofSeconds(120)) ? 0 : 3);
        } catch (InterruptedException e) {
          System.exit(4);
        }
      });
      futex.start();
      awaitWord(p, CHILD_READY, 0);
      Futex.forcePolling(true);
      try {
        set(p, GATE, 2); // wake is a no-op while polling
      } finally {
        Futex.forcePolling(false);
      }
      assertThat(futex.join(JOIN)).isTrue();
      assertThat(futex.exitCode()).isZero();
    }
  }
}
