package org.multiprocessing4j.sharedctypes;

import java.io.Serial;
import org.multiprocessing4j.internal.sync.ShmLockBase;

/** A synchronized {@link Value} (Python's {@code Synchronized}): each access under the lock. */
final class SynchronizedValue<T> extends SyncBlock<T, RawValueImpl<T>> implements Value<T> {
  @Serial private static final long serialVersionUID = 1L;

  SynchronizedValue(RawValueImpl<T> obj, ShmLockBase lock) {
    super(obj, lock);
  }

  @Override
  public T get() {
    boolean took = acquireUnlessHeld();
    try {
      return obj.get();
    } finally {
      if (took) {
        release();
      }
    }
  }

  @Override
  public void set(T v) {
    boolean took = acquireUnlessHeld();
    try {
      obj.set(v);
    } finally {
      if (took) {
        release();
      }
    }
  }

  @Override
  public Value<T> getObj() {
    return obj;
  }

  @Override
  public long addAndGet(long delta) {
    return obj.addAndGet(delta);
  }

  @Override
  public boolean compareAndSet(T expected, T newValue) {
    return obj.compareAndSet(expected, newValue);
  }

  @Override
  public String toString() {
    return repr("Synchronized");
  }
}
