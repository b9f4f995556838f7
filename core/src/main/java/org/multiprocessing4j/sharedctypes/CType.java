package org.multiprocessing4j.sharedctypes;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A C type that a shared {@link Value} or {@link Array} holds: one of Python's {@code ctypes}
 * scalar types, named by the {@code array} module's typecodes as {@code sharedctypes} names them,
 * or a record of primitives laid out as a C {@code struct} (Python's {@code ctypes.Structure}).
 *
 * <pre>{@code
 * Value<Double> num = Multiprocessing.value(CType.C_DOUBLE, 0.0);     // Value('d', 0.0)
 * Array<Integer> arr = Multiprocessing.array(CType.of('i'), List.of(1, 2, 3));
 *
 * record Point(double x, double y) {}                               // class Point(Structure): ...
 * Array<Point> points = Multiprocessing.array(CType.struct(Point.class), List.of(new Point(1, 2)));
 * }</pre>
 *
 * <table>
 *   <caption>The scalar types</caption>
 *   <tr><th>constant</th><th>typecode</th><th>C type</th><th>bytes</th><th>Java box</th></tr>
 *   <tr><td>{@link #C_BOOL}</td><td>{@code ?}</td><td>{@code _Bool}</td><td>1</td><td>Boolean</td></tr>
 *   <tr><td>{@link #C_CHAR}</td><td>{@code c}</td><td>{@code char}</td><td>1</td><td>Byte</td></tr>
 *   <tr><td>{@link #C_WCHAR}</td><td>{@code u}</td><td>{@code wchar_t}</td><td>4</td><td>Character</td></tr>
 *   <tr><td>{@link #C_BYTE}</td><td>{@code b}</td><td>{@code signed char}</td><td>1</td><td>Byte</td></tr>
 *   <tr><td>{@link #C_UBYTE}</td><td>{@code B}</td><td>{@code unsigned char}</td><td>1</td><td>Short</td></tr>
 *   <tr><td>{@link #C_SHORT}</td><td>{@code h}</td><td>{@code short}</td><td>2</td><td>Short</td></tr>
 *   <tr><td>{@link #C_USHORT}</td><td>{@code H}</td><td>{@code unsigned short}</td><td>2</td><td>Integer</td></tr>
 *   <tr><td>{@link #C_INT}</td><td>{@code i}</td><td>{@code int}</td><td>4</td><td>Integer</td></tr>
 *   <tr><td>{@link #C_UINT}</td><td>{@code I}</td><td>{@code unsigned int}</td><td>4</td><td>Long</td></tr>
 *   <tr><td>{@link #C_LONG}</td><td>{@code l}</td><td>{@code long}</td><td>8</td><td>Long</td></tr>
 *   <tr><td>{@link #C_ULONG}</td><td>{@code L}</td><td>{@code unsigned long}</td><td>8</td><td>Long</td></tr>
 *   <tr><td>{@link #C_LONGLONG}</td><td>{@code q}</td><td>{@code long long}</td><td>8</td><td>Long</td></tr>
 *   <tr><td>{@link #C_ULONGLONG}</td><td>{@code Q}</td><td>{@code unsigned long long}</td><td>8</td><td>Long</td></tr>
 *   <tr><td>{@link #C_FLOAT}</td><td>{@code f}</td><td>{@code float}</td><td>4</td><td>Float</td></tr>
 *   <tr><td>{@link #C_DOUBLE}</td><td>{@code d}</td><td>{@code double}</td><td>8</td><td>Double</td></tr>
 * </table>
 *
 * <p>Sizes are those of 64-bit Linux (LP64), where CPython's {@code c_long} and {@code c_wchar}
 * are 8 and 4 bytes. The unsigned types widen to the next larger box, so every value fits;
 * storing a value outside the type's range throws {@link IllegalArgumentException} (ctypes would
 * silently truncate). {@code unsigned long} and {@code unsigned long long} have no larger box:
 * their {@code Long} holds the 64 bits ({@link Long#toUnsignedString(long)} reads them).
 *
 * <p>Struct types: {@link #struct(Class)} lays the record's components out in declaration order
 * with C's natural alignment (each field at a multiple of its size; the struct padded to a
 * multiple of its largest field), as {@code ctypes.Structure} does. Components map
 * {@code boolean → _Bool, byte → signed char, short → short, char → char16_t, int → int,
 * long → long long, float → float, double → double}. A struct value is read into a new record
 * and written from one; records are immutable, so Python's {@code a.x **= 2} becomes
 * {@code set(i, new Point(a.x() * a.x(), a.y()))}.
 *
 * <p>Instances are canonical: one per typecode and one per record class in a JVM, so they can be
 * compared with {@code ==}. They are {@link Serializable} and stay canonical when deserialized.
 *
 * @param <T> the Java type of a value of this C type
 */
public final class CType<T> implements Serializable {
  @Serial private static final long serialVersionUID = 1L;
  /** The array module's typecodes, in Python's documentation order, for messages. */
  private static final String TYPECODES = "b, B, h, H, i, I, l, L, q, Q, f, d, c, u, ?";
  /** {@link #typecode()} of a struct: PEP 3118's code for a structure. */
  static final char STRUCT_TYPECODE = 'T';

  /** C {@code _Bool}, typecode {@code '?'}. */
  public static final CType<Boolean> C_BOOL = new CType<>(Scalar.BOOL);
  /** C {@code char}, typecode {@code 'c'}: one byte (Python's {@code c_char}, a 1-byte {@code bytes}). */
  public static final CType<Byte> C_CHAR = new CType<>(Scalar.CHAR);
  /** C {@code wchar_t}, typecode {@code 'u'}: 4 bytes on Linux, holding a {@code char}. */
  public static final CType<Character> C_WCHAR = new CType<>(Scalar.WCHAR);
  /** C {@code signed char}, typecode {@code 'b'}. */
  public static final CType<Byte> C_BYTE = new CType<>(Scalar.BYTE);
  /** C {@code unsigned char}, typecode {@code 'B'}: 0..255 in a {@code Short}. */
  public static final CType<Short> C_UBYTE = new CType<>(Scalar.UBYTE);
  /** C {@code short}, typecode {@code 'h'}. */
  public static final CType<Short> C_SHORT = new CType<>(Scalar.SHORT);
  /** C {@code unsigned short}, typecode {@code 'H'}: 0..65535 in an {@code Integer}. */
  public static final CType<Integer> C_USHORT = new CType<>(Scalar.USHORT);
  /** C {@code int}, typecode {@code 'i'}. */
  public static final CType<Integer> C_INT = new CType<>(Scalar.INT);
  /** C {@code unsigned int}, typecode {@code 'I'}: 0..4294967295 in a {@code Long}. */
  public static final CType<Long> C_UINT = new CType<>(Scalar.UINT);
  /** C {@code long}, typecode {@code 'l'}: 8 bytes on 64-bit Linux. */
  public static final CType<Long> C_LONG = new CType<>(Scalar.LONG);
  /** C {@code unsigned long}, typecode {@code 'L'}: the 64 bits in a {@code Long}. */
  public static final CType<Long> C_ULONG = new CType<>(Scalar.ULONG);
  /** C {@code long long}, typecode {@code 'q'}. */
  public static final CType<Long> C_LONGLONG = new CType<>(Scalar.LONGLONG);
  /** C {@code unsigned long long}, typecode {@code 'Q'}: the 64 bits in a {@code Long}. */
  public static final CType<Long> C_ULONGLONG = new CType<>(Scalar.ULONGLONG);
  /** C {@code float}, typecode {@code 'f'}. */
  public static final CType<Float> C_FLOAT = new CType<>(Scalar.FLOAT);
  /** C {@code double}, typecode {@code 'd'}. */
  public static final CType<Double> C_DOUBLE = new CType<>(Scalar.DOUBLE);

  private static final List<CType<?>> SCALARS = List.of(C_BOOL, C_CHAR, C_WCHAR, C_BYTE, C_UBYTE, C_SHORT,
      C_USHORT, C_INT, C_UINT, C_LONG, C_ULONG, C_LONGLONG, C_ULONGLONG, C_FLOAT, C_DOUBLE);

  private static final ClassValue<CType<?>> STRUCTS = new ClassValue<>() {
    @Override
    protected CType<?> computeValue(Class<?> type) {
      return new CType<>(Struct.of(type));
    }
  };

  private final transient Scalar scalar;
  private final transient Struct<T> struct;

  private CType(Scalar scalar) {
    this.scalar = scalar;
    this.struct = null;
  }

  private CType(Struct<T> struct) {
    this.scalar = null;
    this.struct = struct;
  }

  /**
   * The type of an {@code array}-module typecode, as Python's {@code Value(typecode, ...)}
   * takes it: one of {@code b B h H i I l L q Q f d c u ?}. The caller names {@code T}; it must
   * be the box in the table above.
   *
   * @throws IllegalArgumentException for any other character (Python: {@code TypeError: bad typecode})
   */
  @SuppressWarnings("unchecked")
  public static <T> CType<T> of(char typecode) {
    Scalar s = Scalar.ofTypecode(typecode);
    if (s == null) {
      throw new IllegalArgumentException("bad typecode '" + printable(typecode) + "' (must be one of " + TYPECODES + ")");
    }
    return (CType<T>) SCALARS.stream().filter(t -> t.scalar == s).findFirst().orElseThrow();
  }

  /**
   * The C struct of a record of primitives (Python's {@code ctypes.Structure} subclass with
   * {@code _fields_}): components in declaration order, natural alignment. The record needs no
   * particular visibility on the class path; on the module path its package must be open to
   * {@code org.multiprocessing4j} unless the record is public in an exported package.
   *
   * @throws IllegalArgumentException when {@code type} is not a record, has no components, has a
   *     component that is not a primitive, or cannot be read by this library
   */
  @SuppressWarnings("unchecked")
  public static <R extends Record> CType<R> struct(Class<R> type) {
    if (type == null) {
      throw new IllegalArgumentException("CType.struct needs a record class, not null");
    }
    return (CType<R>) STRUCTS.get(type);
  }

  /** The {@code array}-module typecode; {@code 'T'} (PEP 3118's struct code) for a struct. */
  public char typecode() {
    return scalar != null ? scalar.typecode : STRUCT_TYPECODE;
  }

  /** The ctypes name ({@code c_int}, {@code c_double}...) or, for a struct, the record's simple name. */
  public String name() {
    return scalar != null ? scalar.cName : struct.type.getSimpleName();
  }

  /** Bytes one value takes (Python's {@code ctypes.sizeof}). */
  public long size() {
    return scalar != null ? scalar.size : struct.size;
  }

  /** The alignment of a value in bytes (Python's {@code ctypes.alignment}). */
  public long alignment() {
    return scalar != null ? scalar.size : struct.alignment;
  }

  /** The Java class of a value: the box of the table above, or the record class. */
  @SuppressWarnings("unchecked")
  public Class<T> javaType() {
    return (Class<T>) (scalar != null ? scalar.box : struct.type);
  }

  /** Whether this is a C integer type (not {@code c_bool}, {@code c_char}, {@code c_wchar}): the lock-free operations work on these. */
  public boolean isInteger() {
    return scalar != null && scalar.isInteger();
  }

  /** Whether this is a struct made by {@link #struct(Class)}. */
  public boolean isStruct() {
    return struct != null;
  }

  /** {@link #name()}, with the struct's fields for a struct: {@code Point{x: c_double @0, y: c_double @8}}. */
  @Override
  public String toString() {
    return scalar != null ? scalar.cName : struct.describe();
  }

  // ------------------------------------------------------------------------------ for the package

  /** The scalar, or null for a struct. */
  Scalar scalar() {
    return scalar;
  }

  /** 0 for a scalar; a struct's class name and layout, hashed (checked when a handle attaches). */
  long fingerprint() {
    return scalar != null ? 0 : struct.fingerprint;
  }

  /** Reads the value at {@code offset} of {@code s}. */
  @SuppressWarnings("unchecked")
  T read(MemorySegment s, long offset) {
    return scalar != null ? (T) scalar.get(s, offset) : struct.read(s, offset);
  }

  /**
   * Writes {@code value} at {@code offset} of {@code s}.
   *
   * @throws NullPointerException when {@code value} is null
   * @throws ClassCastException when it is not of {@link #javaType()} (reachable through unchecked casts)
   * @throws IllegalArgumentException when it is out of an unsigned type's range
   */
  void write(MemorySegment s, long offset, T value) {
    if (scalar != null) {
      scalar.set(s, offset, value);
    } else {
      struct.write(s, offset, value);
    }
  }

  /** Throws as {@link #write} would, without writing. */
  void check(T value) {
    if (scalar != null) {
      scalar.checkBox(value);
      if (scalar.isInteger()) {
        scalar.toBits(value);
      }
    } else {
      struct.check(value);
    }
  }

  /** Python's repr of a value of this type, as ctypes shows it: {@code c_int(5)}; a struct's record. */
  String repr(T value) {
    return scalar != null ? scalar.cName + "(" + value + ")" : String.valueOf(value);
  }

  private static String printable(char c) {
    return Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  // ------------------------------------------------------------------------------ serialization

  @Serial
  private Object writeReplace() {
    return new Ref(typecode(), struct != null ? struct.type : null);
  }

  @Serial
  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a CType travels as its typecode or record class");
  }

  /** The record class of a struct type, or null for a scalar type: with the typecode, what a handle's portable form carries. */
  Class<?> structClass() {
    return struct != null ? struct.type : null;
  }

  /** The type named by a typecode, or by a record class for a struct ({@link #structClass()}). */
  static CType<?> of(char typecode, Class<?> structClass) {
    return structClass != null ? STRUCTS.get(structClass) : of(typecode);
  }

  /** The serialized form: a typecode, or the record class of a struct. */
  private record Ref(char typecode, Class<?> struct) implements Serializable {
    @Serial
    private Object readResolve() {
      return of(typecode, struct);
    }
  }

  // ------------------------------------------------------------------------------ structs

  /** A record's components laid out as a C struct, with method handles to take records apart and make them. */
  private static final class Struct<R> {
    /** FNV-1a, 64 bits: a stable hash of the layout's description for {@link CType#fingerprint()}. */
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    final Class<R> type;
    final long size;
    final long alignment;
    final long fingerprint;
    private final String[] names;
    private final Scalar[] fields;
    private final long[] offsets;
    /** (Object) Object for each component. */
    private final MethodHandle[] getters;
    /** (Object[]) Object: the canonical constructor, spread. */
    private final MethodHandle constructor;

    private Struct(Class<R> type, String[] names, Scalar[] fields, MethodHandle[] getters, MethodHandle constructor) {
      this.type = type;
      this.names = names;
      this.fields = fields;
      this.getters = getters;
      this.constructor = constructor;
      this.offsets = new long[fields.length];
      long offset = 0;
      long align = 1;
      for (int i = 0; i < fields.length; i++) {
        long a = fields[i].size;
        offset = Math.ceilDiv(offset, a) * a;
        offsets[i] = offset;
        offset += a;
        align = Math.max(align, a);
      }
      this.alignment = align;
      this.size = Math.ceilDiv(offset, align) * align;
      long h = FNV_OFFSET;
      for (char c : (type.getName() + describe()).toCharArray()) {
        h = (h ^ c) * FNV_PRIME;
      }
      this.fingerprint = h;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Struct<?> of(Class<?> type) {
      String what = "CType.struct(" + type.getName() + ")";
      if (!type.isRecord()) {
        throw new IllegalArgumentException(what + ": " + type.getName() + " is not a record; a C struct is a record"
            + " of primitives, e.g. record Point(double x, double y) {}");
      }
      RecordComponent[] components = type.getRecordComponents();
      if (components.length == 0) {
        throw new IllegalArgumentException(what + ": the record has no components; a struct needs at least one field");
      }
      String[] names = new String[components.length];
      Scalar[] fields = new Scalar[components.length];
      Class<?>[] types = new Class<?>[components.length];
      MethodHandle[] getters = new MethodHandle[components.length];
      List<String> bad = new ArrayList<>();
      for (int i = 0; i < components.length; i++) {
        names[i] = components[i].getName();
        types[i] = components[i].getType();
        fields[i] = Scalar.ofPrimitive(types[i]);
        if (fields[i] == null) {
          bad.add(names[i] + " is " + types[i].getTypeName());
        }
      }
      if (!bad.isEmpty()) {
        throw new IllegalArgumentException(what + ": a struct's components must be primitives (boolean, byte, short,"
            + " char, int, long, float, double), but " + String.join(", ", bad));
      }
      MethodHandle constructor;
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        for (int i = 0; i < components.length; i++) {
          Method accessor = components[i].getAccessor();
          accessor.setAccessible(true);
          getters[i] = lookup.unreflect(accessor).asType(MethodType.methodType(Object.class, Object.class));
        }
        Constructor<?> c = type.getDeclaredConstructor(types);
        c.setAccessible(true);
        MethodHandle mh = lookup.unreflectConstructor(c);
        constructor = mh.asType(mh.type().generic()).asSpreader(Object[].class, components.length)
            .asType(MethodType.methodType(Object.class, Object[].class));
      } catch (InaccessibleObjectException | IllegalAccessException | NoSuchMethodException e) {
        throw new IllegalArgumentException(what + ": cannot read or make the record (" + e.getMessage() + "); make it"
            + " public in an exported package or open its package to module org.multiprocessing4j", e);
      }
      return new Struct(type, names, fields, getters, constructor);
    }

    @SuppressWarnings("unchecked")
    R read(MemorySegment s, long base) {
      Object[] args = new Object[fields.length];
      for (int i = 0; i < fields.length; i++) {
        args[i] = fields[i].get(s, base + offsets[i]);
      }
      try {
        return (R) (Object) constructor.invokeExact(args);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("the constructor of " + type.getName() + " threw " + e, e);
      }
    }

    void write(MemorySegment s, long base, R value) {
      Object[] parts = parts(value);
      for (int i = 0; i < fields.length; i++) {
        fields[i].set(s, base + offsets[i], parts[i]);
      }
    }

    void check(Object value) {
      parts(value);
    }

    private Object[] parts(Object value) {
      if (value == null) {
        throw new NullPointerException("a " + type.getSimpleName() + " struct cannot hold null");
      }
      if (!type.isInstance(value)) {
        throw new ClassCastException("a " + type.getSimpleName() + " struct holds a " + type.getName() + ", not a "
            + value.getClass().getName() + " (" + value + ")");
      }
      Object[] parts = new Object[fields.length];
      for (int i = 0; i < fields.length; i++) {
        try {
          parts[i] = getters[i].invokeExact(value);
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Throwable e) {
          throw new IllegalStateException("the accessor " + names[i] + "() of " + type.getName() + " threw " + e, e);
        }
      }
      return parts;
    }

    String describe() {
      return type.getSimpleName() + "{" + Arrays.stream(indexes()).mapToObj(i -> names[i] + ": " + fields[i].cName + " @"
          + offsets[i]).collect(Collectors.joining(", ")) + "}";
    }

    private int[] indexes() {
      return java.util.stream.IntStream.range(0, fields.length).toArray();
    }
  }
}
