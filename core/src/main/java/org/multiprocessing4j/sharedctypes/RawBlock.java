package org.multiprocessing4j.sharedctypes;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.multiprocessing4j.internal.ctypes.CTypesDescriptor;
import org.multiprocessing4j.internal.ctypes.CTypesSegment;
import org.multiprocessing4j.internal.pickle.Codec;
import org.multiprocessing4j.internal.shm.ShmSegment;

/**
 * What raw values and arrays share: a handle of a segment laid out by {@link CTypesDescriptor},
 * typed element access, the lock-free integer operations and the serialized form (the segment's
 * name and what it holds; the receiver attaches and checks the header).
 */
abstract class RawBlock<T> implements Serializable, Codec.Portable {
  @Serial private static final long serialVersionUID = 1L;

  static {
    // the concrete classes: the codec looks a factory up by the class it meets
    Codec.registerPortable(RawValueImpl.class, RawBlock::fromFields);
    Codec.registerPortable(RawArrayImpl.class, RawBlock::fromFields);
    Codec.registerPortable(RawCharArrayImpl.class, RawBlock::fromFields);
  }

  final String name;
  final CType<T> type;
  final int length;
  final transient ShmSegment segment;
  /** The segment's payload: lock words, header, data (offsets of {@link CTypesDescriptor}). */
  final transient MemorySegment payload;
  private final transient long elementSize;
  private transient volatile boolean closed;

  RawBlock(ShmSegment segment, CType<T> type, int length) {
    this.name = segment.name();
    this.segment = segment;
    this.payload = segment.payload();
    this.type = type;
    this.length = length;
    this.elementSize = type.size();
  }

  /** {@link CTypesDescriptor#SHAPE_VALUE} or {@link CTypesDescriptor#SHAPE_ARRAY}. */
  abstract int shape();

  /** What the header of a segment for {@code length} elements of {@code type} in {@code shape} says. */
  static CTypesSegment.Shape shapeOf(int shape, CType<?> type, int length) {
    return new CTypesSegment.Shape(shape, type.typecode(), Math.toIntExact(type.size()), length, type.fingerprint());
  }

  /** Where element {@code i} starts in the payload; {@code i} is checked. */
  final long offset(int i) {
    Objects.checkIndex(i, length);
    return CTypesDescriptor.DATA + i * elementSize;
  }

  final T read(int i) {
    checkOpen();
    return type.read(payload, offset(i));
  }

  final void write(int i, T v) {
    checkOpen();
    type.write(payload, offset(i), v);
  }

  final long addAndGetAt(int i, long delta) {
    checkOpen();
    Scalar s = integerScalar("addAndGet");
    return s.addAndGet(payload, offset(i), delta);
  }

  final boolean compareAndSetAt(int i, T expected, T newValue) {
    checkOpen();
    Scalar s = integerScalar("compareAndSet");
    long newBits = s.toBits(newValue);
    long expectedBits;
    try {
      expectedBits = s.toBits(expected);
    } catch (IllegalArgumentException e) {
      return false; // out of the type's range: the value cannot be that
    }
    return s.compareAndSet(payload, offset(i), expectedBits, newBits);
  }

  private Scalar integerScalar(String op) {
    if (!type.isInteger()) {
      throw new UnsupportedOperationException(op + " works on the C integer types (b B h H i I l L q Q), not on "
          + type.name() + "; take the lock for a read-modify-write of this " + what());
    }
    return type.scalar();
  }

  /** "Value" or "Array", for messages. */
  abstract String what();

  final void checkOpen() {
    if (closed) {
      throw new IllegalStateException(what() + " " + name + ": this handle is closed; use another handle of it");
    }
  }

  final boolean isClosed() {
    return closed;
  }

  public final CType<T> type() {
    return type;
  }

  public final void close() {
    if (!closed) {
      closed = true;
      segment.close();
    }
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof RawBlock<?> other && other.getClass() == getClass() && other.name.equals(name);
  }

  @Override
  public final int hashCode() {
    return name.hashCode();
  }

  /** Travels as its portable form: the segment's name and shape; the receiver attaches (see {@link ShmSegment}). */
  @Serial
  final Object writeReplace() {
    return Codec.jdkForm(this);
  }

  @Serial
  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a shared value or array travels as its segment's name, not its fields");
  }

  /**
   * The portable form, the same as the serialized one: the segment's name, the shape, the element
   * type (typecode, and the record class of a struct by name) and the length. Through the codec
   * a value or array needs no JDK serialization, which a young JVM takes ~40 ms to set up.
   */
  @Override
  public final Object[] portableFields() {
    checkOpen();
    Class<?> struct = type.structClass();
    return new Object[] {name, shape(), (int) type.typecode(), struct != null ? struct.getName() : null, length};
  }

  /** Builds a raw handle from its portable form: attaches to the segment (nothing while a spare warms up). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <B extends RawBlock> B fromFields(Object[] f) {
    if (Codec.warmingUp()) {
      return null; // a warm spare decoding a hint must not attach: see Codec.decodeToWarmUp
    }
    String name = (String) f[0];
    int shape = (Integer) f[1];
    int length = (Integer) f[4];
    CType<?> type = CType.of((char) (int) (Integer) f[2], f[3] == null ? null : structClass((String) f[3]));
    return (B) wrap(CTypesSegment.attach(name, shapeOf(shape, type, length)), shape, type, length);
  }

  private static Class<?> structClass(String name) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    try {
      return Class.forName(name, false, loader != null ? loader : ClassLoader.getSystemClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the struct record class " + name + " of a shared value or array is not"
          + " on this process's class path; start processes with the same class path", e);
    }
  }

  /** Makes the raw handle of {@code shape} for an attached or new segment. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static RawBlock<?> wrap(ShmSegment seg, int shape, CType<?> type, int length) {
    if (shape == CTypesDescriptor.SHAPE_VALUE) {
      return new RawValueImpl(seg, type);
    }
    return type == CType.C_CHAR ? new RawCharArrayImpl(seg, length) : new RawArrayImpl(seg, type, length);
  }
}
