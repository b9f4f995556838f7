package org.multiprocessing4j.sharedctypes;

import java.io.Serializable;
import org.multiprocessing4j.Lock;

/**
 * One C value in shared memory: Python's {@code multiprocessing.Value} (synchronized) and
 * {@code RawValue} (raw).
 *
 * <pre>{@code
 * Value<Double> num = Multiprocessing.value(CType.C_DOUBLE, 0.0);    // Value('d', 0.0)
 * Process p = new Process(() -> num.set(3.1415927));                // n.value = 3.1415927
 * p.start(); p.join();
 * System.out.println(num.get());                                     // 3.1415927
 *
 * Value<Integer> counter = Multiprocessing.value(CType.C_INT, 0);
 * try (var held = counter.getLock().hold()) {                        // with counter.get_lock():
 *   counter.set(counter.get() + 1);                                  //     counter.value += 1
 * }
 * counter.addAndGet(1);                                              // the same, lock-free
 * }</pre>
 *
 * <p>A synchronized value ({@code lock} true, the default, or a given {@link Lock}) takes its lock
 * around each {@link #get()} and {@link #set}, as Python's {@code Synchronized} wrapper does; a
 * read-modify-write needs the caller to hold {@link #getLock()} across it. When the calling thread
 * holds the lock already, {@code get} and {@code set} use it as it is held (for an RLock, taking it
 * again would only count up and down; for a plain Lock, Python deadlocks there). With
 * {@code lock} true the lock is a new {@link org.multiprocessing4j.RLock} laid out in the same
 * shared segment as the value, right before it. A raw value ({@code lock} false, {@code rawValue}) takes no lock and
 * {@link #getLock()} returns null.
 *
 * <p>Memory consistency: a read is an acquire load and a write a release store of the whole
 * word (of each field, for a struct), so a raw scalar is never read torn and what a process wrote
 * before writing it is visible to a process that reads the new value. Under the lock, everything
 * written while a process held it is visible to the next holder.
 *
 * <p>Lock-free operations: for integer types ({@link CType#isInteger()}), {@link #addAndGet} and
 * {@link #compareAndSet} are atomic read-modify-writes on the shared word (no lock taken, even on
 * a synchronized value), atomic with respect to each other in every process. They are not atomic
 * with respect to a {@code get}-then-{@code set} done under the lock: pick one way per value.
 * Other types throw {@link UnsupportedOperationException}.
 *
 * <p>The handle is {@link Serializable}: captured by a process's target or sent through a queue,
 * it reattaches to the same shared memory (and the same lock) in the receiving process. The
 * sender must keep its handle open until the receiver has it. {@link #close()} lets go of this
 * handle; the memory is freed when the last handle in any process is closed.
 *
 * @param <T> the Java type of the value; see {@link CType}
 */
public interface Value<T> extends Serializable, AutoCloseable {
  /**
   * The value (Python's {@code v.value}), under the lock for a synchronized value.
   *
   * @throws IllegalStateException when this handle is closed
   */
  T get();

  /**
   * Sets the value (Python's {@code v.value = x}), under the lock for a synchronized value.
   *
   * @throws NullPointerException when {@code v} is null
   * @throws IllegalArgumentException when {@code v} is out of an unsigned type's range
   * @throws IllegalStateException when this handle is closed
   */
  void set(T v);

  /** The lock of a synchronized value (Python's {@code get_lock()}); null for a raw value. */
  Lock getLock();

  /**
   * The raw value a synchronized one wraps (Python's {@code get_obj()}): the same shared memory,
   * read and written without the lock. A raw value returns itself. The result belongs to this
   * handle: closing this handle closes it.
   */
  Value<T> getObj();

  /** The C type of the value. */
  CType<T> type();

  /**
   * Atomically adds {@code delta} to an integer value, wrapping in its C type's width as C does,
   * without taking the lock; returns the new value (for {@code c_ulong}/{@code c_ulonglong}, its
   * 64 bits).
   *
   * @throws UnsupportedOperationException when the type is not an integer type
   */
  long addAndGet(long delta);

  /**
   * Atomically sets an integer value to {@code newValue} if it is {@code expected}, without
   * taking the lock.
   *
   * @return whether the value was {@code expected} (and is now {@code newValue})
   * @throws UnsupportedOperationException when the type is not an integer type
   * @throws IllegalArgumentException when {@code newValue} is out of the type's range
   */
  boolean compareAndSet(T expected, T newValue);

  /**
   * Lets go of this handle (and of its own handle of the lock). Other handles, here and in other
   * processes, keep working; a lock given by the caller stays open. Idempotent.
   */
  @Override
  void close();

  /**
   * Python's repr: {@code c_int(5)} for a raw value, {@code <Synchronized wrapper for c_int(5)>}
   * for a synchronized one (read without the lock).
   */
  @Override
  String toString();
}
