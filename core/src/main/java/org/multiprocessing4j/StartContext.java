package org.multiprocessing4j;

import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.queue.RingQueue;

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
}
