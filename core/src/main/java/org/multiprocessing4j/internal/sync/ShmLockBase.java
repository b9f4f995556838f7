package org.multiprocessing4j.internal.sync;

import java.io.Serial;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.Condition;
import org.multiprocessing4j.Lock;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.OwnerDiedException;
import org.multiprocessing4j.internal.shm.ShmSegment;

/**
 * What {@link ShmLock} and {@link ShmRLock} share: a segment laid out by {@link LockDescriptor},
 * the {@link RobustMutex} on its STATE word, the owner-death policy, the j.u.c methods, and
 * what a {@link ShmCondition} needs to wait with the lock released. Handle, serialized form and
 * {@code acquire}/{@code hold} come from {@link ShmAcquirable} and {@link ShmHandle}.
 *
 * <p>Overview of implementation. Acquiring is one CAS of STATE from 0 to this pid when the lock
 * is free; otherwise the robust mutex spins, then sleeps on STATE in slices, checking after each
 * slice whether the owner's process lives. The holding thread then writes OWNER (pid and thread),
 * which tells {@code RLock} re-entry, {@link #heldByCurrentThread()} and the repr who holds it.
 *
 * <p>Owner death. The waiter that finds the owner dead takes STATE over (the robust mutex counts
 * the death and records the pid), clears OWNER and COUNT, frees STATE and throws
 * {@link OwnerDiedException}. Every other waiter that was already blocked notices, when it gets
 * STATE, that the death count moved since it started waiting: it frees STATE again and throws the
 * same exception. An acquire that starts after the death was counted succeeds as usual. So each
 * thread that was waiting for the dead owner learns of the death, and nobody is handed a lock
 * whose data the dead owner may have left half updated without being told.
 */
public abstract sealed class ShmLockBase extends ShmAcquirable implements Lock permits ShmLock, ShmRLock {
  @Serial private static final long serialVersionUID = 1L;
  static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
  static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  /** Python's name of the main thread is MainThread; Java's is main. */
  private static final String MAIN_THREAD = "main";

  final transient RobustMutex mutex;

  ShmLockBase(ShmSegment segment) {
    super(segment);
    this.mutex = new RobustMutex(words, LockDescriptor.STATE, LockDescriptor.WAITERS, null, LockDescriptor.DEATHS);
  }

  /** A new segment for a lock of {@code kind}. */
  static ShmSegment newSegment(int kind) {
    ShmSegment seg = ShmSegment.create(LockDescriptor.LENGTH);
    INT.setVolatile(seg.payload(), LockDescriptor.KIND, kind);
    return seg;
  }

  /** Attaches the segment {@code name}, checking that it holds a lock of {@code kind}. */
  static ShmSegment attachSegment(String name, int kind, String what) {
    ShmSegment seg = ShmSegment.attach(name);
    if (seg.payloadSize() < LockDescriptor.LENGTH || (int) INT.getVolatile(seg.payload(), LockDescriptor.KIND) != kind) {
      seg.close();
      throw new IllegalStateException("shared memory segment " + name + " does not hold a " + what);
    }
    return seg;
  }

  /** This thread's OWNER value: pid and thread; see {@link LockDescriptor}. */
  static long me() {
    return ((long) Pids.SELF << LockDescriptor.PID_SHIFT) | (Thread.currentThread().threadId() & LockDescriptor.THREAD_MASK);
  }

  /** Threads of all processes asleep waiting for the lock now; for diagnostics and tests. */
  public int sleepers() {
    return (int) INT.getVolatile(words, LockDescriptor.WAITERS);
  }

  // ------------------------------------------------------------------------------ the word

