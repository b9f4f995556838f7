package org.multiprocessing4j.sharedctypes;

import java.io.Serializable;
import java.util.List;
import org.multiprocessing4j.Lock;

/**
 * A fixed-length array of C values in shared memory: Python's {@code multiprocessing.Array}
 * (synchronized) and {@code RawArray} (raw).
 *
 * <pre>{@code
 * Array<Integer> arr = Multiprocessing.array(CType.C_INT, List.of(0, 1, 2, 3));   // Array('i', range(4))
 * Process p = new Process(() -> {
 *   for (int i = 0; i < arr.length(); i++) {
 *     arr.set(i, -arr.get(i));                                                    // a[i] = -a[i]
 *   }
 * });
 * p.start(); p.join();
 * System.out.println(arr.toList());                                               // [0, -1, -2, -3]
 * }</pre>
 *
 * <p>Indexes run from 0 to {@code length() - 1}, as in Java; Python's negative indexes are not
 * supported ({@link IndexOutOfBoundsException}, Python's {@code IndexError}). Slices are
 * {@link #slice(int, int)} ({@code arr[i:j]}) and {@link #setSlice(int, List)}
 * ({@code arr[i:i + len(values)] = values}); {@link #toList()} is {@code arr[:]}.
 *
 * <p>A synchronized array takes its lock around each element access and once around each bulk
 * operation ({@link #toList()}, {@link #slice}, {@link #setSlice}), as Python's
 * {@code SynchronizedArray} does; iterating reads one element at a time, each under the lock.
 * Locks, memory consistency, the lock-free integer operations and serialization are those of
 * {@link Value}. An array of {@link CType#C_CHAR} is a {@link CharArray}.
 *
 * @param <T> the Java type of an element; see {@link CType}
 */
public interface Array<T> extends Serializable, Iterable<T>, AutoCloseable {
  /** The number of elements (Python's {@code len(arr)}). */
  int length();

  /**
   * Element {@code i} (Python's {@code arr[i]}).
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= i < length()}
   */
  T get(int i);

  /**
   * Sets element {@code i} (Python's {@code arr[i] = v}).
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= i < length()}
   * @throws NullPointerException when {@code v} is null
   * @throws IllegalArgumentException when {@code v} is out of an unsigned type's range
   */
  void set(int i, T v);

  /** All elements, copied into a new unmodifiable list (Python's {@code arr[:]}). */
  List<T> toList();

  /**
   * Elements {@code from} (inclusive) to {@code to} (exclusive), copied (Python's {@code arr[from:to]}).
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= length()}
   */
  List<T> slice(int from, int to);

  /**
   * Sets elements {@code from} to {@code from + values.size() - 1} (Python's slice assignment
   * {@code arr[from:from + len(values)] = values}); all values are checked before any is written.
   *
   * @throws IndexOutOfBoundsException when the values do not fit
   */
  void setSlice(int from, List<? extends T> values);

  /** The lock of a synchronized array (Python's {@code get_lock()}); null for a raw array. */
  Lock getLock();

  /** The raw array a synchronized one wraps (Python's {@code get_obj()}); see {@link Value#getObj()}. */
  Array<T> getObj();

  /** The C type of an element. */
  CType<T> type();

  /**
   * Atomically adds {@code delta} to integer element {@code i} without taking the lock; see
   * {@link Value#addAndGet(long)}.
   */
  long addAndGet(int i, long delta);

  /**
   * Atomically sets integer element {@code i} to {@code newValue} if it is {@code expected},
   * without taking the lock; see {@link Value#compareAndSet}.
   */
  boolean compareAndSet(int i, T expected, T newValue);

  /** Lets go of this handle; see {@link Value#close()}. */
  @Override
  void close();

  /**
   * Python-like repr: {@code c_int_Array_3[1, 2, 3]} for a raw array,
   * {@code <SynchronizedArray wrapper for c_int_Array_3[1, 2, 3]>} for a synchronized one.
   */
  @Override
  String toString();
}
