package org.multiprocessing4j.internal.sync;

import static org.multiprocessing4j.internal.sync.ConditionDescriptor.CLAIMED;
import static org.multiprocessing4j.internal.sync.ConditionDescriptor.FREE;
import static org.multiprocessing4j.internal.sync.ConditionDescriptor.SIGNALLED;
import static org.multiprocessing4j.internal.sync.ConditionDescriptor.SLOT_COUNT;
import static org.multiprocessing4j.internal.sync.ConditionDescriptor.WAITING_STATE;

import java.io.Serial;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.multiprocessing4j.Condition;
import org.multiprocessing4j.Held;
import org.multiprocessing4j.Lock;
import org.multiprocessing4j.internal.futex.Futex;
import org.multiprocessing4j.internal.shm.ShmSegment;

/**
 * {@code Condition} (Python's {@code multiprocessing.Condition}) bound to a {@link ShmLock} or
 * {@link ShmRLock}, with its waiters' slots in a segment of its own ({@link ConditionDescriptor}).
 *
 * <p>Overview of implementation. Python's condition counts sleepers with three semaphores, and
 * its {@code notify} waits until the woken sleeper acknowledges. Here each waiter claims a slot
 * (while it holds the lock), takes a ticket, releases the lock and sleeps on its own slot's futex
 * word. {@link #signal(int)} (also under the lock) CASes the slots with the oldest tickets from
 * WAITING to SIGNALLED and wakes each of those threads alone: no herd, no acknowledgement round
 * trip, and no thread that starts waiting after a signal can take it. A waiter that times out or
 * is interrupted CASes its own slot back from WAITING; if a signaller won that race, the waiter
 * counts as signalled. Either way it frees the slot, then takes the lock back (all levels of an
 * RLock).
 *
 * <p>Owner death: taking the lock back may throw {@code OwnerDiedException} (see
 * {@link ShmLockBase}); the slot is freed first, so the condition stays consistent. A waiter
 * whose process dies leaves its slot WAITING: it may absorb one signal, and its slot is reclaimed
 * when the slots run out.
 *
 * <p>Handle and serialized form come from {@link ShmHandle}; the lock's segment name travels
 * with the condition's, and closing the condition closes its own handle of the lock.
 */
public final class ShmCondition extends ShmHandle implements Condition {
  @Serial private static final long serialVersionUID = 1L;
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  /** How long a thread that found every slot taken waits before it looks again. */
  private static final long SLOT_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final transient ShmLockBase lock;

  private ShmCondition(ShmSegment segment, ShmLockBase ownLock) {
    super(segment);
    this.lock = ownLock;
  }

  /** A new condition with a new {@link ShmRLock} (Python's {@code Condition()}). */
  public static ShmCondition create() {
    ShmRLock rlock = ShmRLock.create();
    try {
      return new ShmCondition(ShmSegment.create(ConditionDescriptor.LENGTH), rlock);
    } catch (RuntimeException e) {
      rlock.close();
      throw e;
    }
  }

  /**
   * A new condition bound to {@code lock} (Python's {@code Condition(lock)}); it keeps a handle
   * of its own to the lock, so closing the condition leaves the caller's handle open.
   *
   * @throws IllegalArgumentException when {@code lock} is not a lock of this library
   */
  public static ShmCondition create(Lock lock) {
    if (!(lock instanceof ShmLockBase base)) {
      throw new IllegalArgumentException("a Condition needs a lock made by Multiprocessing.lock() or rlock() (or a"
          + " Context's), so that other processes can share it; got " + (lock == null ? "null" : lock.getClass().getName()));
    }
    ShmLockBase own = base.reattach();
    try {
      return new ShmCondition(ShmSegment.create(ConditionDescriptor.LENGTH), own);
    } catch (RuntimeException e) {
      own.close();
      throw e;
    }
  }

  static ShmCondition attach(String name, String lockName, boolean recursive) {
    ShmLockBase own = ShmLockBase.attach(lockName, recursive);
    try {
      ShmSegment seg = ShmSegment.attach(name);
      if (seg.payloadSize() != ConditionDescriptor.LENGTH) {
        seg.close();
        throw new IllegalStateException("shared memory segment " + name + " does not hold a condition");
      }
      return new ShmCondition(seg, own);
    } catch (RuntimeException e) {
      own.close();
      throw e;
    }
  }

