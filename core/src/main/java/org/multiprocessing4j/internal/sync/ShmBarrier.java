package org.multiprocessing4j.internal.sync;

import static org.multiprocessing4j.internal.sync.BarrierDescriptor.BROKEN;
import static org.multiprocessing4j.internal.sync.BarrierDescriptor.DRAINING;
import static org.multiprocessing4j.internal.sync.BarrierDescriptor.FILLING;
import static org.multiprocessing4j.internal.sync.BarrierDescriptor.RESETTING;

import java.io.Serial;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import org.multiprocessing4j.Barrier;
import org.multiprocessing4j.BrokenBarrierException;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.futex.Futex;
import org.multiprocessing4j.internal.shm.ShmSegment;

/**
 * {@code Barrier} (Python's {@code multiprocessing.Barrier}, that is {@code threading.Barrier}
 * on shared state) in a segment of its own, laid out by {@link BarrierDescriptor}.
 *
 * <p>Overview of implementation. The algorithm is {@code threading.Barrier}'s, line for line:
 * STATE (filling, draining, resetting, broken) and COUNT are guarded by a {@link RobustMutex},
 * and its condition variable is SEQ: "notify all" bumps SEQ and wakes its sleepers, "wait"
 * reads SEQ, frees the mutex, sleeps until SEQ moves (or the timeout), and takes the mutex back.
 * The last party to arrive runs the action holding the mutex, as Python does. A process that
 * dies holding the mutex (a short window inside {@code await}) breaks the barrier: the party that
 * recovers the mutex marks it broken, as nobody can tell what the dead one had changed.
 *
 * <p>Handle and serialized form come from {@link ShmHandle}; the action and default timeout
 * travel with the segment's name.
 */
public final class ShmBarrier extends ShmHandle implements Barrier {
  @Serial private static final long serialVersionUID = 1L;
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

  private final SerializableRunnable action;
  private final Duration timeout;
  private final transient RobustMutex mutex;
  private final transient int parties;

  private ShmBarrier(ShmSegment segment, SerializableRunnable action, Duration timeout) {
    super(segment);
    this.action = action;
    this.timeout = timeout;
    this.mutex = new RobustMutex(words, BarrierDescriptor.MUTEX, BarrierDescriptor.MUTEX_WAITERS, null, BarrierDescriptor.DEATHS);
    this.parties = (int) INT.getVolatile(words, BarrierDescriptor.PARTIES);
  }

  /**
   * A new barrier for {@code parties} parties, with an optional action and default timeout
   * (null: wait forever).
   *
   * @throws IllegalArgumentException when {@code parties} is less than 1
   */
  public static ShmBarrier create(int parties, SerializableRunnable action, Duration timeout) {
    if (parties < 1) {
      throw new IllegalArgumentException("a barrier needs at least 1 party, not " + parties);
    }
    ShmSegment seg = ShmSegment.create(BarrierDescriptor.LENGTH);
    INT.setVolatile(seg.payload(), BarrierDescriptor.PARTIES, parties);
    return new ShmBarrier(seg, action, timeout);
  }

  static ShmBarrier attach(String name, SerializableRunnable action, Duration timeout) {
    ShmSegment seg = ShmSegment.attach(name);
    if (seg.payloadSize() != BarrierDescriptor.LENGTH || (int) INT.getVolatile(seg.payload(), BarrierDescriptor.PARTIES) < 1) {
      seg.close();
      throw new IllegalStateException("shared memory segment " + name + " does not hold a barrier");
    }
    return new ShmBarrier(seg, action, timeout);
  }

  // ------------------------------------------------------------------------------ await

  @Override
  public int await() {
    return await(null);
  }

  @Override
  public int await(Duration timeout) {
    checkOpen();
    long nanos = Waits.nanos(true, timeout != null ? timeout : this.timeout);
    lockMutex();
    try {
      enter();
      int index = count();
      setCount(index + 1);
      try {
        if (index + 1 == parties) {
          trip();
        } else {
          waitForTrip(nanos);
        }
        return index;
      } finally {
        setCount(count() - 1);
        leave();
      }
    } finally {
      mutex.unlock();
    }
  }

  /** Waits while a previous round drains or a reset completes (Python's {@code _enter}). */
  private void enter() {
    while (state() == DRAINING || state() == RESETTING) {
      try {
        waitForChange(Waits.FOREVER);
      } catch (InterruptedException e) {
        throw Waits.interrupted("entering", this, e);
      }
    }
    if (state() < 0) {
      throw broken();
    }
  }

  /** The last party: runs the action, then lets everyone go (Python's {@code _release}). */
  private void trip() {
    try {
      if (action != null) {
        action.run();
      }
      setState(DRAINING);
      notifyAllParties();
    } catch (RuntimeException | Error e) {
      breakBarrier(BarrierDescriptor.BROKEN_BY_ACTION);
      throw e;
    }
  }

  /** Waits until the last party trips the barrier (Python's {@code _wait}). */
  private void waitForTrip(long nanos) {
    long deadline = Waits.deadline(nanos);
    while (state() == FILLING) {
      long remaining = Waits.remaining(deadline);
      if (remaining <= 0) {
        breakBarrier(BarrierDescriptor.BROKEN_BY_TIMEOUT);
        throw new BrokenBarrierException("Barrier " + name + " broke: a party's wait timed out after "
            + Duration.ofNanos(nanos) + " with " + count() + " of " + parties + " parties waiting");
      }
      try {
        waitForChange(remaining == Long.MAX_VALUE ? Waits.FOREVER : remaining);
      } catch (InterruptedException e) {
        breakBarrier(BarrierDescriptor.BROKEN_BY_INTERRUPT);
        throw Waits.interrupted("waiting on", this, e);
      }
    }
    if (state() < 0) {
      throw broken();
    }
  }

