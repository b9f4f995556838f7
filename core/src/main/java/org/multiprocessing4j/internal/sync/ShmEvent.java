package org.multiprocessing4j.internal.sync;

import java.io.Serial;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import org.multiprocessing4j.Event;
import org.multiprocessing4j.internal.futex.Futex;
import org.multiprocessing4j.internal.shm.ShmSegment;

/**
 * {@code Event} (Python's {@code multiprocessing.Event}) in a segment of its own, laid out by
 * {@link EventDescriptor}.
 *
 * <p>Overview of implementation. Python builds its event from a condition and a semaphore; here
 * it is one word. {@link #set()} CASes the flag on and the generation up, then wakes every
 * sleeper; {@link #clear()} CASes the flag off. A waiter that finds the flag clear sleeps on the
 * word until it holds anything else than what it read: since only a set changes a clear word,
 * that means the event was set. Handle and serialized form come from {@link ShmHandle}.
 */
public final class ShmEvent extends ShmHandle implements Event {
  @Serial private static final long serialVersionUID = 1L;
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

  private ShmEvent(ShmSegment segment) {
    super(segment);
  }

  /** A new event, not set. */
  public static ShmEvent create() {
    return new ShmEvent(ShmSegment.create(EventDescriptor.LENGTH));
  }

  static ShmEvent attach(String name) {
    ShmSegment seg = ShmSegment.attach(name);
    if (seg.payloadSize() != EventDescriptor.LENGTH) {
      seg.close();
      throw new IllegalStateException("shared memory segment " + name + " does not hold an event");
    }
    return new ShmEvent(seg);
  }

  /** Threads of all processes waiting for the event now; for diagnostics and tests. */
  public int sleepers() {
    return (int) INT.getVolatile(words, EventDescriptor.WAITERS);
  }

  @Override
  public boolean isSet() {
    checkOpen();
    return (state() & EventDescriptor.FLAG) != 0;
  }

  @Override
  public void set() {
    checkOpen();
    while (true) {
      int s = state();
      if ((s & EventDescriptor.FLAG) != 0) {
        return;
      }
      if (INT.compareAndSet(words, EventDescriptor.STATE, s, (s + EventDescriptor.GENERATION) | EventDescriptor.FLAG)) {
        break;
      }
    }
    if ((int) INT.getVolatile(words, EventDescriptor.WAITERS) > 0) {
      Futex.wakeAll(words, EventDescriptor.STATE);
    }
  }

  @Override
  public void clear() {
    checkOpen();
    while (true) {
      int s = state();
      if ((s & EventDescriptor.FLAG) == 0 || INT.compareAndSet(words, EventDescriptor.STATE, s, s & ~EventDescriptor.FLAG)) {
        return;
      }
    }
  }

  @Override
  public void await() {
    await(null);
  }

  @Override
  public boolean await(Duration timeout) {
    checkOpen();
    int s = state();
    if ((s & EventDescriptor.FLAG) != 0) {
      return true;
    }
    long nanos = Waits.nanos(true, timeout);
    if (nanos == Waits.NO_WAIT) {
      return false;
    }
    try {
      return Waits.sleep(words, EventDescriptor.STATE, s, EventDescriptor.WAITERS, nanos);
    } catch (InterruptedException e) {
      throw Waits.interrupted("waiting for", this, e);
    }
  }

  private int state() {
    return (int) INT.getVolatile(words, EventDescriptor.STATE);
  }

  // ------------------------------------------------------------------------------ handle

  @Override
  String kind() {
    return "Event";
  }

  @Override
  String noun() {
    return "event";
  }

  @Override
  Attach how() {
    return ByName.EVENT;
  }

  @Override
  public String toString() {
    String state = isClosed() ? "unknown" : (state() & EventDescriptor.FLAG) != 0 ? "set" : "unset";
    return "<Event at " + name + " " + state + ">";
  }
}
