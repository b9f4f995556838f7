package org.multiprocessing4j;

import java.io.Serializable;
import java.time.Duration;

/**
 * A barrier for a fixed number of parties, threads of any processes: Python's
 * {@code multiprocessing.Barrier} ({@code threading.Barrier} across processes). Each party calls
 * {@link #await()}; when the last one arrives, the barrier's action (if any) runs in that party,
 * and all of them go on. The barrier then fills again for the next round.
 *
 * <pre>{@code
 * Barrier start = Multiprocessing.barrier(3, () -> System.out.println("go"), Duration.ofSeconds(10));
 * for (int i = 0; i < 2; i++) {
 *   new Process(() -> { start.await(); run(); }).start();
 * }
 * start.await();
 * }</pre>
 *
 * <p>Broken state: a wait that times out, {@link #abort()}, an action that throws, or an
 * interrupted wait break the barrier: every party waiting on it, and every later
 * {@link #await()}, throws {@link BrokenBarrierException} until {@link #reset()}. Unlike Python,
 * an interrupt breaks the barrier (as {@link java.util.concurrent.CyclicBarrier}); the interrupted
 * party gets {@link ProcessInterruptedException}.
 *
 * <p>Memory consistency: actions of each party before {@code await} happen-before the action,
 * which happens-before every party's return from that round's {@code await}. The action travels
 * with the handle (it must be serializable), and runs in the process of the last arriving party.
 * A party whose process dies while it waits leaves the barrier one party short: use a timeout
 * where that can happen. Serializable like every handle; see {@link Lock} on handles and closing.
 */
public interface Barrier extends Serializable, AutoCloseable {
  /**
   * Waits until all parties have called {@code await}, at most the barrier's default timeout
   * (Python's {@code wait()}).
   *
   * @return this party's arrival index, from 0 to {@link #parties()} - 1 (the last to arrive gets
   *     {@code parties() - 1})
   * @throws BrokenBarrierException when the barrier is or becomes broken, or the timeout passed
   *     (which breaks it)
   */
  int await();

  /** As {@link #await()}, waiting at most {@code timeout} (null: the barrier's default timeout). */
  int await(Duration timeout);

  /**
   * Returns the barrier to its empty state; parties waiting on it now get
   * {@link BrokenBarrierException} (Python's {@code reset()}).
   */
  void reset();

  /** Puts the barrier in the broken state (Python's {@code abort()}). */
  void abort();

  /** How many parties must arrive (Python's {@code parties}). */
  int parties();

  /** How many parties are waiting now (Python's {@code n_waiting}). */
  int numberWaiting();

  /** Whether the barrier is broken (Python's {@code broken}). */
  boolean isBroken();

  /** Lets go of this handle; see {@link Lock#close()}. */
  @Override
  void close();

  /** As Python's repr: {@code <Barrier at mp4j-4711-…: waiters=0/3>} or {@code …: broken>}. */
  @Override
  String toString();
}