  // ------------------------------------------------------------------------------ the lock

  @Override
  public boolean acquire() {
    return lock.acquire();
  }

  @Override
  public boolean acquire(boolean block) {
    return lock.acquire(block);
  }

  @Override
  public boolean acquire(Duration timeout) {
    return lock.acquire(timeout);
  }

  @Override
  public void release() {
    lock.release();
  }

  @Override
  public Held hold() {
    return lock.hold();
  }

  @Override
  public Lock getLock() {
    return lock;
  }

  // ------------------------------------------------------------------------------ waiting

  /**
   * Waits as the class comment says, at most {@code nanos} ({@link Waits#FOREVER} for no limit).
   *
   * @return whether a signal came
   * @throws InterruptedException when interrupted before a signal came (the lock is held again)
   */
  private boolean doAwait(long nanos) throws InterruptedException {
    checkOpen();
    checkHeld("await");
    int slot = claimSlot();
    long state = ConditionDescriptor.slot(slot) + ConditionDescriptor.SLOT_STATE;
    int depth = lock.releaseForWait();
    long deadline = Waits.deadline(nanos);
    boolean signalled = false;
    InterruptedException interrupted = null;
    try {
      while (true) {
        if ((int) INT.getVolatile(words, state) == SIGNALLED) {
          signalled = true;
          break;
        }
        long remaining = Waits.remaining(deadline);
        if (nanos == Waits.NO_WAIT || remaining <= 0) {
          break;
        }
        Futex.await(words, state, WAITING_STATE, remaining == Long.MAX_VALUE ? Waits.FOREVER : remaining);
      }
    } catch (InterruptedException e) {
      interrupted = e;
    } finally {
      if (!signalled) {
        if (INT.compareAndSet(words, state, WAITING_STATE, CLAIMED)) {
          INT.getAndAdd(words, ConditionDescriptor.WAITING, -1);
        } else {
          signalled = true; // a signaller won the race: the signal is ours
        }
      }
      freeSlot(slot);
      lock.reacquireAfterWait(depth);
    }
    if (interrupted != null) {
      if (!signalled) {
        throw interrupted;
      }
      Thread.currentThread().interrupt(); // signalled first: return normally, flag set (as AQS does)
    }
    return signalled;
  }

  /** Claims a free slot for the current thread, which holds the lock. */
  private int claimSlot() {
    while (true) {
      for (int i = 0; i < SLOT_COUNT; i++) {
        long slot = ConditionDescriptor.slot(i);
        long state = slot + ConditionDescriptor.SLOT_STATE;
        if ((int) INT.getVolatile(words, state) == FREE && INT.compareAndSet(words, state, FREE, CLAIMED)) {
          INT.setVolatile(words, slot + ConditionDescriptor.SLOT_PID, Pids.SELF);
          LONG.setVolatile(words, slot + ConditionDescriptor.SLOT_TICKET,
              (long) LONG.getAndAdd(words, ConditionDescriptor.NEXT_TICKET, 1L));
          raiseHigh(i + 1);
          INT.getAndAdd(words, ConditionDescriptor.WAITING, 1);
          INT.setVolatile(words, state, WAITING_STATE);
          return i;
        }
      }
      if (reclaimDeadSlots() == 0) {
        awaitFreeSlot();
      }
    }
  }

  private void raiseHigh(int high) {
    while (true) {
      int h = (int) INT.getVolatile(words, ConditionDescriptor.HIGH);
      if (h >= high || INT.compareAndSet(words, ConditionDescriptor.HIGH, h, high)) {
        return;
      }
    }
  }

  private void freeSlot(int index) {
    INT.setVolatile(words, ConditionDescriptor.slot(index) + ConditionDescriptor.SLOT_STATE, FREE);
    if ((int) INT.getVolatile(words, ConditionDescriptor.SLOT_FREED_WAITERS) > 0) {
      INT.getAndAdd(words, ConditionDescriptor.SLOT_FREED, 1);
      Futex.wakeAll(words, ConditionDescriptor.SLOT_FREED);
    }
  }

