package org.multiprocessing4j.sharedctypes;

import java.io.Serial;
import org.multiprocessing4j.Lock;
import org.multiprocessing4j.internal.ctypes.CTypesDescriptor;
import org.multiprocessing4j.internal.shm.ShmSegment;

/** A raw {@link Value} (Python's {@code RawValue}): element 0 of its segment, no lock. */
final class RawValueImpl<T> extends RawBlock<T> implements Value<T> {
  @Serial private static final long serialVersionUID = 1L;

  RawValueImpl(ShmSegment segment, CType<T> type) {
    super(segment, type, 1);
  }

  @Override
  int shape() {
    return CTypesDescriptor.SHAPE_VALUE;
  }

  @Override
  String what() {
    return "Value";
  }

  @Override
  public T get() {
    return read(0);
  }

  @Override
  public void set(T v) {
    write(0, v);
  }

  @Override
  public Lock getLock() {
    return null;
  }

  @Override
  public Value<T> getObj() {
    return this;
  }

  @Override
  public long addAndGet(long delta) {
    return addAndGetAt(0, delta);
  }

  @Override
  public boolean compareAndSet(T expected, T newValue) {
    return compareAndSetAt(0, expected, newValue);
  }

  @Override
  public String toString() {
    return isClosed() ? type.name() + "(<closed>)" : type.repr(get());
  }
}
