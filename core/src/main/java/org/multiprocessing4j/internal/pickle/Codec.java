package org.multiprocessing4j.internal.pickle;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.multiprocessing4j.PicklingException;

/**
 * The codec that moves objects between JVMs: this library's "pickle".
 *
 * <p>Encoded form: one tag byte, then the value. Common immutable values (null, boxed primitives,
 * {@link String}, {@code byte[]}, {@code int[]}, {@code long[]}, {@code double[]}) have a compact
 * tagged form that costs no reflection and no class descriptors; everything else goes through JDK
 * serialization behind the {@link #TAG_JAVA} tag. Serializable lambdas, records, collections and
 * exceptions (with cause and stack trace) round-trip.
 *
 * <p>A value that cannot be serialized fails in the sender with a {@link PicklingException} that
 * names the class at fault, never as a failure in the receiver.
 *
 * <p>Thread-safe: the codec keeps no state between calls.
 */
public final class Codec {
  // Tag bytes of the encoded form. Stable: they are part of the format two JVMs exchange.
  static final byte TAG_NULL = 0;
  static final byte TAG_TRUE = 1;
  static final byte TAG_FALSE = 2;
  static final byte TAG_INT = 3;
  static final byte TAG_LONG = 4;
  static final byte TAG_DOUBLE = 5;
  static final byte TAG_FLOAT = 6;
  static final byte TAG_SHORT = 7;
  static final byte TAG_BYTE = 8;
  static final byte TAG_CHAR = 9;
  static final byte TAG_STRING = 10;
  static final byte TAG_BYTES = 11;
  static final byte TAG_INTS = 12;
  static final byte TAG_LONGS = 13;
  static final byte TAG_DOUBLES = 14;
  static final byte TAG_JAVA = 15;

  /** Handles met while encoding a process for a child: see {@link #collectSent()}. */
  private static final ThreadLocal<List<Transferable>> SENT = new ThreadLocal<>();

  /**
   * A handle that must be told which process receives it (a pipe end counts its holders per
   * process). {@code Process.start()} reserves it for the child before the child attaches.
   */
  public interface Transferable {
    /** Counts process {@code pid} as holding this handle until it attaches (or dies). */
    void reserveFor(long pid);
  }

  /**
   * Starts collecting the {@link Transferable} handles that this thread serializes, until the
   * returned list is passed to {@link #stopCollecting}.
   */
  public static List<Transferable> collectSent() {
    var list = new java.util.ArrayList<Transferable>();
    SENT.set(list);
    return list;
  }

  /** Stops collecting (see {@link #collectSent()}). */
  public static void stopCollecting() {
    SENT.remove();
  }

  /** Called by a {@link Transferable} handle's {@code writeReplace}. */
  public static void noteSent(Transferable handle) {
    List<Transferable> list = SENT.get();
    if (list != null) {
      list.add(handle);
    }
  }

  /** Set while a warm spare decodes a hint: handles must not attach to anything then. */
  private static final ThreadLocal<Boolean> WARMING_UP = ThreadLocal.withInitial(() -> Boolean.FALSE);

  private Codec() {}

  /**
   * Decodes {@code data} only to load and link the classes it names (a warm spare's hint). Handles
   * to shared objects met on the way must not attach (they would hold the object alive in an idle
   * JVM): their {@code readResolve} checks {@link #warmingUp()} and returns a placeholder.
   */
  public static void decodeToWarmUp(byte[] data) {
    WARMING_UP.set(Boolean.TRUE);
    try {
      decode(data);
    } finally {
      WARMING_UP.set(Boolean.FALSE);
    }
  }

  /** Whether this thread decodes a hint: see {@link #decodeToWarmUp}. */
  public static boolean warmingUp() {
    return WARMING_UP.get();
  }

  /**
   * Encodes {@code value}.
   *
   * @param what what the value is, for the error message ("the target of Process-1")
   * @throws PicklingException naming the class that cannot be serialized
   */
  public static byte[] encode(Object value, String what) {
    var out = new ByteArrayOutputStream(64);
    encodeTo(value, out, what);
    return out.toByteArray();
  }