  /** The last party out returns the barrier to filling (Python's {@code _exit}). */
  private void leave() {
    if (count() == 0 && (state() == RESETTING || state() == DRAINING)) {
      setState(FILLING);
      notifyAllParties();
    }
  }

  @Override
  public void reset() {
    checkOpen();
    lockMutex();
    try {
      if (count() > 0) {
        if (state() == FILLING || state() == BROKEN) {
          setState(RESETTING);
          INT.setVolatile(words, BarrierDescriptor.REASON, BarrierDescriptor.BROKEN_BY_RESET);
        }
      } else {
        setState(FILLING);
      }
      notifyAllParties();
    } finally {
      mutex.unlock();
    }
  }

  @Override
  public void abort() {
    checkOpen();
    lockMutex();
    try {
      breakBarrier(BarrierDescriptor.BROKEN_BY_ABORT);
    } finally {
      mutex.unlock();
    }
  }

  @Override
  public int parties() {
    return parties;
  }

  @Override
  public int numberWaiting() {
    checkOpen();
    return state() == FILLING ? count() : 0;
  }

  @Override
  public boolean isBroken() {
    checkOpen();
    return state() == BROKEN;
  }

  // ------------------------------------------------------------------------------ the mutex and its condition

  /** Takes the mutex, ignoring interrupts; breaks the barrier when its last holder had died. */
  private void lockMutex() {
    Waits.uninterruptibly(() -> {
      if (mutex.lock(Waits.FOREVER) == RobustMutex.RECOVERED) {
        breakBarrier(BarrierDescriptor.BROKEN_BY_DEATH);
      }
    });
  }

  /** Frees the mutex, sleeps until SEQ moves or {@code nanos} pass, takes the mutex back. */
  private void waitForChange(long nanos) throws InterruptedException {
    int seq = (int) INT.getVolatile(words, BarrierDescriptor.SEQ);
    mutex.unlock();
    try {
      Waits.sleep(words, BarrierDescriptor.SEQ, seq, BarrierDescriptor.SEQ_WAITERS, nanos);
    } finally {
      lockMutex();
    }
  }

  private void notifyAllParties() {
    INT.getAndAdd(words, BarrierDescriptor.SEQ, 1);
    if ((int) INT.getVolatile(words, BarrierDescriptor.SEQ_WAITERS) > 0) {
      Futex.wakeAll(words, BarrierDescriptor.SEQ);
    }
  }

  private void breakBarrier(int reason) {
    setState(BROKEN);
    INT.setVolatile(words, BarrierDescriptor.REASON, reason);
    notifyAllParties();
  }

  private BrokenBarrierException broken() {
    String why = switch ((int) INT.getVolatile(words, BarrierDescriptor.REASON)) {
      case BarrierDescriptor.BROKEN_BY_ABORT -> "it was aborted";
      case BarrierDescriptor.BROKEN_BY_TIMEOUT -> "a party's wait timed out";
      case BarrierDescriptor.BROKEN_BY_ACTION -> "its action threw an exception";
      case BarrierDescriptor.BROKEN_BY_INTERRUPT -> "a waiting party was interrupted";
      case BarrierDescriptor.BROKEN_BY_DEATH -> "process " + mutex.lastDeadOwner() + " died holding its lock";
      case BarrierDescriptor.BROKEN_BY_RESET -> "it was reset while parties waited";
      default -> "it was broken";
    };
    return new BrokenBarrierException("Barrier " + name + " is broken: " + why + "; call reset() to use it again");
  }

  private int state() {
    return (int) INT.getVolatile(words, BarrierDescriptor.STATE);
  }

  private void setState(int s) {
    INT.setVolatile(words, BarrierDescriptor.STATE, s);
  }

  private int count() {
    return (int) INT.getVolatile(words, BarrierDescriptor.COUNT);
  }

  private void setCount(int c) {
    INT.setVolatile(words, BarrierDescriptor.COUNT, c);
  }

  // ------------------------------------------------------------------------------ handle

  @Override
  String kind() {
    return "Barrier";
  }

  @Override
  String noun() {
    return "barrier";
  }

  /** The action and default timeout travel with the segment's name. */
  @Override
  Attach how() {
    return new Parts(action, timeout);
  }

  @Override
  public String toString() {
    if (isClosed()) {
      return "<Barrier at " + name + ": unknown>";
    }
    if (state() == BROKEN) {
      return "<Barrier at " + name + ": broken>";
    }
    return "<Barrier at " + name + ": waiters=" + numberWaiting() + "/" + parties + ">";
  }

  /**
   * What a barrier handle needs besides its segment's name: its action and default timeout.
   * Portable (the timeout as nanoseconds), so that a young JVM receiving a barrier sets up neither
   * the record codec nor JDK serialization for it.
   */
  private record Parts(SerializableRunnable action, Duration timeout)
      implements Attach, org.multiprocessing4j.internal.pickle.Codec.Portable {
    static {
      org.multiprocessing4j.internal.pickle.Codec.registerPortable(Parts.class, Parts::fromFields);
    }

    static Parts fromFields(Object[] f) {
      return new Parts((SerializableRunnable) f[0], f[1] == null ? null : Duration.ofNanos((Long) f[1]));
    }

    @Override
    public ShmHandle attach(String name) {
      return ShmBarrier.attach(name, action, timeout);
    }

    @Override
    public Object[] portableFields() {
      return new Object[] {action, timeout == null ? null : timeout.toNanos()};
    }
  }

}
