package org.multiprocessing4j.sharedctypes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The C scalar types a {@link CType} stands for, with how each is read and written in shared
 * memory and boxed in Java (the boxes of API.md: unsigned types widen to the next larger box).
 *
 * <p>Memory access: reads are acquire loads and writes release stores of the whole, aligned
 * word (plain moves on x86), so a raw value written by one process is read whole by another and
 * what its writer wrote before is visible after it. The lock-free operations are volatile
 * read-modify-writes; 1- and 2-byte integers have no such instruction in {@link VarHandle}'s
 * memory-segment views, so they compare-and-set the aligned int that contains them.
 */
enum Scalar {
  BOOL('?', "c_bool", 1, Boolean.class),
  CHAR('c', "c_char", 1, Byte.class),
  /** Linux's {@code wchar_t}: 4 bytes; a Java {@code char} is stored zero-extended. */
  WCHAR('u', "c_wchar", 4, Character.class),
  BYTE('b', "c_byte", 1, Byte.class),
  UBYTE('B', "c_ubyte", 1, Short.class),
  SHORT('h', "c_short", 2, Short.class),
  USHORT('H', "c_ushort", 2, Integer.class),
  INT('i', "c_int", 4, Integer.class),
  UINT('I', "c_uint", 4, Long.class),
  /** LP64: a C {@code long} is 8 bytes. */
  LONG('l', "c_long", 8, Long.class),
  ULONG('L', "c_ulong", 8, Long.class),
  LONGLONG('q', "c_longlong", 8, Long.class),
  ULONGLONG('Q', "c_ulonglong", 8, Long.class),
  FLOAT('f', "c_float", 4, Float.class),
  DOUBLE('d', "c_double", 8, Double.class),
  /** A record's {@code char} component: C's {@code char16_t}; no array-module typecode. */
  CHAR16('\0', "c_char16", 2, Character.class);

  /** The typecode of {@link #CHAR16}, which has none. */
  private static final char NO_TYPECODE = '\0';

  private static final VarHandle BYTE_H = ValueLayout.JAVA_BYTE.varHandle();
  private static final VarHandle SHORT_H = ValueLayout.JAVA_SHORT.varHandle();
  private static final VarHandle INT_H = ValueLayout.JAVA_INT.varHandle();
  private static final VarHandle LONG_H = ValueLayout.JAVA_LONG.varHandle();
  private static final VarHandle FLOAT_H = ValueLayout.JAVA_FLOAT.varHandle();
  private static final VarHandle DOUBLE_H = ValueLayout.JAVA_DOUBLE.varHandle();
  private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
  private static final int BITS_PER_BYTE = 8;

  final char typecode;
  final String cName;
  final int size;
  final Class<?> box;

  Scalar(char typecode, String cName, int size, Class<?> box) {
    this.typecode = typecode;
    this.cName = cName;
    this.size = size;
    this.box = box;
  }

  /** The scalar of an array-module typecode, or null. */
  static Scalar ofTypecode(char typecode) {
    if (typecode == NO_TYPECODE) {
      return null;
    }
    for (Scalar s : values()) {
      if (s.typecode == typecode) {
        return s;
      }
    }
    return null;
  }

  /** The scalar for a record component of primitive type {@code type}, or null. */
  static Scalar ofPrimitive(Class<?> type) {
    if (type == boolean.class) {
      return BOOL;
    } else if (type == byte.class) {
      return BYTE;
    } else if (type == short.class) {
      return SHORT;
    } else if (type == char.class) {
      return CHAR16;
    } else if (type == int.class) {
      return INT;
    } else if (type == long.class) {
      return LONGLONG;
    } else if (type == float.class) {
      return FLOAT;
    } else if (type == double.class) {
      return DOUBLE;
    }
    return null;
  }

  /** Whether this is one of C's integer types (the lock-free operations work on these). */
  boolean isInteger() {
    return switch (this) {
      case BYTE, UBYTE, SHORT, USHORT, INT, UINT, LONG, ULONG, LONGLONG, ULONGLONG -> true;
      default -> false;
    };
  }

  private boolean isUnsigned() {
    return switch (this) {
      case UBYTE, USHORT, UINT, ULONG, ULONGLONG, CHAR16 -> true;
      default -> false;
    };
  }

  // ------------------------------------------------------------------------------ boxed access

  /** Reads the value at {@code offset}, boxed. */
  Object get(MemorySegment s, long offset) {
    return switch (this) {
      case BOOL -> (byte) BYTE_H.getAcquire(s, offset) != 0;
      case CHAR, BYTE -> (byte) BYTE_H.getAcquire(s, offset);
      case WCHAR -> (char) (int) INT_H.getAcquire(s, offset);
      case CHAR16 -> (char) (short) SHORT_H.getAcquire(s, offset);
      case UBYTE -> (short) Byte.toUnsignedInt((byte) BYTE_H.getAcquire(s, offset));
      case SHORT -> (short) SHORT_H.getAcquire(s, offset);
      case USHORT -> Short.toUnsignedInt((short) SHORT_H.getAcquire(s, offset));
      case INT -> (int) INT_H.getAcquire(s, offset);
      case UINT -> Integer.toUnsignedLong((int) INT_H.getAcquire(s, offset));
      case LONG, ULONG, LONGLONG, ULONGLONG -> (long) LONG_H.getAcquire(s, offset);
      case FLOAT -> (float) FLOAT_H.getAcquire(s, offset);
      case DOUBLE -> (double) DOUBLE_H.getAcquire(s, offset);
    };
  }

