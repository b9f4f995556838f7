package org.multiprocessing4j;

import java.time.Duration;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.queue.RingQueue;
import org.multiprocessing4j.internal.sync.ShmBarrier;
import org.multiprocessing4j.internal.sync.ShmCondition;
import org.multiprocessing4j.internal.sync.ShmEvent;
import org.multiprocessing4j.internal.sync.ShmLock;
import org.multiprocessing4j.internal.sync.ShmRLock;
import org.multiprocessing4j.internal.sync.ShmSemaphore;

/**
 * The context of one named start method, or of the default one ({@code method} null), which
 * follows {@link Multiprocessing#setStartMethod}.
 */
record StartContext(String method) implements Context {
  @Override
  public String getStartMethod() {
    return method != null ? method : Multiprocessing.getStartMethod();
  }

  @Override
  public Process process(SerializableRunnable target) {
    return new Process(target, null, method);
  }

  @Override
  public Process process(SerializableRunnable target, String name) {
    return new Process(target, name, method);
  }

  @Override
  public <E> Queue<E> queue() {
    return RingQueue.create(0, false);
  }

  @Override
  public <E> Queue<E> queue(int maxsize) {
    return RingQueue.create(maxsize, false);
  }

  @Override
  public <E> JoinableQueue<E> joinableQueue() {
    return RingQueue.create(0, true);
  }

  @Override
  public <E> JoinableQueue<E> joinableQueue(int maxsize) {
    return RingQueue.create(maxsize, true);
  }

  @Override
  public <E> SimpleQueue<E> simpleQueue() {
    return RingQueue.createSimple();
  }

  @Override
  public Lock lock() {
    return ShmLock.create();
  }

  @Override
  public RLock rlock() {
    return ShmRLock.create();
  }

  @Override
  public Semaphore semaphore(int value) {
    return ShmSemaphore.create(value, false);
  }

  @Override
  public BoundedSemaphore boundedSemaphore(int value) {
    return (BoundedSemaphore) ShmSemaphore.create(value, true);
  }

  @Override
  public Condition condition() {
    return ShmCondition.create();
  }

  @Override
  public Condition condition(Lock lock) {
    return ShmCondition.create(lock);
  }

  @Override
  public Event event() {
    return ShmEvent.create();
  }

  @Override
  public Barrier barrier(int parties) {
    return ShmBarrier.create(parties, null, null);
  }

  @Override
  public Barrier barrier(int parties, SerializableRunnable action, Duration timeout) {
    return ShmBarrier.create(parties, action, timeout);
  }
}
