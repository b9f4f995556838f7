package org.multiprocessing4j;

import java.io.Serializable;
import java.time.Duration;

/**
 * A non-recursive lock shared by processes: Python's {@code multiprocessing.Lock}. Once a thread
 * has acquired it, any further acquire, from any thread of any process, blocks until it is
 * released; as in Python, any thread of any process may release it.
 *
 * <pre>{@code
 * Lock lock = Multiprocessing.lock();
 * Process p = new Process(() -> {
 *   try (var held = lock.hold()) {          // with lock:
 *     System.out.println("hello from the child");
 *   }
 * });
 * p.start();
 * }</pre>
 *
 * <p>It is also a {@link java.util.concurrent.locks.Lock}: {@link #lock()} ignores interrupts,
 * {@link #lockInterruptibly()} and {@link #tryLock(long, java.util.concurrent.TimeUnit)} throw
 * {@link InterruptedException}, {@link #newCondition()} gives a shared {@link Condition}. The
 * Python-style methods ({@code acquire}, {@link #hold()}) throw
 * {@link ProcessInterruptedException} instead, leaving the interrupt flag set.
 *
 * <p>Memory consistency: actions in a thread (of any process) before it releases the lock
 * happen-before the actions of the thread that acquires it next, for the memory they share (the
 * lock's shared word is read and written with volatile semantics).
 *
 * <p>Blocking: a short spin, then a futex wait on the lock's word (see DESIGN.md §4). A waiter
 * checks every 50 ms whether the owner's process still lives: when the holder died (killed with
 * SIGKILL, say), every thread blocked acquiring the lock gets an {@link OwnerDiedException}
 * naming it, and the lock is free again. Python's waiters hang forever there.
 *
 * <p>The handle is {@link Serializable}: captured by a process's target or sent through a queue,
 * it reattaches to the same lock in the receiving process. The sender must keep its handle open
 * until the receiver has it. {@link #close()} lets go of this handle; the lock itself lives while
 * any process holds a handle. Handles of the same lock are {@link #equals equal}.
 */
public interface Lock extends java.util.concurrent.locks.Lock, Serializable, AutoCloseable {
  /**
   * Blocks until the lock is acquired (Python's {@code acquire()}).
   *
   * @return true
   * @throws ProcessInterruptedException when the thread is interrupted while it waits
   * @throws OwnerDiedException when the holder's process died while this thread waited
   */
  default boolean acquire() {
    return acquire(true, null);
  }

  /**
   * Acquires the lock, blocking or not (Python's {@code acquire(block)}).
   *
   * @return true when acquired; false when {@code block} is false and the lock is taken
   */
  default boolean acquire(boolean block) {
    return acquire(block, null);
  }

  /**
   * Acquires the lock, waiting at most {@code timeout} (Python's {@code acquire(timeout=t)});
   * null waits forever, zero or negative does not wait.
   *
   * @return true when acquired, false when the timeout passed
   */
  default boolean acquire(Duration timeout) {
    return acquire(true, timeout);
  }

  /**
   * Python's full {@code acquire(block, timeout)}: without {@code block} the timeout is ignored,
   * as in Python; with it, null waits forever.
   */
  boolean acquire(boolean block, Duration timeout);

  /**
   * Releases the lock (Python's {@code release()}); for a {@link RLock}, one level of it.
   *
   * @throws IllegalMonitorStateException when the lock is not locked (Python's
   *     {@code ValueError}), or, for an {@link RLock}, not held by the current thread
   */
  void release();

  /** Acquires the lock and returns it held, for try-with-resources (Python's {@code with lock:}). */
  Held hold();

  /** Whether the lock is held by anyone now (Python's {@code locked()}). */
  boolean locked();

  /**
   * Lets go of this handle (not of the lock: release it first). Other handles, here and in other
   * processes, keep working; the shared memory is freed when the last handle anywhere closes.
   */
  @Override
  void close();

  /** Python's repr: {@code <Lock(owner=None)>}, {@code <Lock(owner=MainProcess)>}, {@code <Lock(owner=SomeOtherProcess)>}... */
  @Override
  String toString();
}
