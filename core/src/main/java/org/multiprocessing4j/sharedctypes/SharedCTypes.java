package org.multiprocessing4j.sharedctypes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.multiprocessing4j.Lock;
import org.multiprocessing4j.internal.ctypes.CTypesDescriptor;
import org.multiprocessing4j.internal.ctypes.CTypesSegment;
import org.multiprocessing4j.internal.shm.ShmSegment;
import org.multiprocessing4j.internal.sync.EmbeddedLocks;
import org.multiprocessing4j.internal.sync.ShmLockBase;
import org.multiprocessing4j.internal.sync.ShmRLock;

/**
 * Shared C values and arrays: Python's {@code multiprocessing.sharedctypes} ({@code RawValue},
 * {@code RawArray}, {@code Value}, {@code Array}, {@code copy}, {@code synchronized}). The
 * factories of {@link org.multiprocessing4j.Multiprocessing} and
 * {@link org.multiprocessing4j.Context} ({@code value(...)}, {@code array(...)}) come here.
 *
 * <pre>{@code
 * record Point(double x, double y) {}
 *
 * Lock lock = Multiprocessing.lock();
 * Value<Integer> n = SharedCTypes.value(CType.C_INT, 7);                          // Value('i', 7)
 * Value<Double> x = SharedCTypes.value(CType.C_DOUBLE, 1.0 / 3.0, false);         // Value(c_double, 1/3, lock=False)
 * CharArray s = SharedCTypes.charArray("hello world", lock);                      // Array('c', b'hello world', lock=lock)
 * Array<Point> a = SharedCTypes.array(CType.struct(Point.class),
 *     List.of(new Point(1.875, -6.25), new Point(-5.75, 2.0)), lock);             // Array(Point, [...], lock=lock)
 * }</pre>
 *
 * <p>The {@code lock} argument, as in Python: {@code true} (the default) makes a new
 * {@link org.multiprocessing4j.RLock} and returns a synchronized wrapper; {@code false} returns
 * the raw object ({@code getLock()} is null); a {@link Lock} made by this library (a
 * {@code Lock} or an {@code RLock}) synchronizes with that lock, the wrapper keeping a handle of
 * its own (closing the wrapper leaves the caller's handle open). A {@code null} lock means
 * {@code true}, as Python's {@code lock=None}.
 *
 * <p>Layout: each object has a shared segment of its own in /dev/shm
 * ({@code CTypesDescriptor}): the first cache line holds the words of the object's own RLock when
 * it was made with {@code lock} true, the data follows a header on the next lines. So taking the
 * lock and touching the value stay in one mapping, side by side, and the lock travels with the
 * value by the same segment name. A lock given by the caller, or the new RLock of
 * {@link #synchronize} on an object whose first line already holds a lock, lives in its own
 * segment.
 *
 * <p>Every object made here is a handle to close ({@code try}-with-resources); see
 * {@link Value}.
 */
public final class SharedCTypes {
  /** {@link #make}'s lock argument for "a new RLock in the object's own segment". */
  private static final Object NEW_RLOCK = new Object();
  /** {@link #make}'s lock argument for "raw". */
  private static final Object NO_LOCK = null;

  private SharedCTypes() {}

  // ------------------------------------------------------------------------------ raw

  /**
   * A new raw value holding {@code initial} (Python's {@code RawValue(type, initial)}).
   *
   * @throws NullPointerException when {@code type} or {@code initial} is null
   * @throws IllegalArgumentException when {@code initial} is out of an unsigned type's range
   */
  public static <T> Value<T> rawValue(CType<T> type, T initial) {
    return value(type, initial, false);
  }

  /**
   * A new raw array of {@code size} zeroed elements (Python's {@code RawArray(type, size)}).
   *
   * @throws IllegalArgumentException when {@code size} is negative
   */
  public static <T> Array<T> rawArray(CType<T> type, int size) {
    return array(type, size, false);
  }

  /** A new raw array holding {@code initial} (Python's {@code RawArray(type, initializer)}). */
  public static <T> Array<T> rawArray(CType<T> type, List<T> initial) {
    return array(type, initial, false);
  }

  /** A new raw {@code c_char} array of {@code size} NULs (Python's {@code RawArray('c', size)}). */
  public static CharArray rawCharArray(int size) {
    return charArray(size, false);
  }

