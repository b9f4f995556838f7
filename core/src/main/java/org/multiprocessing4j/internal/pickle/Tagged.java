package org.multiprocessing4j.internal.pickle;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.multiprocessing4j.PicklingException;

/**
 * The tagged encoding behind {@link Codec}: a tag byte per value, then the value; containers and
 * records hold their elements the same way, recursively. The tags are part of the format two JVMs
 * exchange: never renumber them.
 *
 * <pre>
 *   NULL TRUE FALSE                       no payload
 *   INT LONG DOUBLE FLOAT SHORT BYTE CHAR big-endian value
 *   STRING BYTES INTS LONGS DOUBLES        int byte length, then the bytes (UTF-8 for STRING)
 *   JAVA                                   the rest of the message is a JDK serialization stream
 *   ARRAY_LIST LIST_OF OBJECTS             int count, then each element
 *   INTEGER_LIST                           an ArrayList of Integers only: int count, then the ints
 *   PORTABLE                               a {@link Codec.Portable}: class name, int count, each field
 *   HASH_SET LINKED_HASH_SET               int count, then each element
 *   HASH_MAP                               int count, then key and value, in iteration order
 *   ENUM                                   class name and constant name (each int length + UTF-8)
 *   RECORD                                 class name, int component count, then each component
 *   JAVA_PART                              int byte length, then a JDK serialization stream
 *   LAMBDA                                 a serializable lambda's {@link SerializedLambda} strings
 *                                          and impl kind, int captured count, then each captured value
 * </pre>
 *
 * <p>Overview of implementation: {@link #encode} gives up (returns false) when the value reaches
 * one mutable object twice (or a cycle), so that {@link Codec} encodes it whole with JDK
 * serialization, which keeps sharing; objects written inside a {@code JAVA_PART} are counted too.
 * A record's components are read and its canonical constructor called through method handles
 * built once per class; a record that cannot be reached that way (a package not open to this
 * library), or that customizes its serialization ({@code writeReplace}/{@code readResolve}), goes
 * through JDK serialization. A serializable lambda is taken apart as JDK serialization does it
 * (its {@code writeReplace} gives a {@link SerializedLambda}) and rebuilt as JDK serialization
 * does it (the capturing class's {@code $deserializeLambda$}); what it captured is encoded like
 * any other value, and a lambda that captured nothing is rebuilt once per process and reused.
 */
final class Tagged {
  static final byte NULL = 0;
  static final byte TRUE = 1;
  static final byte FALSE = 2;
  static final byte INT = 3;
  static final byte LONG = 4;
  static final byte DOUBLE = 5;
  static final byte FLOAT = 6;
  static final byte SHORT = 7;
  static final byte BYTE = 8;
  static final byte CHAR = 9;
  static final byte STRING = 10;
  static final byte BYTES = 11;
  static final byte INTS = 12;
  static final byte LONGS = 13;
  static final byte DOUBLES = 14;
  static final byte JAVA = 15;
  static final byte ARRAY_LIST = 16;
  static final byte LIST_OF = 17;
  static final byte OBJECTS = 18;
  static final byte HASH_SET = 19;
  static final byte LINKED_HASH_SET = 20;
  static final byte HASH_MAP = 21;
  static final byte ENUM = 22;
  static final byte RECORD = 23;
  static final byte JAVA_PART = 24;
  static final byte LAMBDA = 25;
  static final byte INTEGER_LIST = 26;
  static final byte PORTABLE = 27;

  private static final Class<?> LIST12 = List.of(1).getClass();
  private static final Class<?> LISTN = List.of(1, 2, 3).getClass();
  /** Containers nested deeper than this go to JDK serialization (which has its own limits). */
  private static final int MAX_DEPTH = 64;

  private Tagged() {}

  // ------------------------------------------------------------------------------ encoding

  /**
   * Appends the tagged form of {@code value} to {@code out}.
   *
   * @return false when the value must go through JDK serialization whole (its class has no
   *     tagged form, or it shares objects); {@code out} then holds garbage to discard
   * @throws IOException when a part that went through JDK serialization failed
   */
  static boolean encode(Object value, Writer out) throws IOException {
    try {
      new Encoding(out).write(value, 0);
      return true;
    } catch (Shared e) {
      return false;
    }
  }

