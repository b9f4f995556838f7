package org.multiprocessing4j.sharedctypes;

import java.io.Serial;
import java.util.Iterator;
import java.util.List;
import org.multiprocessing4j.internal.sync.ShmLockBase;

/** A synchronized {@link Array} (Python's {@code SynchronizedArray}): each access under the lock. */
class SynchronizedArray<T, R extends RawArrayImpl<T>> extends SyncBlock<T, R> implements Array<T> {
  @Serial private static final long serialVersionUID = 1L;

  SynchronizedArray(R obj, ShmLockBase lock) {
    super(obj, lock);
  }

  @Override
  public final int length() {
    return obj.length;
  }

  @Override
  public final T get(int i) {
    boolean took = acquireUnlessHeld();
    try {
      return obj.get(i);
    } finally {
      if (took) {
        release();
      }
    }
  }

  @Override
  public final void set(int i, T v) {
    boolean took = acquireUnlessHeld();
    try {
      obj.set(i, v);
    } finally {
      if (took) {
        release();
      }
    }
  }

  @Override
  public final List<T> toList() {
    boolean took = acquireUnlessHeld();
    try {
      return obj.toList();
    } finally {
      if (took) {
        release();
      }
    }
  }

  @Override
  public final List<T> slice(int from, int to) {
    boolean took = acquireUnlessHeld();
    try {
      return obj.slice(from, to);
    } finally {
      if (took) {
        release();
      }
    }
  }

  @Override
  public final void setSlice(int from, List<? extends T> values) {
    boolean took = acquireUnlessHeld();
    try {
      obj.setSlice(from, values);
    } finally {
      if (took) {
        release();
      }
    }
  }

  @Override
  public final Iterator<T> iterator() {
    return RawArrayImpl.elements(this);
  }

  @Override
  public Array<T> getObj() {
    return obj;
  }

  @Override
  public final long addAndGet(int i, long delta) {
    return obj.addAndGet(i, delta);
  }

  @Override
  public final boolean compareAndSet(int i, T expected, T newValue) {
    return obj.compareAndSet(i, expected, newValue);
  }

  @Override
  public String toString() {
    return repr("SynchronizedArray");
  }
}