  /** A new raw {@code c_char} array holding the ISO-8859-1 bytes of {@code initial}, no NUL added. */
  public static CharArray rawCharArray(String initial) {
    return charArray(initial, false);
  }

  // ------------------------------------------------------------------------------ Value

  /** A new synchronized value with a new RLock (Python's {@code Value(type, initial)}). */
  public static <T> Value<T> value(CType<T> type, T initial) {
    return value(type, initial, true);
  }

  /** A new value, synchronized with a new RLock when {@code lock} is true, raw when false. */
  @SuppressWarnings("unchecked")
  public static <T> Value<T> value(CType<T> type, T initial, boolean lock) {
    return (Value<T>) make(Values.VALUE, type, 1, List.of(nonNullInitial(type, initial)), lock ? NEW_RLOCK : NO_LOCK, "a Value");
  }

  /**
   * A new value synchronized with {@code lock} (Python's {@code Value(type, initial, lock=lock)});
   * null makes a new RLock.
   *
   * @throws IllegalArgumentException when {@code lock} is not a lock of this library, or is closed
   */
  @SuppressWarnings("unchecked")
  public static <T> Value<T> value(CType<T> type, T initial, Lock lock) {
    return (Value<T>) make(Values.VALUE, type, 1, List.of(nonNullInitial(type, initial)), lock == null ? NEW_RLOCK : lock, "a Value");
  }


  // ------------------------------------------------------------------------------ Array

  /** A new synchronized array of {@code size} zeroed elements with a new RLock (Python's {@code Array(type, size)}). */
  public static <T> Array<T> array(CType<T> type, int size) {
    return array(type, size, true);
  }

  /**
   * A new array of {@code size} zeroed elements, synchronized with a new RLock when {@code lock}
   * is true, raw when false.
   *
   * @throws IllegalArgumentException when {@code size} is negative
   */
  @SuppressWarnings("unchecked")
  public static <T> Array<T> array(CType<T> type, int size, boolean lock) {
    return (Array<T>) make(Values.ARRAY, type, checkSize(size), null, lock ? NEW_RLOCK : NO_LOCK, "an Array");
  }

  /** A new array of {@code size} zeroed elements synchronized with {@code lock}; null makes a new RLock. */
  @SuppressWarnings("unchecked")
  public static <T> Array<T> array(CType<T> type, int size, Lock lock) {
    return (Array<T>) make(Values.ARRAY, type, checkSize(size), null, lock == null ? NEW_RLOCK : lock, "an Array");
  }


  /** A new synchronized array holding {@code initial}, with a new RLock (Python's {@code Array(type, initializer)}). */
  public static <T> Array<T> array(CType<T> type, List<T> initial) {
    return array(type, initial, true);
  }

  /**
   * A new array holding {@code initial}, synchronized with a new RLock when {@code lock} is true,
   * raw when false.
   *
   * @throws NullPointerException when {@code initial} or one of its elements is null
   */
  @SuppressWarnings("unchecked")
  public static <T> Array<T> array(CType<T> type, List<T> initial, boolean lock) {
    return (Array<T>) make(Values.ARRAY, type, initialSize(initial), initial, lock ? NEW_RLOCK : NO_LOCK, "an Array");
  }

  /** A new array holding {@code initial} synchronized with {@code lock}; null makes a new RLock. */
  @SuppressWarnings("unchecked")
  public static <T> Array<T> array(CType<T> type, List<T> initial, Lock lock) {
    return (Array<T>) make(Values.ARRAY, type, initialSize(initial), initial, lock == null ? NEW_RLOCK : lock, "an Array");
  }


  // ------------------------------------------------------------------------------ c_char arrays

  /** A new synchronized {@code c_char} array of {@code size} NULs with a new RLock (Python's {@code Array('c', size)}). */
  public static CharArray charArray(int size) {
    return charArray(size, true);
  }

  /** A new {@code c_char} array of {@code size} NULs, synchronized when {@code lock} is true. */
  public static CharArray charArray(int size, boolean lock) {
    return (CharArray) array(CType.C_CHAR, size, lock);
  }

