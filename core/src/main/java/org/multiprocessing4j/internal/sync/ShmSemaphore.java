package org.multiprocessing4j.internal.sync;

import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import org.multiprocessing4j.BoundedSemaphore;
import org.multiprocessing4j.Semaphore;
import org.multiprocessing4j.internal.futex.Futex;
import org.multiprocessing4j.internal.shm.ShmSegment;

/**
 * {@code Semaphore} and {@code BoundedSemaphore} (Python's {@code multiprocessing.Semaphore} and
 * {@code BoundedSemaphore}) in a segment of their own, laid out by {@link SemaphoreDescriptor}.
 *
 * <p>Overview of implementation. An acquire CASes VALUE down by one while it is positive; when
 * it is 0 the thread counts itself in WAITERS and sleeps on VALUE with {@link Futex#await} until
 * VALUE is not 0, then tries again. A release CASes VALUE up (refusing to pass MAXVALUE) and, when
 * WAITERS says someone sleeps, wakes one. The waiter's count comes before its futex wait, the
 * release's store before its read of WAITERS, and both are volatile, so a release never misses a
 * sleeper; a wake lost to a waiter that timed out at that moment is made up by the next re-check
 * of the word ({@link Futex} re-reads it at least every 10 ms).
 *
 * <p>A bounded semaphore is a {@link Bounded}, which only adds the {@link BoundedSemaphore}
 * type: the bound itself is MAXVALUE in shared memory. Handle, serialized form, {@code acquire}
 * and {@code hold} come from {@link ShmAcquirable} and {@link ShmHandle}.
 */
public sealed class ShmSemaphore extends ShmAcquirable implements Semaphore permits ShmSemaphore.Bounded {
  @Serial private static final long serialVersionUID = 1L;
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

  private final transient boolean bounded;
  private final transient int maxValue;

  ShmSemaphore(ShmSegment segment) {
    super(segment);
    this.bounded = (int) INT.getVolatile(words, SemaphoreDescriptor.KIND) == SemaphoreDescriptor.KIND_BOUNDED;
    this.maxValue = (int) INT.getVolatile(words, SemaphoreDescriptor.MAXVALUE);
  }

  /**
   * A new semaphore with {@code value} units; {@code bounded} makes {@code value} its bound too.
   *
   * @throws IllegalArgumentException when {@code value} is negative (Python's {@code ValueError})
   */
  public static ShmSemaphore create(int value, boolean bounded) {
    if (value < 0) {
      throw new IllegalArgumentException("a semaphore's initial value must be >= 0, not " + value);
    }
    ShmSegment seg = ShmSegment.create(SemaphoreDescriptor.LENGTH);
    MemorySegment w = seg.payload();
    INT.setVolatile(w, SemaphoreDescriptor.VALUE, value);
    INT.setVolatile(w, SemaphoreDescriptor.MAXVALUE, bounded ? value : Integer.MAX_VALUE);
    INT.setVolatile(w, SemaphoreDescriptor.KIND, bounded ? SemaphoreDescriptor.KIND_BOUNDED : SemaphoreDescriptor.KIND_SEMAPHORE);
    return bounded ? new Bounded(seg) : new ShmSemaphore(seg);
  }

  static ShmSemaphore attach(String name) {
    ShmSegment seg = ShmSegment.attach(name);
    int kind = seg.payloadSize() < SemaphoreDescriptor.LENGTH ? 0 : (int) INT.getVolatile(seg.payload(), SemaphoreDescriptor.KIND);
    if (kind != SemaphoreDescriptor.KIND_SEMAPHORE && kind != SemaphoreDescriptor.KIND_BOUNDED) {
      seg.close();
      throw new IllegalStateException("shared memory segment " + name + " does not hold a semaphore");
    }
    return kind == SemaphoreDescriptor.KIND_BOUNDED ? new Bounded(seg) : new ShmSemaphore(seg);
  }

  /** Whether this is a {@code BoundedSemaphore}. */
  public boolean isBounded() {
    return bounded;
  }

  // ------------------------------------------------------------------------------ acquire

  @Override
  final boolean acquireNanos(long nanos) throws InterruptedException {
    long deadline = Waits.deadline(nanos);
    while (true) {
      int value = (int) INT.getVolatile(words, SemaphoreDescriptor.VALUE);
      if (value > 0) {
        if (INT.compareAndSet(words, SemaphoreDescriptor.VALUE, value, value - 1)) {
          return true;
        }
        continue;
      }
      long remaining = Waits.remaining(deadline);
      if (nanos == Waits.NO_WAIT || remaining <= 0) {
        return false;
      }
      Waits.sleep(words, SemaphoreDescriptor.VALUE, 0, SemaphoreDescriptor.WAITERS,
          remaining == Long.MAX_VALUE ? Waits.FOREVER : remaining);
    }
  }

  // ------------------------------------------------------------------------------ release

  @Override
  public void release() {
    checkOpen();
    while (true) {
      int value = (int) INT.getVolatile(words, SemaphoreDescriptor.VALUE);
      if (value >= maxValue) {
        throw bounded
            ? new IllegalStateException("BoundedSemaphore " + name + " released too many times: its value is"
                + " already its initial value " + maxValue + " (Python: ValueError)")
            : new IllegalStateException("Semaphore " + name + " cannot pass its largest value " + maxValue
                + " (Python: OverflowError)");
      }
      if (INT.compareAndSet(words, SemaphoreDescriptor.VALUE, value, value + 1)) {
        break;
      }
    }
    if ((int) INT.getVolatile(words, SemaphoreDescriptor.WAITERS) > 0) {
      Futex.wake(words, SemaphoreDescriptor.VALUE, 1);
    }
  }

  @Override
  public int getValue() {
    checkOpen();
    return (int) INT.getVolatile(words, SemaphoreDescriptor.VALUE);
  }

  /** The largest value: the initial value of a bounded semaphore, else {@link Integer#MAX_VALUE}. */
  public int maxValue() {
    return maxValue;
  }

  // ------------------------------------------------------------------------------ handle

  @Override
  String kind() {
    return bounded ? "BoundedSemaphore" : "Semaphore";
  }

  @Override
  String noun() {
    return "semaphore";
  }

  @Override
  Attach how() {
    return ByName.SEMAPHORE;
  }

  @Override
  public String toString() {
    String value = isClosed() ? "unknown" : Integer.toString((int) INT.getVolatile(words, SemaphoreDescriptor.VALUE));
    return bounded ? "<BoundedSemaphore(value=" + value + ", maxvalue=" + maxValue + ")>" : "<Semaphore(value=" + value + ")>";
  }

  /** A {@code BoundedSemaphore}: the same semaphore with the bounded type. */
  public static final class Bounded extends ShmSemaphore implements BoundedSemaphore {
    @Serial private static final long serialVersionUID = 1L;

    Bounded(ShmSegment segment) {
      super(segment);
    }
  }
}
