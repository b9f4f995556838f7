/**
 * The synchronization primitives shared by processes (Python's {@code multiprocessing.synchronize}):
 * locks, semaphores, conditions, events and barriers, each in a shared-memory segment of its own
 * whose layout one descriptor class writes down; and the pieces under them ({@link
 * org.multiprocessing4j.internal.sync.RobustMutex}, {@link org.multiprocessing4j.internal.sync.Pids}),
 * which the rings use as well. Blocking is spin-then-futex through
 * {@link org.multiprocessing4j.internal.futex.Futex}.
 */
package org.multiprocessing4j.internal.sync;