  /** A new {@code c_char} array of {@code size} NULs synchronized with {@code lock}. */
  public static CharArray charArray(int size, Lock lock) {
    return (CharArray) array(CType.C_CHAR, size, lock);
  }

  /**
   * A new synchronized {@code c_char} array holding the ISO-8859-1 bytes of {@code initial}, as
   * long as it (Python's {@code Array('c', b'hello world')}), with a new RLock.
   *
   * @throws IllegalArgumentException when {@code initial} has a character above U+00FF
   */
  public static CharArray charArray(String initial) {
    return charArray(initial, true);
  }

  /** {@link #charArray(String)}, synchronized when {@code lock} is true, raw when false. */
  public static CharArray charArray(String initial, boolean lock) {
    return (CharArray) array(CType.C_CHAR, bytes(initial), lock);
  }

  /** {@link #charArray(String)} synchronized with {@code lock}. */
  public static CharArray charArray(String initial, Lock lock) {
    return (CharArray) array(CType.C_CHAR, bytes(initial), lock);
  }

  // ------------------------------------------------------------------------------ copy, synchronize

  /**
   * A new raw value holding what {@code obj} holds now (Python's {@code copy(obj)}); read under
   * {@code obj}'s lock when it has one.
   */
  public static <T> Value<T> copy(Value<T> obj) {
    Objects.requireNonNull(obj, "copy(null): nothing to copy");
    return rawValue(obj.type(), obj.get());
  }

  /** A new raw array holding what {@code obj} holds now (Python's {@code copy(obj)}). */
  public static <T> Array<T> copy(Array<T> obj) {
    Objects.requireNonNull(obj, "copy(null): nothing to copy");
    return rawArray(obj.type(), obj.toList());
  }

  /** A new raw {@code c_char} array holding what {@code obj} holds now. */
  public static CharArray copy(CharArray obj) {
    return (CharArray) copy((Array<Byte>) obj);
  }

  /**
   * A synchronized wrapper of the raw {@code obj} with a new RLock (Python's
   * {@code synchronized(obj)}). The wrapper has handles of its own: closing it leaves
   * {@code obj} open. The new RLock takes the free first cache line of {@code obj}'s segment when
   * it has one (a raw object made here), else a segment of its own.
   *
   * @throws IllegalArgumentException when {@code obj} is already synchronized (Python's
   *     assertion "object already synchronized") or was not made by this library
   */
  public static <T> Value<T> synchronize(Value<T> obj) {
    return synchronize(obj, null);
  }

  /** A synchronized wrapper of the raw {@code obj} using {@code lock}; null makes a new RLock. */
  @SuppressWarnings("unchecked")
  public static <T> Value<T> synchronize(Value<T> obj, Lock lock) {
    return (Value<T>) wrap(rawOf(obj), lock);
  }

  /** A synchronized wrapper of the raw {@code obj} with a new RLock; see {@link #synchronize(Value)}. */
  public static <T> Array<T> synchronize(Array<T> obj) {
    return synchronize(obj, null);
  }

  /** A synchronized wrapper of the raw {@code obj} using {@code lock}; null makes a new RLock. */
  @SuppressWarnings("unchecked")
  public static <T> Array<T> synchronize(Array<T> obj, Lock lock) {
    return (Array<T>) wrap(rawOf(obj), lock);
  }

  /** A synchronized wrapper of the raw {@code obj} with a new RLock (Python's {@code SynchronizedString}). */
  public static CharArray synchronize(CharArray obj) {
    return synchronize(obj, null);
  }

  /** A synchronized wrapper of the raw {@code obj} using {@code lock}; null makes a new RLock. */
  public static CharArray synchronize(CharArray obj, Lock lock) {
    return (CharArray) wrap(rawOf(obj), lock);
  }

  // ------------------------------------------------------------------------------ the work

  /** Shapes, for {@link #make}. */
  private enum Values {
    VALUE(CTypesDescriptor.SHAPE_VALUE), ARRAY(CTypesDescriptor.SHAPE_ARRAY);

    final int shape;

    Values(int shape) {
      this.shape = shape;
    }
  }

