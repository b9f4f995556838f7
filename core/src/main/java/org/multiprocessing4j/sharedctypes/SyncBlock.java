package org.multiprocessing4j.sharedctypes;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import org.multiprocessing4j.Lock;
import org.multiprocessing4j.internal.pickle.Codec;
import org.multiprocessing4j.internal.sync.ShmLockBase;

/**
 * What synchronized values and arrays share (Python's {@code SynchronizedBase}): a raw handle and
 * a lock handle, both this wrapper's own, and the serialized form (the two handles, each of which
 * travels as its segment's name).
 */
abstract class SyncBlock<T, R extends RawBlock<T>> implements Serializable, Codec.Portable {
  @Serial private static final long serialVersionUID = 1L;

  static {
    // the concrete classes: the codec looks a factory up by the class it meets
    Codec.registerPortable(SynchronizedValue.class, SyncBlock::fromFields);
    Codec.registerPortable(SynchronizedArray.class, SyncBlock::fromFields);
    Codec.registerPortable(SynchronizedCharArray.class, SyncBlock::fromFields);
  }

  final transient R obj;
  final transient ShmLockBase lock;

  SyncBlock(R obj, ShmLockBase lock) {
    this.obj = obj;
    this.lock = lock;
  }

  public final Lock getLock() {
    return lock;
  }

  public final CType<T> type() {
    return obj.type;
  }

  /**
   * Takes the lock for an accessor unless the calling thread holds it already (Python's
   * {@code acquire}); returns whether it did, and so must {@link #release()}. For an RLock held
   * by this thread, taking it again and releasing it would change nothing but its count; for a
   * plain Lock it would deadlock, as it does in Python.
   */
  final boolean acquireUnlessHeld() {
    obj.checkOpen();
    if (lock.heldByCurrentThread()) {
      return false;
    }
    lock.acquire();
    return true;
  }

  /** Python's {@code release} attribute of the wrapper. */
  final void release() {
    lock.release();
  }

  public final void close() {
    try {
      obj.close();
    } finally {
      lock.close();
    }
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof SyncBlock<?, ?> other && other.getClass() == getClass() && other.obj.equals(obj)
        && other.lock.equals(lock);
  }

  @Override
  public final int hashCode() {
    return obj.hashCode() * 31 + lock.hashCode();
  }

  /** {@code <Synchronized wrapper for c_int(5)>}: Python's repr of a wrapper. */
  final String repr(String pythonClass) {
    return "<" + pythonClass + " wrapper for " + obj + ">";
  }

  /** Travels as its raw object and its lock, each as its segment's name (Python's {@code synchronized, (obj, lock)}). */
  @Serial
  final Object writeReplace() {
    return Codec.jdkForm(this);
  }

  @Serial
  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a synchronized value or array travels as its raw object and lock");
  }

  /** The portable form, the same as the serialized one: the raw object and the lock, each portable itself. */
  @Override
  public final Object[] portableFields() {
    obj.checkOpen();
    return new Object[] {obj, lock};
  }

  /**
   * Builds a wrapper from its portable form; both fields were built as new handles in this
   * process, which the new wrapper owns. While a spare warms up they are null (see
   * {@code Codec.decodeToWarmUp}): whichever was built is let go, and there is no wrapper.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <S extends SyncBlock> S fromFields(Object[] f) {
    RawBlock<?> obj = (RawBlock<?>) f[0];
    Lock lock = (Lock) f[1];
    if (obj == null || lock == null) {
      if (obj != null) {
        obj.close();
      }
      if (lock != null) {
        lock.close();
      }
      return null;
    }
    return (S) wrap(obj, (ShmLockBase) lock);
  }

  /** Wraps a raw handle and a lock handle that both belong to the new wrapper. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Object wrap(RawBlock<?> obj, ShmLockBase lock) {
    // instanceof tests, not a pattern switch: a child receiving a value would spin a class for
    // the switch's type dispatch (milliseconds in a young JVM)
    if (obj instanceof RawValueImpl<?> v) {
      return new SynchronizedValue(v, lock);
    } else if (obj instanceof RawCharArrayImpl c) {
      return new SynchronizedCharArray(c, lock);
    } else if (obj instanceof RawArrayImpl<?> a) {
      return new SynchronizedArray(a, lock);
    }
    throw new IllegalStateException("no wrapper for " + obj.getClass());
  }
}