  /**
   * Takes STATE, waiting at most {@code nanos} ({@link Waits#FOREVER}, {@link Waits#NO_WAIT}).
   *
   * @return false when the timeout passed
   * @throws OwnerDiedException see the class comment
   */
  final boolean take(long nanos) throws InterruptedException {
    if (mutex.tryLock()) {
      return true;
    }
    if (nanos == Waits.NO_WAIT) {
      return false;
    }
    int deathsBefore = mutex.deaths();
    int r = mutex.lock(nanos);
    if (r == RobustMutex.TIMED_OUT) {
      return false;
    }
    if (r == RobustMutex.RECOVERED) {
      int dead = mutex.lastDeadOwner();
      LONG.setVolatile(words, LockDescriptor.OWNER, 0L);
      INT.setVolatile(words, LockDescriptor.COUNT, 0);
      mutex.unlock();
      throw ownerDied(dead);
    }
    if (mutex.deaths() != deathsBefore) {
      int dead = mutex.lastDeadOwner();
      mutex.unlock();
      throw ownerDied(dead);
    }
    return true;
  }

  /** Takes STATE, ignoring interrupts until it has it (then sets the interrupt flag again). */
  final void takeUninterruptibly() {
    Waits.uninterruptibly(() -> take(Waits.FOREVER));
  }

  private OwnerDiedException ownerDied(int pid) {
    return new OwnerDiedException(kind() + " " + name + ": its holder, process " + pid
        + ", died while holding it; the lock is free again, but what it guarded may be half updated:"
        + " check that before acquiring it again", pid);
  }

  // ------------------------------------------------------------------------------ what subclasses do

  /** "Lock" or "RLock", for messages and the repr. */
  @Override
  abstract String kind();

  @Override
  final String noun() {
    return "lock";
  }

  @Override
  final Attach how() {
    return this instanceof ShmRLock ? ByName.RLOCK : ByName.LOCK;
  }

  /** Acquires for a {@link ShmCondition} that waited: every level it had, ignoring interrupts. */
  abstract void reacquireAfterWait(int depth);

  /** Releases every level the current thread holds, for a condition wait; returns how many. */
  abstract int releaseForWait();

  /** Whether the current thread holds the lock (Python's {@code _is_mine()}). */
  public boolean heldByCurrentThread() {
    checkOpen();
    return (long) LONG.getOpaque(words, LockDescriptor.OWNER) == me();
  }

  // ------------------------------------------------------------------------------ Python's API

  @Override
  public boolean locked() {
    checkOpen();
    return mutex.owner() != RobustMutex.FREE;
  }

  // ------------------------------------------------------------------------------ j.u.c.locks.Lock

  @Override
  public void lock() {
    checkOpen();
    Waits.uninterruptibly(() -> acquireNanos(Waits.FOREVER)); // lock() ignores interrupts, then sets the flag again
  }

  @Override
  public void lockInterruptibly() throws InterruptedException {
    checkOpen();
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted before acquiring " + this);
    }
    acquireNanos(Waits.FOREVER);
  }

  @Override
  public boolean tryLock() {
    return acquire(false);
  }

  @Override
  public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
    checkOpen();
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted before acquiring " + this);
    }
    return acquireNanos(Math.max(0, unit.toNanos(time)));
  }

  @Override
  public void unlock() {
    release();
  }

  /** A new shared {@link Condition} bound to this lock. */
  @Override
  public Condition newCondition() {
    checkOpen();
    return ShmCondition.create(this);
  }

  // ------------------------------------------------------------------------------ handle

  /** A handle of the lock in segment {@code name}: an RLock when {@code recursive}. */
  static ShmLockBase attach(String name, boolean recursive) {
    return recursive ? ShmRLock.attach(name) : ShmLock.attach(name);
  }

  /** A new handle of the same lock, closed independently of this one. */
  final ShmLockBase reattach() {
    checkOpen();
    return attach(name, this instanceof ShmRLock);
  }

  /** Python's name for the current thread of the current process, as its repr shows it. */
  static String currentName() {
    String process = Multiprocessing.currentProcess().getName();
    String thread = Thread.currentThread().getName();
    return thread.equals(MAIN_THREAD) || thread.equals(process) ? process : process + "|" + thread;
  }

  /** Who holds the lock, as Python's repr names it, when the current thread does not. */
  final String otherHolder() {
    int pid = mutex.owner();
    if (pid == RobustMutex.FREE) {
      return "None";
    }
    return pid == Pids.SELF ? "SomeOtherThread" : "SomeOtherProcess";
  }
}