  /**
   * Makes a segment for {@code length} elements of {@code type}, writes {@code initial} (null:
   * zeros) and returns the raw object ({@code lock} NO_LOCK), a wrapper with an RLock embedded in the
   * segment ({@code lock == NEW_RLOCK}), or a wrapper with its own handle of {@code lock}.
   */
  private static Object make(Values shape, CType<?> type, int length, List<?> initial, Object lock, String what) {
    Objects.requireNonNull(type, () -> what + " needs a CType, not null");
    if (initial != null) {
      for (Object v : initial) {
        checkElement(type, v, what);
      }
    }
    ShmLockBase own = lock == NO_LOCK || lock == NEW_RLOCK ? null : EmbeddedLocks.ownHandleOf((Lock) lock, what);
    ShmSegment seg = null;
    RawBlock<?> raw = null;
    try {
      seg = CTypesSegment.create(RawBlock.shapeOf(shape.shape, type, length));
      if (initial != null) {
        writeAll(seg, type, initial);
      }
      if (lock == NEW_RLOCK) {
        own = EmbeddedLocks.newRLockAtStartOf(seg);
      }
      raw = RawBlock.wrap(seg, shape.shape, type, length);
      return own == null ? raw : SyncBlock.wrap(raw, own);
    } catch (RuntimeException | Error e) {
      if (own != null) {
        own.close();
      }
      if (raw != null) {
        raw.close();
      } else if (seg != null) {
        seg.close();
      }
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void checkElement(CType<T> type, Object v, String what) {
    if (v == null) {
      throw new NullPointerException(what + " of " + type.name() + " cannot hold null");
    }
    type.check((T) v);
  }

  @SuppressWarnings("unchecked")
  private static <T> void writeAll(ShmSegment seg, CType<T> type, List<?> values) {
    long offset = CTypesDescriptor.DATA;
    for (Object v : values) {
      type.write(seg.payload(), offset, (T) v);
      offset += type.size();
    }
  }

  /** The raw handle behind {@code obj}, refusing wrappers and foreign implementations. */
  private static RawBlock<?> rawOf(Object obj) {
    return switch (obj) {
      case null -> throw new NullPointerException("synchronize(null): nothing to synchronize");
      case SyncBlock<?, ?> s -> throw new IllegalArgumentException("object already synchronized: " + s
          + "; synchronize its getObj() to wrap the raw object with another lock");
      case RawBlock<?> r -> {
        r.checkOpen();
        yield r;
      }
      default -> throw new IllegalArgumentException("synchronize needs a raw value or array made by SharedCTypes or"
          + " Multiprocessing, not a " + obj.getClass().getName());
    };
  }

  /** A wrapper of new handles of {@code raw}'s segment and of {@code lock} (null: a new RLock). */
  private static Object wrap(RawBlock<?> raw, Lock lock) {
    ShmLockBase own = lock == null ? null : EmbeddedLocks.ownHandleOf(lock, "synchronize");
    RawBlock<?> mine = null;
    try {
      ShmSegment seg = CTypesSegment.attach(raw.name, RawBlock.shapeOf(raw.shape(), raw.type, raw.length));
      mine = RawBlock.wrap(seg, raw.shape(), raw.type, raw.length);
      if (own == null) {
        own = EmbeddedLocks.newRLockAtStartOf(seg);
      }
      if (own == null) {
        own = ShmRLock.create(); // the first line holds another lock already
      }
      return SyncBlock.wrap(mine, own);
    } catch (RuntimeException | Error e) {
      if (own != null) {
        own.close();
      }
      if (mine != null) {
        mine.close();
      }
      throw e;
    }
  }

  private static int checkSize(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("an Array's size must not be negative: " + size);
    }
    return size;
  }

  private static int initialSize(List<?> initial) {
    Objects.requireNonNull(initial, "an Array's initial values must be a list, not null; pass a size for zeros");
    return initial.size();
  }

  private static <T> T nonNullInitial(CType<T> type, T initial) {
    if (initial == null) {
      throw new NullPointerException("the initial value of a " + (type == null ? "Value" : type.name() + " Value")
          + " must not be null");
    }
    return initial;
  }

  private static List<Byte> bytes(String s) {
    byte[] b = RawCharArrayImpl.latin1(s);
    List<Byte> out = new ArrayList<>(b.length);
    for (byte x : b) {
      out.add(x);
    }
    return Collections.unmodifiableList(out);
  }

}
