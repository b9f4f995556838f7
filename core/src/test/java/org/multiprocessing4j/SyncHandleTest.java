package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multiprocessing4j.SyncFixtures.PATIENCE;
import static org.multiprocessing4j.SyncFixtures.joinAll;
import static org.multiprocessing4j.SyncFixtures.start;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.internal.pickle.Codec;

/**
 * Handles of the synchronization primitives are serializable: sent through a queue (or captured
 * by a target) they reattach to the same object in the receiving process.
 */
class SyncHandleTest {

  @Test
  void handlesSentThroughAQueueReattachInTheReceiver() {
    try (Lock lock = Multiprocessing.lock(); RLock rlock = Multiprocessing.rlock(); Semaphore sem = Multiprocessing.semaphore(0);
         BoundedSemaphore bounded = Multiprocessing.boundedSemaphore(1); Condition cond = Multiprocessing.condition();
         Event event = Multiprocessing.event(); Barrier barrier = Multiprocessing.barrier(2);
         Queue<List<Object>> handles = Multiprocessing.queue(); Queue<String> report = Multiprocessing.queue()) {
      var p = start(() -> {
        List<Object> h = handles.get();
        Lock l = (Lock) h.get(0);
        RLock r = (RLock) h.get(1);
        Semaphore s = (Semaphore) h.get(2);
        BoundedSemaphore b = (BoundedSemaphore) h.get(3);
        Condition c = (Condition) h.get(4);
        Event e = (Event) h.get(5);
        Barrier bar = (Barrier) h.get(6);
        l.acquire();
        r.acquire();
        report.put(l + " " + r + " " + b + " " + bar.parties());
        bar.await(); // 1: the parent looks at the locks
        l.release();
        r.release();
        b.acquire();
        s.release();
        try (var held = c.hold()) {
          e.set();
          c.signal();
        }
        bar.await(); // 2
      });
      bounded.acquire();
      bounded.release();
      handles.put(List.of(lock, rlock, sem, bounded, cond, event, barrier));
      assertThat(report.get(true, PATIENCE)).isEqualTo("<Lock(owner=" + p.getName() + ")> <RLock(" + p.getName()
          + ", 1)> <BoundedSemaphore(value=1, maxvalue=1)> 2");
      assertThat(lock).hasToString("<Lock(owner=SomeOtherProcess)>");
      assertThat(rlock).hasToString("<RLock(SomeOtherProcess, nonzero)>");
      barrier.await(PATIENCE);
      assertThat(sem.acquire(PATIENCE)).isTrue();
      assertThat(event.await(PATIENCE)).isTrue();
      barrier.await(PATIENCE);
      joinAll(p);
      assertThat(lock.locked()).isFalse();
      assertThat(rlock.locked()).isFalse();
      assertThat(bounded.getValue()).isZero();
      bounded.release();
    }
  }

  @Test
  void aCopyIsEqualAndClosesIndependently() {
    try (Lock lock = Multiprocessing.lock(); Event event = Multiprocessing.event(); Semaphore sem = Multiprocessing.semaphore(1)) {
      Lock copy = (Lock) Codec.decode(Codec.encode(lock, "a lock"));
      Event eventCopy = (Event) Codec.decode(Codec.encode(event, "an event"));
      Semaphore semCopy = (Semaphore) Codec.decode(Codec.encode(sem, "a semaphore"));
      assertThat(copy).isNotSameAs(lock).isEqualTo(lock).hasSameHashCodeAs(lock);
      assertThat(eventCopy).isEqualTo(event);
      assertThat(semCopy).isEqualTo(sem).isNotEqualTo(lock);
      copy.acquire();
      assertThat(lock.locked()).isTrue();
      eventCopy.set();
      assertThat(event.isSet()).isTrue();
      copy.close();
      eventCopy.close();
      semCopy.close();
      assertThat(lock.locked()).as("the original handle still works").isTrue();
      lock.release();
      assertThat(event.isSet()).isTrue();
      assertThat(sem.acquire(false)).isTrue();
    }
  }

  @Test
  void aClosedHandleCannotBeSent() {
    Lock lock = Multiprocessing.lock();
    lock.close();
    assertThatThrownBy(() -> Codec.encode(lock, "a lock")).hasStackTraceContaining("this handle is closed");
  }

  @Test
  void theThreadContextMakesTheSamePrimitives() throws Exception {
    Context threads = Multiprocessing.getContext("thread");
    try (Lock lock = threads.lock(); Event done = threads.event()) {
      lock.acquire();
      var p = threads.process(() -> {
        lock.acquire(); // waits for the main thread
        lock.release();
        done.set();
      });
      p.start();
      assertThat(done.await(Duration.ofMillis(50))).isFalse();
      lock.release();
      assertThat(done.await(PATIENCE)).isTrue();
      p.join();
      assertThat(p.exitCode()).isZero();
    }
  }
}
