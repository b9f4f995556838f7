package org.multiprocessing4j;

import java.time.Duration;
import java.util.List;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.sharedctypes.Array;
import org.multiprocessing4j.sharedctypes.CType;
import org.multiprocessing4j.sharedctypes.Value;

/**
 * A start method with the factories bound to it: Python's context objects
 * ({@code multiprocessing.get_context("spawn")}).
 *
 * <pre>{@code
 * Context warm = Multiprocessing.getContext("warm");
 * Process p = warm.process(() -> work());
 * p.start();
 * }</pre>
 *
 * <p>Start methods: {@code spawn} (a fresh child JVM per process, the default), {@code warm} (a
 * pre-booted spare JVM takes the process: a start costs a pipe write, not a JVM boot) and
 * {@code thread} (a thread of this JVM: Python's {@code multiprocessing.dummy}).
 *
 * <p>Queues and synchronization primitives work the same in every context: they live in shared
 * memory, which threads of one JVM share as well as processes; so do shared values and arrays
 * ({@link org.multiprocessing4j.sharedctypes}). In the {@code thread} context a pool's workers
 * are threads (Python's {@code ThreadPool}). Managers are not there yet.
 */
public interface Context {
  /** The start method of this context: {@code spawn}, {@code warm} or {@code thread}. */
  String getStartMethod();

  /** A new process that runs {@code target} with this context's start method. */
  Process process(SerializableRunnable target);

  /** A new process called {@code name} that runs {@code target} with this context's start method. */
  Process process(SerializableRunnable target, String name);

  /** A new unbounded {@link Queue} (Python's {@code Queue()}). */
  <E> Queue<E> queue();

  /** A new {@link Queue} holding at most {@code maxsize} items; 0 or less is unbounded (Python's {@code Queue(maxsize)}). */
  <E> Queue<E> queue(int maxsize);

  /** A new unbounded {@link JoinableQueue} (Python's {@code JoinableQueue()}). */
  <E> JoinableQueue<E> joinableQueue();

  /** A new {@link JoinableQueue} holding at most {@code maxsize} items (Python's {@code JoinableQueue(maxsize)}). */
  <E> JoinableQueue<E> joinableQueue(int maxsize);

  /** A new {@link SimpleQueue} (Python's {@code SimpleQueue()}). */
  <E> SimpleQueue<E> simpleQueue();

  /** A new duplex {@link Pipe} (Python's {@code Pipe()}). */
  Pipe pipe();

  /** A new {@link Pipe}; simplex when {@code duplex} is false: conn1 receives, conn2 sends (Python's {@code Pipe(duplex)}). */
  Pipe pipe(boolean duplex);

  /** A pool of {@link Multiprocessing#cpuCount()} workers of this context (Python's {@code Pool()}). */
  default org.multiprocessing4j.pool.Pool pool() {
    return poolBuilder().build();
  }

  /** A pool of {@code processes} workers of this context (Python's {@code Pool(processes)}). */
  default org.multiprocessing4j.pool.Pool pool(int processes) {
    return poolBuilder().processes(processes).build();
  }

  /** A builder for a pool of this context's workers: initializer, maxTasksPerChild, and more. */
  default org.multiprocessing4j.pool.Pool.Builder poolBuilder() {
    return new org.multiprocessing4j.pool.Pool.Builder(this);
  }

  /** A new {@link Lock} (Python's {@code Lock()}). */
  Lock lock();

  /** A new {@link RLock} (Python's {@code RLock()}). */
  RLock rlock();

  /**
   * A new {@link Semaphore} with {@code value} units (Python's {@code Semaphore(value)}).
   *
   * @throws IllegalArgumentException when {@code value} is negative
   */
  Semaphore semaphore(int value);

  /**
   * A new {@link BoundedSemaphore} with {@code value} units, which is also its bound (Python's
   * {@code BoundedSemaphore(value)}).
   *
   * @throws IllegalArgumentException when {@code value} is negative
   */
  BoundedSemaphore boundedSemaphore(int value);

  /** A new {@link Condition} with a new {@link RLock} (Python's {@code Condition()}). */
  Condition condition();

  /**
   * A new {@link Condition} bound to {@code lock} (Python's {@code Condition(lock)}).
   *
   * @throws IllegalArgumentException when {@code lock} was not made by this library
   */
  Condition condition(Lock lock);

  /** A new {@link Event}, not set (Python's {@code Event()}). */
  Event event();

  /**
   * A new {@link Barrier} for {@code parties} parties, without action or default timeout
   * (Python's {@code Barrier(parties)}).
   *
   * @throws IllegalArgumentException when {@code parties} is less than 1
   */
  Barrier barrier(int parties);

  /**
   * A new {@link Barrier} (Python's {@code Barrier(parties, action, timeout)}): {@code action}
   * (null for none) runs in the last party to arrive; {@code timeout} (null: none) is the
   * default of {@link Barrier#await()}.
   *
   * @throws IllegalArgumentException when {@code parties} is less than 1
   */
  Barrier barrier(int parties, SerializableRunnable action, Duration timeout);

  /**
   * A new shared {@link Value} holding {@code initial}, synchronized by a new {@link RLock} that
   * lives in the value's segment (Python's {@code Value(typecode, initial)}); see
   * {@link org.multiprocessing4j.sharedctypes.SharedCTypes#value(CType, Object)}.
   */
  <T> Value<T> value(CType<T> type, T initial);

  /**
   * A new shared {@link Value}: synchronized by a new {@link RLock} when {@code lock} is true, raw
   * when false (Python's {@code Value(typecode, initial, lock=...)}).
   */
  <T> Value<T> value(CType<T> type, T initial, boolean lock);

  /**
   * A new shared {@link Value} synchronized by {@code lock} (Python's
   * {@code Value(typecode, initial, lock=lock)}).
   *
   * @throws IllegalArgumentException when {@code lock} was not made by this library or is closed
   */
  <T> Value<T> value(CType<T> type, T initial, Lock lock);

  /** A new synchronized shared {@link Array} of {@code size} zeros (Python's {@code Array(typecode, size)}). */
  <T> Array<T> array(CType<T> type, int size);

  /** A new shared {@link Array} of {@code size} zeros, synchronized by a new {@link RLock} or raw. */
  <T> Array<T> array(CType<T> type, int size, boolean lock);

  /** A new shared {@link Array} of {@code size} zeros synchronized by {@code lock}. */
  <T> Array<T> array(CType<T> type, int size, Lock lock);

  /**
   * A new synchronized shared {@link Array} holding {@code initial} (Python's
   * {@code Array(typecode, initializer)}); for {@link CType#C_CHAR} it is a
   * {@link org.multiprocessing4j.sharedctypes.CharArray}.
   */
  <T> Array<T> array(CType<T> type, List<T> initial);

  /** A new shared {@link Array} holding {@code initial}, synchronized by a new {@link RLock} or raw. */
  <T> Array<T> array(CType<T> type, List<T> initial, boolean lock);

  /** A new shared {@link Array} holding {@code initial} synchronized by {@code lock}. */
  <T> Array<T> array(CType<T> type, List<T> initial, Lock lock);
}