  /** Appends {@code value} as a {@link #JAVA} message: the tag, then a JDK serialization stream. */
  static void encodeWholeWithJdk(Object value, Writer out) throws IOException {
    out.put(JAVA);
    try (var oos = new ObjectOutputStream(out.asStream())) {
      oos.writeObject(value);
    }
  }

  /** Thrown inside an encoding when an object is reached twice: encode the whole with JDK serialization. */
  private static final class Shared extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Shared() {
      super(null, null, false, false);
    }
  }

  /** One encoding: the writer and the mutable objects written so far. */
  private static final class Encoding {
    private final Writer out;
    /** The first few objects written, compared by identity; the rest go to {@link #more}. */
    private Object[] few;
    private int fewCount;
    private IdentityHashMap<Object, Boolean> more;

    Encoding(Writer out) {
      this.out = out;
    }

    /** Notes a mutable object; throws {@link Shared} when it was written before. */
    void once(Object o) {
      if (few == null) {
        few = new Object[8];
      }
      for (int i = 0; i < fewCount; i++) {
        if (few[i] == o) {
          throw new Shared();
        }
      }
      if (more != null && more.containsKey(o)) {
        throw new Shared();
      }
      if (fewCount < few.length) {
        few[fewCount++] = o;
      } else {
        if (more == null) {
          more = new IdentityHashMap<>();
        }
        more.put(o, Boolean.TRUE);
      }
    }

    void write(Object value, int depth) throws IOException {
      if (depth > MAX_DEPTH) {
        throw new Shared(); // very deep: let JDK serialization handle (or refuse) it
      }
      // instanceof tests, not a pattern switch: a young JVM (a new child) spins a class for a
      // switch's type dispatch at its first use, which costs it milliseconds
      if (value == null) {
        out.put(NULL);
      } else if (value instanceof Integer i) {
        out.put(INT).putInt(i);
      } else if (value instanceof String s) {
        out.put(STRING).putLengthAndBytes(s.getBytes(StandardCharsets.UTF_8));
      } else if (value instanceof Long l) {
        out.put(LONG).putLong(l);
      } else if (value instanceof Boolean b) {
        out.put(b ? TRUE : FALSE);
      } else if (value instanceof Double d) {
        out.put(DOUBLE).putLong(Double.doubleToRawLongBits(d));
      } else if (value instanceof Float f) {
        out.put(FLOAT).putInt(Float.floatToRawIntBits(f));
      } else if (value instanceof Short s) {
        out.put(SHORT).putShort(s);
      } else if (value instanceof Byte b) {
        out.put(BYTE).put(b);
      } else if (value instanceof Character c) {
        out.put(CHAR).putShort((short) c.charValue());
      } else if (value instanceof byte[] a) {
        once(a);
        out.put(BYTES).putLengthAndBytes(a);
      } else if (value instanceof int[] a) {
        once(a);
        out.put(INTS).putInt(Math.multiplyExact(a.length, Integer.BYTES));
        for (int x : a) {
          out.putInt(x);
        }
      } else if (value instanceof long[] a) {
        once(a);
        out.put(LONGS).putInt(Math.multiplyExact(a.length, Long.BYTES));
        for (long x : a) {
          out.putLong(x);
        }
      } else if (value instanceof double[] a) {
        once(a);
        out.put(DOUBLES).putInt(Math.multiplyExact(a.length, Double.BYTES));
        for (double x : a) {
          out.putLong(Double.doubleToRawLongBits(x));
        }
      } else if (value instanceof Enum<?> e) {
        out.put(ENUM).putLengthAndBytes(className(e.getDeclaringClass()))
            .putLengthAndBytes(e.name().getBytes(StandardCharsets.UTF_8));
      } else {
        writeObject(value, depth);
      }
    }

    private void writeObject(Object value, int depth) throws IOException {
      Class<?> c = value.getClass();
      if (c == ArrayList.class || value instanceof Codec.SentAsArrayList) {
        if (!writeIntegers((List<?>) value)) {
          writeAll(ARRAY_LIST, (Collection<?>) value, depth);
        }
      } else if (c == LIST12 || c == LISTN) {
        if (hasNull((List<?>) value)) {
          throw new Shared(); // Stream.toList() makes these with nulls; List.of cannot rebuild them
        }
        writeAll(LIST_OF, (Collection<?>) value, depth);
      } else if (c == Object[].class) {
        once(value);
        Object[] a = (Object[]) value;
        out.put(OBJECTS).putInt(a.length);
        for (Object o : a) {
          write(o, depth + 1);
        }
      } else if (c == HashSet.class) {
        writeAll(HASH_SET, (Collection<?>) value, depth);
      } else if (c == LinkedHashSet.class) {
        writeAll(LINKED_HASH_SET, (Collection<?>) value, depth);
      } else if (c == HashMap.class) {
        once(value);
        Map<?, ?> map = (Map<?, ?>) value;
        out.put(HASH_MAP).putInt(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
          write(e.getKey(), depth + 1);
          write(e.getValue(), depth + 1);
        }
      } else if (Portables.howOf(c) instanceof Portables.How portable) {
        once(value);
        if (portable.sharedMemory()) {
          Codec.noteSharedMemory();
        }
        Object[] fields = portable.fields().apply(value);
        out.put(PORTABLE).putLengthAndBytes(portable.name()).putInt(fields.length);
        for (Object f : fields) {
          write(f, depth + 1);
        }
      } else {
        RecordPlan plan = RecordPlan.PLANS.get(c);
        if (plan != null) {
          once(value);
          out.put(RECORD).putLengthAndBytes(plan.name).putInt(plan.accessors.length);
          for (MethodHandle accessor : plan.accessors) {
            write(plan.get(accessor, value), depth + 1);
          }
        } else if (Lambdas.PLANS.get(c) instanceof Lambdas.Plan lambda) {
          once(value);
          SerializedLambda sl = lambda.takeApart(value);
          byte[] header = lambda.header(sl);
          out.put(LAMBDA).putBytes(header, 0, header.length);
          out.putInt(sl.getCapturedArgCount());
          for (int i = 0; i < sl.getCapturedArgCount(); i++) {
            write(sl.getCapturedArg(i), depth + 1);
          }
        } else {
          writePart(value, depth);
        }
      }
    }

    /** A list of Integers only (a pool's chunk of ints) as raw ints; false for any other list. */
    private boolean writeIntegers(List<?> list) {
      int size = list.size();
      if (size < 4) {
        return false;
      }
      for (int i = 0; i < size; i++) {
        Object o = list.get(i);
        if (o == null || o.getClass() != Integer.class) {
          return false;
        }
      }
      once(list);
      out.put(INTEGER_LIST).putInt(size);
      out.ensure(Math.multiplyExact(size, Integer.BYTES));
      for (int i = 0; i < size; i++) {
        out.putIntUnchecked((Integer) list.get(i));
      }
      return true;
    }

    private void writeAll(byte tag, Collection<?> items, int depth) throws IOException {
      once(items);
      int size = items.size();
      out.put(tag).putInt(size);
      int n = 0;
      for (Object o : items) {
        write(o, depth + 1);
        n++;
      }
      if (n != size) {
        throw new java.util.ConcurrentModificationException("a collection changed while it was being sent");
      }
    }

    /**
     * A value without a tagged form inside a container or record: its own JDK serialization
     * stream. At the top ({@code depth} 0) the whole value goes to JDK serialization instead.
     */
    private void writePart(Object value, int depth) throws IOException {
      if (depth == 0) {
        throw new Shared();
      }
      out.put(JAVA_PART);
      int lengthAt = out.reserveInt();
      int start = out.position();
      try (var oos = new TrackingOutputStream(out.asStream(), this)) {
        oos.writeObject(value);
      }
      out.patchInt(lengthAt, out.position() - start);
    }
  }

  /** JDK serialization that reports every mutable object it writes to the enclosing encoding. */
  private static final class TrackingOutputStream extends ObjectOutputStream {
    private final Encoding encoding;

    TrackingOutputStream(OutputStream out, Encoding encoding) throws IOException {
      super(out);
      this.encoding = encoding;
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) {
      if (!(obj instanceof String || obj instanceof Number || obj instanceof Boolean || obj instanceof Character
          || obj instanceof Enum<?>)) {
        encoding.once(obj);
      }
      return obj;
    }
  }

  /** Null-safe: {@code contains(null)} throws on the immutable lists. */
  private static boolean hasNull(List<?> list) {
    for (Object o : list) {
      if (o == null) {
        return true;
      }
    }
    return false;
  }

  /** A class's name as written in messages, encoded once per class (portable messages name theirs every time). */
  private static byte[] className(Class<?> c) {
    return CLASS_NAMES.get(c);
  }

  private static final ClassValue<byte[]> CLASS_NAMES = new ClassValue<>() {
    @Override
    protected byte[] computeValue(Class<?> c) {
      return c.getName().getBytes(StandardCharsets.UTF_8);
    }
  };

  // ------------------------------------------------------------------------------ decoding

  /** Decodes one value at the reader's position. */
  static Object decode(Reader in) throws IOException, ClassNotFoundException {
    byte tag = in.get();
    return switch (tag) {
      case NULL -> null;
      case TRUE -> Boolean.TRUE;
      case FALSE -> Boolean.FALSE;
      case INT -> in.getInt();
      case LONG -> in.getLong();
      case STRING -> {
        int n = in.getLength(1);
        String s = new String(in.data, in.pos, n, StandardCharsets.UTF_8);
        in.pos += n;
        yield s;
      }
      case BYTES -> in.getBytes(in.getLength(1));
      case ARRAY_LIST -> {
        int n = in.getCount();
        var list = new ArrayList<Object>(n);
        for (int i = 0; i < n; i++) {
          list.add(decode(in));
        }
        yield list;
      }
      case INTEGER_LIST -> {
        int n = in.getLength(1);
        in.checkRemaining((long) n * Integer.BYTES);
        var list = new ArrayList<Integer>(n);
        for (int i = 0; i < n; i++) {
          list.add(in.getIntUnchecked());
        }
        yield list;
      }
      case PORTABLE -> {
        var factory = Portables.factory(in.getClassByName());
        yield factory.apply(readElements(in));
      }
      case LAMBDA -> {
        var parts = new String[8];
        for (int i = 0; i < parts.length; i++) {
          parts[i] = in.getString();
        }
        int kind = in.getInt();
        Object[] captured = readElements(in);
        yield Lambdas.rebuild(parts, kind, captured);
      }
      default -> decodeOther(tag, in);
    };
  }

  /**
   * The tags {@link #decode} leaves to this method: a smaller {@code decode} is compiled sooner
   * and with less compiler memory (C1 took 3.4 MiB of arena for the whole switch in a warm spare,
   * memory the JVM's malloc keeps), and the common values of queues and pools stay in it.
   */
  private static Object decodeOther(byte tag, Reader in) throws IOException, ClassNotFoundException {
    return switch (tag) {
      case DOUBLE -> Double.longBitsToDouble(in.getLong());
      case FLOAT -> Float.intBitsToFloat(in.getInt());
      case SHORT -> in.getShort();
      case BYTE -> in.get();
      case CHAR -> (char) in.getShort();
      case INTS -> {
        int[] a = new int[in.getLength(Integer.BYTES) / Integer.BYTES];
        for (int i = 0; i < a.length; i++) {
          a[i] = in.getInt();
        }
        yield a;
      }
      case LONGS -> {
        long[] a = new long[in.getLength(Long.BYTES) / Long.BYTES];
        for (int i = 0; i < a.length; i++) {
          a[i] = in.getLong();
        }
        yield a;
      }
      case DOUBLES -> {
        double[] a = new double[in.getLength(Double.BYTES) / Double.BYTES];
        for (int i = 0; i < a.length; i++) {
          a[i] = Double.longBitsToDouble(in.getLong());
        }
        yield a;
      }
      case JAVA -> readJdk(in, in.remaining());
      case JAVA_PART -> readJdk(in, in.getLength(1));
      case LIST_OF -> List.of(readElements(in));
      case OBJECTS -> readElements(in);
      case HASH_SET -> readInto(in, HashSet::newHashSet);
      case LINKED_HASH_SET -> readInto(in, LinkedHashSet::newLinkedHashSet);
      case HASH_MAP -> {
        int n = in.getCount();
        var map = HashMap.newHashMap(n);
        for (int i = 0; i < n; i++) {
          map.put(decode(in), decode(in));
        }
        yield map;
      }
      case ENUM -> {
        Class<?> c = in.getClassByName();
        String name = in.getString();
        if (!c.isEnum()) {
          throw new PicklingException("cannot decode an enum constant of " + c.getName() + ": not an enum here", null);
        }
        yield enumConstant(c, name);
      }
      case RECORD -> {
        Class<?> c = in.getClassByName();
        RecordPlan plan = RecordPlan.PLANS.get(c);
        int n = in.getCount();
        if (plan == null || plan.accessors.length != n) {
          throw new PicklingException("cannot build a record of class " + c.getName() + " from " + n
              + " components: the class differs between the two processes; start them with the same class path", null);
        }
        Object[] components = new Object[n];
        for (int i = 0; i < n; i++) {
          components[i] = decode(in);
        }
        yield plan.construct(components);
      }
      default -> throw new PicklingException(
          "cannot decode a message starting with byte " + tag + ": not this codec's format", null);
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object enumConstant(Class<?> c, String name) {
    try {
      return Enum.valueOf((Class) c, name);
    } catch (IllegalArgumentException e) {
      throw new PicklingException("cannot decode enum constant " + c.getName() + "." + name
          + ": no such constant here; start the processes with the same class path", e);
    }
  }

  private static Object[] readElements(Reader in) throws IOException, ClassNotFoundException {
    Object[] a = new Object[in.getCount()];
    for (int i = 0; i < a.length; i++) {
      a[i] = decode(in);
    }
    return a;
  }

  private static Set<Object> readInto(Reader in, java.util.function.IntFunction<Set<Object>> make)
      throws IOException, ClassNotFoundException {
    int n = in.getCount();
    Set<Object> set = make.apply(n);
    for (int i = 0; i < n; i++) {
      set.add(decode(in));
    }
    return set;
  }

  private static Object readJdk(Reader in, int length) throws IOException, ClassNotFoundException {
    int start = in.pos;
    in.skip(length);
    try (var ois = new Codec.ContextObjectInputStream(new ByteArrayInputStream(in.data, start, length))) {
      return ois.readObject();
    }
  }

  // ------------------------------------------------------------------------------ records

  /** How to take a record class apart and build it again: built once per class. */
  static final class RecordPlan {
    /** The plan of each class, or null when the class has no tagged form. */
    static final ClassValue<RecordPlan> PLANS = new ClassValue<>() {
      @Override
      protected RecordPlan computeValue(Class<?> type) {
        return RecordPlan.of(type);
      }
    };

    final byte[] name;
    final MethodHandle[] accessors;
    private final MethodHandle constructor;

    private RecordPlan(Class<?> type, MethodHandle[] accessors, MethodHandle constructor) {
      this.name = className(type);
      this.accessors = accessors;
      this.constructor = constructor;
    }

    private static RecordPlan of(Class<?> type) {
      if (!type.isRecord() || !Serializable.class.isAssignableFrom(type) || customizes(type)) {
        return null;
      }
      try {
        RecordComponent[] components = type.getRecordComponents();
        var accessors = new MethodHandle[components.length];
        var types = new Class<?>[components.length];
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        for (int i = 0; i < components.length; i++) {
          Method m = components[i].getAccessor();
          m.setAccessible(true);
          accessors[i] = lookup.unreflect(m).asType(MethodType.methodType(Object.class, Object.class));
          types[i] = components[i].getType();
        }
        Constructor<?> canonical = type.getDeclaredConstructor(types);
        canonical.setAccessible(true);
        MethodHandle ctor = lookup.unreflectConstructor(canonical)
            .asType(MethodType.methodType(Object.class, types.length == 0 ? new Class<?>[0] : objects(types.length)))
            .asSpreader(Object[].class, types.length);
        return new RecordPlan(type, accessors, ctor);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null; // not open to us (InaccessibleObjectException) or odd: JDK serialization copes
      }
    }

    private static Class<?>[] objects(int n) {
      var a = new Class<?>[n];
      Arrays.fill(a, Object.class);
      return a;
    }

    /** Whether the class steers its own serialization, which only JDK serialization honours. */
    private static boolean customizes(Class<?> type) {
      for (String name : new String[] {"writeReplace", "readResolve"}) {
        try {
          type.getDeclaredMethod(name);
          return true;
        } catch (NoSuchMethodException e) {
          // not declared
        }
      }
      return false;
    }

    Object get(MethodHandle accessor, Object record) {
      try {
        return accessor.invokeExact(record);
      } catch (Throwable t) {
        throw asUnchecked(t, "reading a component of a " + record.getClass().getName());
      }
    }

    Object construct(Object[] components) {
      try {
        return constructor.invokeExact(components);
      } catch (Throwable t) {
        throw asUnchecked(t, "building a received record");
      }
    }

    private static RuntimeException asUnchecked(Throwable t, String doing) {
      if (t instanceof RuntimeException r) {
        return new PicklingException("failed " + doing + ": " + r, r);
      }
      if (t instanceof Error e) {
        throw e;
      }
      return new PicklingException("failed " + doing + ": " + t, t);
    }
  }

  /** The factories of the {@link Codec.Portable} classes, registered by the classes themselves. */
  static final class Portables {
    /** Every registered class and how it travels. */
    private static final Map<Class<?>, How> REGISTERED = new ConcurrentHashMap<>();
    /** The fields function of the classes that implement {@link Codec.Portable}. */
    static final java.util.function.Function<Object, Object[]> PORTABLE_FIELDS =
        v -> ((Codec.Portable) v).portableFields();

    /**
     * How a registered class travels: how to take an instance apart and build it again, whether
     * it is a handle of something in shared memory, and its name as written in messages.
     */
    record How(java.util.function.Function<Object, Object[]> fields, java.util.function.Function<Object[], ?> factory,
        boolean sharedMemory, byte[] name) {}

    /** {@link #REGISTERED}, looked up once per class (every portable message asks); null: not portable. */
    private static final ClassValue<How> HOW = new ClassValue<>() {
      @Override
      protected How computeValue(Class<?> c) {
        return REGISTERED.get(c);
      }
    };

    /** Registers {@code c}; forgets what was looked up for it before (a registration made late). */
    static void register(Class<?> c, java.util.function.Function<Object, Object[]> fields,
        java.util.function.Function<Object[], ?> factory, boolean sharedMemory) {
      REGISTERED.put(c, new How(fields, factory, sharedMemory, c.getName().getBytes(StandardCharsets.UTF_8)));
      HOW.remove(c);
    }

    /**
     * How {@code c} travels, or null when it has no portable form. Remembered per class: a class
     * registers in its own (or a superclass's) static initializer, which has finished before
     * another thread can hold an instance to encode.
     */
    static How howOf(Class<?> c) {
      return HOW.get(c);
    }

    /** The class's factory; initializes the class first (its static initializer registers it). */
    static java.util.function.Function<Object[], ?> factory(Class<?> c) throws ClassNotFoundException {
      How how = HOW.get(c);
      if (how == null) {
        Class.forName(c.getName(), true, c.getClassLoader());
        how = HOW.get(c);
        if (how == null) {
          throw new PicklingException("cannot build a " + c.getName() + ": it registered no factory here", null);
        }
      }
      return how.factory();
    }
  }


  /** Serializable lambdas, taken apart and rebuilt the way JDK serialization does it. */
  private static final class Lambdas {
    /** How to take apart a serializable lambda class, or null for other classes and closed modules. */
    static final ClassValue<Plan> PLANS = new ClassValue<>() {
      @Override
      protected Plan computeValue(Class<?> type) {
        if (!type.isHidden() || !type.isSynthetic() && !type.getName().contains("$$Lambda")
            || !Serializable.class.isAssignableFrom(type)) {
          return null;
        }
        try {
          Method m = type.getDeclaredMethod("writeReplace");
          m.setAccessible(true);
          return new Plan(MethodHandles.lookup().unreflect(m).asType(MethodType.methodType(Object.class, Object.class)));
        } catch (ReflectiveOperationException | RuntimeException e) {
          return null; // not a lambda, or its module is not open to us: JDK serialization copes
        }
      }
    };

    /**
     * One lambda class: its {@code writeReplace}, and the encoded part of its
     * {@link SerializedLambda} that is the same for every instance (the eight strings and the
     * impl kind), made on first use.
     */
    static final class Plan {
      private final MethodHandle writeReplace;
      private volatile byte[] header;

      Plan(MethodHandle writeReplace) {
        this.writeReplace = writeReplace;
      }

      SerializedLambda takeApart(Object lambda) {
        Object replaced;
        try {
          replaced = writeReplace.invokeExact(lambda);
        } catch (Throwable t) {
          throw new PicklingException("cannot take apart the lambda " + lambda.getClass().getName() + ": " + t, t);
        }
        if (replaced instanceof SerializedLambda sl) {
          return sl;
        }
        throw new PicklingException("the lambda " + lambda.getClass().getName() + " did not replace itself with a"
            + " SerializedLambda", null);
      }

      /** The strings in the order {@link #rebuild} takes them, then the impl kind. */
      byte[] header(SerializedLambda sl) {
        byte[] h = header;
        if (h == null) {
          var w = new Writer();
          for (String part : new String[] {sl.getCapturingClass(), sl.getFunctionalInterfaceClass(),
              sl.getFunctionalInterfaceMethodName(), sl.getFunctionalInterfaceMethodSignature(), sl.getImplClass(),
              sl.getImplMethodName(), sl.getImplMethodSignature(), sl.getInstantiatedMethodType()}) {
            w.putLengthAndBytes(part.getBytes(StandardCharsets.UTF_8));
          }
          w.putInt(sl.getImplMethodKind());
          h = header = w.toByteArray();
        }
        return h;
      }
    }

    /** Each capturing class's {@code $deserializeLambda$}. */
    private static final ClassValue<MethodHandle> DESERIALIZE = new ClassValue<>() {
      @Override
      protected MethodHandle computeValue(Class<?> type) {
        try {
          Method m = type.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
          m.setAccessible(true);
          return MethodHandles.lookup().unreflect(m).asType(MethodType.methodType(Object.class, SerializedLambda.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new PicklingException("cannot rebuild a lambda of " + type.getName() + ": its $deserializeLambda$"
              + " is missing or not accessible (" + e + "); open its package to org.multiprocessing4j", e);
        }
      }
    };
    /** Lambdas that captured nothing, rebuilt once: they have no state, so one instance serves all. */
    private static final Map<String, Object> STATELESS = new ConcurrentHashMap<>();
    private static final int MAX_STATELESS = 4096;

    /** Rebuilds from the eight strings in the encoded order, the impl kind and the captured values. */
    static Object rebuild(String[] p, int kind, Object[] captured) throws ClassNotFoundException {
      String key = null;
      if (captured.length == 0) {
        key = String.join("|", p) + "|" + kind;
        Object known = STATELESS.get(key);
        if (known != null) {
          return known;
        }
      }
      Class<?> capturing = Classes.resolve(p[0].replace('/', '.'));
      var sl = new SerializedLambda(capturing, p[1], p[2], p[3], kind, p[4], p[5], p[6], p[7], captured);
      Object lambda;
      try {
        lambda = DESERIALIZE.get(capturing).invokeExact(sl);
      } catch (PicklingException e) {
        throw e;
      } catch (Throwable t) {
        throw new PicklingException("cannot rebuild a lambda of " + capturing.getName() + " (" + p[5] + "): " + t
            + "; start the processes with the same class path", t);
      }
      if (key != null) {
        if (STATELESS.size() >= MAX_STATELESS) {
          STATELESS.clear();
        }
        STATELESS.put(key, lambda);
      }
      return lambda;
    }
  }

  /** Classes named in messages, looked up through the thread's context class loader. */
  static final class Classes {
    /** Lookups through the application class loader, the usual case. */
    private static final Map<String, Class<?>> APP = new ConcurrentHashMap<>();

    static Class<?> resolve(String name) throws ClassNotFoundException {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader == null || loader == ClassLoader.getSystemClassLoader()) {
        Class<?> c = APP.get(name);
        if (c == null) {
          c = Class.forName(name, false, ClassLoader.getSystemClassLoader());
          APP.put(name, c);
        }
        return c;
      }
      return Class.forName(name, false, loader);
    }
  }

  // ------------------------------------------------------------------------------ buffers

  private static final VarHandle SHORT_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** A growable byte array with big-endian puts. */
  static final class Writer {
    private byte[] buf = new byte[64];
    private int pos;
    /** Whether a {@link Codec#encode} call is using this writer (its thread's scratch writer). */
    boolean inUse;

    Writer put(byte b) {
      ensure(1);
      buf[pos++] = b;
      return this;
    }

    Writer putShort(short v) {
      ensure(2);
      SHORT_BE.set(buf, pos, v);
      pos += 2;
      return this;
    }

    Writer putInt(int v) {
      ensure(4);
      INT_BE.set(buf, pos, v);
      pos += 4;
      return this;
    }

    /** An int after {@link #ensure} made room for it. */
    void putIntUnchecked(int v) {
      INT_BE.set(buf, pos, v);
      pos += 4;
    }

    Writer putLong(long v) {
      ensure(8);
      LONG_BE.set(buf, pos, v);
      pos += 8;
      return this;
    }

    Writer putLengthAndBytes(byte[] b) {
      putInt(b.length);
      putBytes(b, 0, b.length);
      return this;
    }

    void putBytes(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, pos, len);
      pos += len;
    }

    /** Leaves room for an int to be {@link #patchInt patched} later; returns its position. */
    int reserveInt() {
      putInt(0);
      return pos - 4;
    }

    void patchInt(int at, int v) {
      INT_BE.set(buf, at, v);
    }

    int position() {
      return pos;
    }

    void reset() {
      pos = 0;
    }

    /** Empties the writer, and lets go of its buffer if it grew beyond {@code keep} bytes. */
    void trim(int keep) {
      pos = 0;
      if (buf.length > keep) {
        buf = new byte[64];
      }
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, pos);
    }

    OutputStream asStream() {
      return new OutputStream() {
        @Override
        public void write(int b) {
          put((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          putBytes(b, off, len);
        }
      };
    }

    void ensure(int n) {
      if (buf.length - pos < n) {
        long wanted = Math.max((long) buf.length * 2, (long) pos + n);
        if (wanted > Integer.MAX_VALUE - 16) {
          if ((long) pos + n > Integer.MAX_VALUE - 16) {
            throw new PicklingException("cannot encode a value of more than 2 GiB", null);
          }
          wanted = Integer.MAX_VALUE - 16;
        }
        buf = Arrays.copyOf(buf, (int) wanted);
      }
    }
  }

  /** Big-endian reads over part of an array; every read is bounds-checked. */
  static final class Reader {
    final byte[] data;
    int pos;
    private final int end;

    Reader(byte[] data, int offset, int length) {
      java.util.Objects.checkFromIndexSize(offset, length, data.length);
      this.data = data;
      this.pos = offset;
      this.end = offset + length;
    }

    int remaining() {
      return end - pos;
    }

    private int take(int n) {
      int at = pos;
      java.util.Objects.checkFromIndexSize(at, n, end);
      pos = at + n;
      return at;
    }

    void skip(int n) {
      take(n);
    }

    byte get() {
      return data[take(1)];
    }

    short getShort() {
      return (short) SHORT_BE.get(data, take(2));
    }

    int getInt() {
      return (int) INT_BE.get(data, take(4));
    }

    /** Fails unless {@code n} more bytes are there. */
    void checkRemaining(long n) {
      if (n > remaining()) {
        throw new IndexOutOfBoundsException("needs " + n + " more bytes, has " + remaining());
      }
    }

    /** An int after {@link #checkRemaining} said it is there. */
    int getIntUnchecked() {
      int v = (int) INT_BE.get(data, pos);
      pos += 4;
      return v;
    }

    long getLong() {
      return (long) LONG_BE.get(data, take(8));
    }

    /** A byte length that must fit in what is left and be a multiple of {@code unit}. */
    int getLength(int unit) {
      int n = getInt();
      if (n < 0 || n > remaining() || n % unit != 0) {
        throw new IndexOutOfBoundsException("bad length " + n);
      }
      return n;
    }

    /** An element count: each element takes at least one byte. */
    int getCount() {
      return getLength(1);
    }

    byte[] getBytes(int n) {
      int at = take(n);
      return Arrays.copyOfRange(data, at, at + n);
    }

    String getString() {
      int n = getLength(1);
      int at = take(n);
      return new String(data, at, n, StandardCharsets.UTF_8);
    }

    /**
     * Reads a class name and resolves it ({@link Classes#resolve}). The classes met through the
     * application class loader are remembered by their name's bytes: a channel's messages name
     * the same few classes over and over, and this skips building a string and a map lookup.
     */
    Class<?> getClassByName() throws ClassNotFoundException {
      int n = getLength(1);
      int at = take(n);
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader != null && loader != ClassLoader.getSystemClassLoader()) {
        return Classes.resolve(new String(data, at, n, StandardCharsets.UTF_8));
      }
      int h = n;
      for (int i = at; i < at + n; i++) {
        h = 31 * h + data[i];
      }
      int slot = (h ^ (h >>> 16)) & (KNOWN_CLASSES.length - 1);
      KnownClass k = KNOWN_CLASSES[slot];
      if (k != null && Arrays.equals(data, at, at + n, k.name, 0, k.name.length)) {
        return k.type;
      }
      Class<?> c = Classes.resolve(new String(data, at, n, StandardCharsets.UTF_8));
      KNOWN_CLASSES[slot] = new KnownClass(Arrays.copyOfRange(data, at, at + n), c);
      return c;
    }
  }

  /** A class name's bytes and the class (immutable: a racy publication of one is safe). */
  private record KnownClass(byte[] name, Class<?> type) {}

  /** {@link Reader#getClassByName}'s memory: 32 slots chosen by hash, a newcomer replaces the slot's holder. */
  private static final KnownClass[] KNOWN_CLASSES = new KnownClass[32];
}
