package org.multiprocessing4j;

/**
 * A recursive lock shared by processes: Python's {@code multiprocessing.RLock}. It is owned by
 * one thread of one process, which may acquire it again; it is free when that thread has
 * released it as many times as it acquired it. Only the owner may release it
 * ({@link IllegalMonitorStateException} otherwise).
 *
 * <pre>{@code
 * RLock lock = Multiprocessing.rlock();
 * try (var outer = lock.hold(); var inner = lock.hold()) {
 *   System.out.println(lock);           // <RLock(MainProcess, 2)>
 * }
 * }</pre>
 *
 * <p>Memory consistency, blocking, owner death and serialization are those of {@link Lock}.
 */
public interface RLock extends Lock {
  /** How many times the current thread holds the lock; 0 when it does not own it. */
  int getHoldCount();
}
