package org.multiprocessing4j;

import java.time.Duration;
import java.util.List;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.pipe.RingConnection;
import org.multiprocessing4j.internal.queue.RingQueue;
import org.multiprocessing4j.internal.sync.ShmBarrier;
import org.multiprocessing4j.internal.sync.ShmCondition;
import org.multiprocessing4j.internal.sync.ShmEvent;
import org.multiprocessing4j.internal.sync.ShmLock;
import org.multiprocessing4j.internal.sync.ShmRLock;
import org.multiprocessing4j.internal.sync.ShmSemaphore;
import org.multiprocessing4j.sharedctypes.Array;
import org.multiprocessing4j.sharedctypes.CType;
import org.multiprocessing4j.sharedctypes.SharedCTypes;
import org.multiprocessing4j.sharedctypes.Value;

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
  public Pipe pipe() {
    return RingConnection.create(true);
  }

  @Override
  public Pipe pipe(boolean duplex) {
    return RingConnection.create(duplex);
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

  @Override
  public <T> Value<T> value(CType<T> type, T initial) {
    return SharedCTypes.value(type, initial);
  }

  @Override
  public <T> Value<T> value(CType<T> type, T initial, boolean lock) {
    return SharedCTypes.value(type, initial, lock);
  }

  @Override
  public <T> Value<T> value(CType<T> type, T initial, Lock lock) {
    return SharedCTypes.value(type, initial, lock);
  }

  @Override
  public <T> Array<T> array(CType<T> type, int size) {
    return SharedCTypes.array(type, size);
  }

  @Override
  public <T> Array<T> array(CType<T> type, int size, boolean lock) {
    return SharedCTypes.array(type, size, lock);
  }

  @Override
  public <T> Array<T> array(CType<T> type, int size, Lock lock) {
    return SharedCTypes.array(type, size, lock);
  }

  @Override
  public <T> Array<T> array(CType<T> type, List<T> initial) {
    return SharedCTypes.array(type, initial);
  }

  @Override
  public <T> Array<T> array(CType<T> type, List<T> initial, boolean lock) {
    return SharedCTypes.array(type, initial, lock);
  }

  @Override
  public <T> Array<T> array(CType<T> type, List<T> initial, Lock lock) {
    return SharedCTypes.array(type, initial, lock);
  }
}