  /** Encodes {@code value} at the end of {@code out}; see {@link #encode(Object, String)}. */
  public static void encodeTo(Object value, ByteArrayOutputStream out, String what) {
    switch (value) {
      case null -> out.write(TAG_NULL);
      case Boolean b -> out.write(b ? TAG_TRUE : TAG_FALSE);
      case Integer i -> writeTagged(out, TAG_INT, ByteBuffer.allocate(Integer.BYTES).putInt(i));
      case Long l -> writeTagged(out, TAG_LONG, ByteBuffer.allocate(Long.BYTES).putLong(l));
      case Double d -> writeTagged(out, TAG_DOUBLE, ByteBuffer.allocate(Double.BYTES).putDouble(d));
      case Float f -> writeTagged(out, TAG_FLOAT, ByteBuffer.allocate(Float.BYTES).putFloat(f));
      case Short s -> writeTagged(out, TAG_SHORT, ByteBuffer.allocate(Short.BYTES).putShort(s));
      case Byte b -> writeTagged(out, TAG_BYTE, ByteBuffer.allocate(Byte.BYTES).put(b));
      case Character c -> writeTagged(out, TAG_CHAR, ByteBuffer.allocate(Character.BYTES).putChar(c));
      case String s -> writeBytes(out, TAG_STRING, s.getBytes(StandardCharsets.UTF_8));
      case byte[] b -> writeBytes(out, TAG_BYTES, b);
      case int[] a -> {
        var buf = ByteBuffer.allocate(a.length * Integer.BYTES);
        buf.asIntBuffer().put(a);
        writeBytes(out, TAG_INTS, buf.array());
      }
      case long[] a -> {
        var buf = ByteBuffer.allocate(a.length * Long.BYTES);
        buf.asLongBuffer().put(a);
        writeBytes(out, TAG_LONGS, buf.array());
      }
      case double[] a -> {
        var buf = ByteBuffer.allocate(a.length * Double.BYTES);
        buf.asDoubleBuffer().put(a);
        writeBytes(out, TAG_DOUBLES, buf.array());
      }
      default -> {
        out.write(TAG_JAVA);
        try (var oos = new ObjectOutputStream(out)) {
          oos.writeObject(value);
        } catch (NotSerializableException e) {
          throw notSerializable(what, value, e.getMessage(), e);
        } catch (InvalidClassException e) {
          throw notSerializable(what, value, e.classname, e);
        } catch (IOException e) {
          throw new PicklingException("cannot serialize " + what + " (" + value.getClass().getName()
              + "): " + e, e);
        }
      }
    }
  }

  private static PicklingException notSerializable(String what, Object value, String culprit,
      Exception cause) {
    String hint = culprit != null && culprit.contains("$$Lambda")
        ? " A lambda is serializable only when its target type is: declare it as one of the types"
            + " in org.multiprocessing4j.function (SerializableRunnable, SerializableFunction, ...)."
        : " Make it implement java.io.Serializable, mark the field that holds it transient, or"
            + " capture only serializable values.";
    return new PicklingException("cannot send " + what + " (" + value.getClass().getName()
        + ") to another process: class " + culprit + " is not serializable." + hint, cause);
  }

  private static void writeTagged(ByteArrayOutputStream out, byte tag, ByteBuffer filled) {
    out.write(tag);
    out.writeBytes(filled.array());
  }

  private static void writeBytes(ByteArrayOutputStream out, byte tag, byte[] bytes) {
    out.write(tag);
    out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
    out.writeBytes(bytes);
  }

  /** Decodes a whole array produced by {@link #encode}. */
  public static Object decode(byte[] data) {
    return decode(data, 0, data.length);
  }

  /**
   * Decodes {@code length} bytes at {@code offset} produced by {@link #encode}.
   *
   * @throws PicklingException when a class is missing here or the bytes are not an encoding
   */
  public static Object decode(byte[] data, int offset, int length) {
    if (length < 1) {
      throw new PicklingException("cannot decode an empty message", null);
    }
    var buf = ByteBuffer.wrap(data, offset + 1, length - 1);
    return switch (data[offset]) {
      case TAG_NULL -> null;
      case TAG_TRUE -> Boolean.TRUE;
      case TAG_FALSE -> Boolean.FALSE;
      case TAG_INT -> buf.getInt();
      case TAG_LONG -> buf.getLong();
      case TAG_DOUBLE -> buf.getDouble();
      case TAG_FLOAT -> buf.getFloat();
      case TAG_SHORT -> buf.getShort();
      case TAG_BYTE -> buf.get();
      case TAG_CHAR -> buf.getChar();
      case TAG_STRING -> new String(data, offset + 5, buf.getInt(), StandardCharsets.UTF_8);
      case TAG_BYTES -> {
        byte[] b = new byte[buf.getInt()];
        buf.get(b);
        yield b;
      }
      case TAG_INTS -> {
        int[] a = new int[buf.getInt() / Integer.BYTES];
        buf.asIntBuffer().get(a);
        yield a;
      }
      case TAG_LONGS -> {
        long[] a = new long[buf.getInt() / Long.BYTES];
        buf.asLongBuffer().get(a);
        yield a;
      }
      case TAG_DOUBLES -> {
        double[] a = new double[buf.getInt() / Double.BYTES];
        buf.asDoubleBuffer().get(a);
        yield a;
      }
      case TAG_JAVA -> {
        try (var ois = new ContextObjectInputStream(
            new ByteArrayInputStream(data, offset + 1, length - 1))) {
          yield ois.readObject();
        } catch (ClassNotFoundException e) {
          throw new PicklingException("cannot receive an object of class " + e.getMessage()
              + ": the class is not on this process's class path; start the processes with the"
              + " same class path", e);
        } catch (IOException e) {
          throw new PicklingException("cannot deserialize a received object: " + e, e);
        }
      }
      default -> throw new PicklingException(
          "cannot decode a message starting with byte " + data[offset] + ": not this codec's format", null);
    };
  }

  /** Object input that resolves classes through the thread's context class loader first. */
  private static final class ContextObjectInputStream extends ObjectInputStream {
    ContextObjectInputStream(ByteArrayInputStream in) throws IOException {
      super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader != null) {
        try {
          return Class.forName(desc.getName(), false, loader);
        } catch (ClassNotFoundException e) {
          // fall back to the default resolution below (primitives, the caller's loader)
        }
      }
      return super.resolveClass(desc);
    }
  }

}
