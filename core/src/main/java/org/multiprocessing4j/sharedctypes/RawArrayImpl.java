package org.multiprocessing4j.sharedctypes;

import java.io.Serial;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.multiprocessing4j.Lock;
import org.multiprocessing4j.internal.ctypes.CTypesDescriptor;
import org.multiprocessing4j.internal.shm.ShmSegment;

/** A raw {@link Array} (Python's {@code RawArray}): {@code length} elements of its segment, no lock. */
class RawArrayImpl<T> extends RawBlock<T> implements Array<T> {
  @Serial private static final long serialVersionUID = 1L;

  RawArrayImpl(ShmSegment segment, CType<T> type, int length) {
    super(segment, type, length);
  }

  @Override
  final int shape() {
    return CTypesDescriptor.SHAPE_ARRAY;
  }

  @Override
  final String what() {
    return "Array";
  }

  @Override
  public final int length() {
    return length;
  }

  @Override
  public final T get(int i) {
    return read(i);
  }

  @Override
  public final void set(int i, T v) {
    write(i, v);
  }

  @Override
  public final List<T> toList() {
    return slice(0, length);
  }

  @Override
  public final List<T> slice(int from, int to) {
    Objects.checkFromToIndex(from, to, length);
    checkOpen();
    List<T> out = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      out.add(type.read(payload, offset(i)));
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public final void setSlice(int from, List<? extends T> values) {
    Objects.checkFromIndexSize(from, values.size(), length);
    checkOpen();
    for (T v : values) {
      type.check(v);
    }
    int i = from;
    for (T v : values) {
      type.write(payload, offset(i++), v);
    }
  }

  @Override
  public final Iterator<T> iterator() {
    return elements(this);
  }

  /** An iterator reading {@code array}'s elements one at a time through {@link Array#get}. */
  static <T> Iterator<T> elements(Array<T> array) {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < array.length();
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no element " + next + " in an array of " + array.length());
        }
        return array.get(next++);
      }
    };
  }

  @Override
  public final Lock getLock() {
    return null;
  }

  @Override
  public Array<T> getObj() {
    return this;
  }

  @Override
  public final long addAndGet(int i, long delta) {
    return addAndGetAt(i, delta);
  }

  @Override
  public final boolean compareAndSet(int i, T expected, T newValue) {
    return compareAndSetAt(i, expected, newValue);
  }

  /** {@code c_int_Array_3}: ctypes' name of the array type. */
  final String typeName() {
    return type.name() + "_Array_" + length;
  }

  @Override
  public String toString() {
    return isClosed() ? typeName() + "<closed>" : typeName() + toList();
  }
}