  /**
   * Writes {@code value} (of this scalar's box) at {@code offset}.
   *
   * @throws NullPointerException when {@code value} is null
   * @throws ClassCastException when it is not of the box
   * @throws IllegalArgumentException when an unsigned value is out of the type's range
   */
  void set(MemorySegment s, long offset, Object value) {
    checkBox(value);
    switch (this) {
      case BOOL -> BYTE_H.setRelease(s, offset, (byte) ((Boolean) value ? 1 : 0));
      case CHAR, BYTE -> BYTE_H.setRelease(s, offset, (byte) (Byte) value);
      case WCHAR -> INT_H.setRelease(s, offset, (int) (Character) value);
      case CHAR16 -> SHORT_H.setRelease(s, offset, (short) (char) (Character) value);
      case FLOAT -> FLOAT_H.setRelease(s, offset, (float) (Float) value);
      case DOUBLE -> DOUBLE_H.setRelease(s, offset, (double) (Double) value);
      default -> store(s, offset, toBits(value));
    }
  }

  // ------------------------------------------------------------------------------ integers

  /** An integer box's value as this type's bits, range-checked for the unsigned types. */
  long toBits(Object value) {
    checkBox(value);
    long v = ((Number) value).longValue();
    if (isUnsigned() && size < Long.BYTES && (v < 0 || v > mask())) {
      throw new IllegalArgumentException(value + " is out of range for " + cName + " (0.." + mask() + ")");
    }
    return v;
  }

  /** Throws unless {@code value} is a non-null instance of this type's box. */
  void checkBox(Object value) {
    if (value == null) {
      throw new NullPointerException("a " + cName + " cannot hold null");
    }
    if (!box.isInstance(value)) {
      throw new ClassCastException("a " + cName + " holds a " + box.getSimpleName() + ", not a "
          + value.getClass().getSimpleName() + " (" + value + ")");
    }
  }

  /** This type's bits as its box. */
  Object box(long bits) {
    return switch (this) {
      case BYTE -> (byte) bits;
      case UBYTE, SHORT -> (short) bits;
      case USHORT, INT -> (int) bits;
      case UINT, LONG, ULONG, LONGLONG, ULONGLONG -> bits;
      default -> throw new IllegalStateException(cName + " is not an integer type");
    };
  }

  /** All ones in this type's width. */
  private long mask() {
    return size == Long.BYTES ? -1L : (1L << (size * BITS_PER_BYTE)) - 1;
  }

  /** The low {@code size} bytes of {@code raw}, sign- or zero-extended as this type reads. */
  private long normalize(long raw) {
    if (size == Long.BYTES) {
      return raw;
    }
    int unused = Long.SIZE - size * BITS_PER_BYTE;
    return isUnsigned() ? raw & mask() : (raw << unused) >> unused;
  }

  private void store(MemorySegment s, long offset, long bits) {
    switch (size) {
      case 1 -> BYTE_H.setRelease(s, offset, (byte) bits);
      case 2 -> SHORT_H.setRelease(s, offset, (short) bits);
      case 4 -> INT_H.setRelease(s, offset, (int) bits);
      default -> LONG_H.setRelease(s, offset, bits);
    }
  }

  /** Atomically adds {@code delta} (wrapping in this type's width); returns the new value. */
  long addAndGet(MemorySegment s, long offset, long delta) {
    switch (size) {
      case Long.BYTES:
        return (long) LONG_H.getAndAdd(s, offset, delta) + delta;
      case Integer.BYTES:
        return normalize((int) INT_H.getAndAdd(s, offset, (int) delta) + (int) delta);
      default:
        while (true) {
          long word = containingWord(offset);
          int shift = shiftInWord(offset, word);
          int current = (int) INT_H.getVolatile(s, word);
          long next = normalize((current >>> shift) + delta);
          if (INT_H.compareAndSet(s, word, current, replaced(current, shift, next))) {
            return next;
          }
        }
    }
  }

  /** Atomically sets the value to {@code newBits} if it is {@code expectedBits}. */
  boolean compareAndSet(MemorySegment s, long offset, long expectedBits, long newBits) {
    switch (size) {
      case Long.BYTES:
        return LONG_H.compareAndSet(s, offset, expectedBits, newBits);
      case Integer.BYTES:
        return INT_H.compareAndSet(s, offset, (int) expectedBits, (int) newBits);
      default:
        long expected = normalize(expectedBits);
        while (true) {
          long word = containingWord(offset);
          int shift = shiftInWord(offset, word);
          int current = (int) INT_H.getVolatile(s, word);
          if (normalize(current >>> shift) != expected) {
            return false;
          }
          if (INT_H.compareAndSet(s, word, current, replaced(current, shift, newBits))) {
            return true;
          }
        }
    }
  }

  private static long containingWord(long offset) {
    return offset & -Integer.BYTES;
  }

  /** Where in the int at {@code word} the value at {@code offset} sits, in bits from the low end. */
  private int shiftInWord(long offset, long word) {
    int byteInWord = (int) (offset - word);
    return (LITTLE_ENDIAN ? byteInWord : Integer.BYTES - size - byteInWord) * BITS_PER_BYTE;
  }

  /** {@code word} with this type's bits at {@code shift} replaced by {@code bits}. */
  private int replaced(int word, int shift, long bits) {
    int m = (int) (mask() << shift);
    return (word & ~m) | ((int) (bits << shift) & m);
  }
}