  /** Every slot is taken: let the lock go (waiters need it to leave), wait for a free slot, take it back. */
  private void awaitFreeSlot() {
    int seen = (int) INT.getVolatile(words, ConditionDescriptor.SLOT_FREED);
    int depth = lock.releaseForWait();
    try {
      Waits.sleep(words, ConditionDescriptor.SLOT_FREED, seen, ConditionDescriptor.SLOT_FREED_WAITERS, SLOT_WAIT_NANOS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // noticed by the wait that follows
    } finally {
      lock.reacquireAfterWait(depth);
    }
  }

  /** Frees the slots of waiters whose process is gone; returns how many. */
  private int reclaimDeadSlots() {
    int reclaimed = 0;
    int high = (int) INT.getVolatile(words, ConditionDescriptor.HIGH);
    for (int i = 0; i < high; i++) {
      long slot = ConditionDescriptor.slot(i);
      long state = slot + ConditionDescriptor.SLOT_STATE;
      int s = (int) INT.getVolatile(words, state);
      if ((s == WAITING_STATE || s == SIGNALLED) && !Pids.alive((int) INT.getVolatile(words, slot + ConditionDescriptor.SLOT_PID))
          && INT.compareAndSet(words, state, s, CLAIMED)) {
        if (s == WAITING_STATE) {
          INT.getAndAdd(words, ConditionDescriptor.WAITING, -1);
        }
        freeSlot(i);
        reclaimed++;
      }
    }
    return reclaimed;
  }

  @Override
  public boolean await(Duration timeout) {
    try {
      return doAwait(Waits.nanos(true, timeout));
    } catch (InterruptedException e) {
      throw Waits.interrupted("waiting on", this, e);
    }
  }

  @Override
  public boolean waitFor(BooleanSupplier predicate) {
    return waitFor(predicate, null);
  }

  @Override
  public boolean waitFor(BooleanSupplier predicate, Duration timeout) {
    boolean result = predicate.getAsBoolean();
    long deadline = Waits.deadline(Waits.nanos(true, timeout));
    while (!result) {
      long remaining = Waits.remaining(deadline);
      if (remaining <= 0) {
        break;
      }
      await(remaining == Long.MAX_VALUE ? null : Duration.ofNanos(remaining));
      result = predicate.getAsBoolean();
    }
    return result;
  }

  // ------------------------------------------------------------------------------ j.u.c.locks.Condition

  @Override
  public void await() throws InterruptedException {
    checkInterrupt();
    doAwait(Waits.FOREVER);
  }

  @Override
  public void awaitUninterruptibly() {
    // an interrupt counts as a spurious wake-up, as the contract allows: wait again, set the flag after
    Waits.uninterruptibly(() -> doAwait(Waits.FOREVER));
  }

  @Override
  public long awaitNanos(long nanosTimeout) throws InterruptedException {
    checkInterrupt();
    long start = System.nanoTime();
    boolean signalled = doAwait(Math.max(0, nanosTimeout));
    long left = nanosTimeout - (System.nanoTime() - start);
    return signalled ? left : Math.min(0, left);
  }

  @Override
  public boolean await(long time, TimeUnit unit) throws InterruptedException {
    checkInterrupt();
    return doAwait(Math.max(0, unit.toNanos(time)));
  }

  @Override
  public boolean awaitUntil(Date deadline) throws InterruptedException {
    checkInterrupt();
    long millis = deadline.getTime() - System.currentTimeMillis();
    return doAwait(Math.max(0, TimeUnit.MILLISECONDS.toNanos(millis)));
  }

  private static void checkInterrupt() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted before waiting on a condition");
    }
  }

  // ------------------------------------------------------------------------------ signalling

  @Override
  public void signal() {
    signal(1);
  }

  @Override
  public void signalAll() {
    checkOpen();
    checkHeld("signalAll");
    int high = (int) INT.getVolatile(words, ConditionDescriptor.HIGH);
    for (int i = 0; i < high; i++) {
      wakeSlot(i);
    }
  }

  @Override
  public void signal(int n) {
    checkOpen();
    if (n < 0) {
      throw new IllegalArgumentException("cannot signal a negative number of waiters: " + n);
    }
    checkHeld("signal");
    int waiting = (int) INT.getVolatile(words, ConditionDescriptor.WAITING);
    if (n >= waiting) {
      if (waiting > 0) {
        signalAll();
      }
      return;
    }
    int high = (int) INT.getVolatile(words, ConditionDescriptor.HIGH);
    for (int woken = 0; woken < n && (int) INT.getVolatile(words, ConditionDescriptor.WAITING) > 0; ) {
      int oldest = -1;
      long oldestTicket = Long.MAX_VALUE;
      for (int i = 0; i < high; i++) {
        long slot = ConditionDescriptor.slot(i);
        if ((int) INT.getVolatile(words, slot + ConditionDescriptor.SLOT_STATE) == WAITING_STATE) {
          long ticket = (long) LONG.getVolatile(words, slot + ConditionDescriptor.SLOT_TICKET);
          if (ticket < oldestTicket) {
            oldestTicket = ticket;
            oldest = i;
          }
        }
      }
      if (oldest < 0) {
        return;
      }
      if (wakeSlot(oldest)) {
        woken++;
      }
    }
  }

  /** Signals the waiter of slot {@code index} if it still waits. */
  private boolean wakeSlot(int index) {
    long state = ConditionDescriptor.slot(index) + ConditionDescriptor.SLOT_STATE;
    if ((int) INT.getVolatile(words, state) == WAITING_STATE && INT.compareAndSet(words, state, WAITING_STATE, SIGNALLED)) {
      INT.getAndAdd(words, ConditionDescriptor.WAITING, -1);
      Futex.wake(words, state, 1);
      return true;
    }
    return false;
  }

  private void checkHeld(String what) {
    if (!lock.heldByCurrentThread()) {
      throw new IllegalMonitorStateException("cannot " + what + " on Condition " + name + " without holding its lock "
          + lock + " (Python: AssertionError, must acquire() condition before using wait())");
    }
  }

  // ------------------------------------------------------------------------------ handle

  /**
   * Threads of all processes waiting now, signalled ones that have not yet woken included
   * (Python's sleeping count minus woken count); for diagnostics and tests.
   */
  public int sleepers() {
    int high = (int) INT.getVolatile(words, ConditionDescriptor.HIGH);
    int n = 0;
    for (int i = 0; i < high; i++) {
      int s = (int) INT.getVolatile(words, ConditionDescriptor.slot(i) + ConditionDescriptor.SLOT_STATE);
      if (s == WAITING_STATE || s == SIGNALLED) {
        n++;
      }
    }
    return n;
  }

  /** Closes the condition's own handle of its lock too. */
  @Override
  void closeAlso() {
    lock.close();
  }

  @Override
  String kind() {
    return "Condition";
  }

  @Override
  String noun() {
    return "condition";
  }

  /** The lock's segment name travels with the condition's. */
  @Override
  Attach how() {
    return new Parts(lock.name, lock instanceof ShmRLock);
  }

  @Override
  public String toString() {
    return "<Condition(" + lock + ", " + (isClosed() ? "unknown" : Integer.toString(sleepers())) + ")>";
  }

  /**
   * What a condition handle needs besides its segment's name: its lock's. Portable, so that a
   * young JVM receiving a condition does not set up the record codec for it.
   */
  private record Parts(String lockName, boolean recursive)
      implements Attach, org.multiprocessing4j.internal.pickle.Codec.Portable {
    static {
      org.multiprocessing4j.internal.pickle.Codec.registerPortable(Parts.class, Parts::fromFields);
    }

    static Parts fromFields(Object[] f) {
      return new Parts((String) f[0], (Boolean) f[1]);
    }

    @Override
    public ShmHandle attach(String name) {
      return ShmCondition.attach(name, lockName, recursive);
    }

    @Override
    public Object[] portableFields() {
      return new Object[] {lockName, recursive};
    }
  }

}
