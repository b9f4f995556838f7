package org.multiprocessing4j.internal.pickle;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.util.List;
import org.multiprocessing4j.PicklingException;

/**
 * The codec that moves objects between JVMs: this library's "pickle".
 *
 * <p>Encoded form: one tag byte, then the value. Common values have a compact tagged form that
 * costs no reflection per message and no class descriptors: null, boxed primitives,
 * {@link String}, {@code byte[]}, {@code int[]}, {@code long[]}, {@code double[]}, {@code Object[]},
 * {@link java.util.ArrayList}, the immutable lists of {@link List#of}, {@link java.util.HashMap},
 * {@link java.util.LinkedHashMap}, {@link java.util.HashSet}, {@link java.util.LinkedHashSet},
 * enum constants and serializable records (see {@link Tagged}). Everything else goes through JDK
 * serialization: the whole value behind the {@link Tagged#JAVA} tag, or, inside a tagged
 * container or record, that part alone behind {@link Tagged#JAVA_PART}. Serializable lambdas,
 * records, collections and exceptions (with cause and stack trace) round-trip.
 *
 * <p>Object identity is kept as JDK serialization keeps it: when one mutable object (a container,
 * a record, anything that went through JDK serialization) is reachable twice in a value, or the
 * value has a cycle, the whole value is encoded with JDK serialization, which preserves sharing.
 *
 * <p>A value that cannot be serialized fails in the sender with a {@link PicklingException} that
 * names the class at fault, never as a failure in the receiver.
 *
 * <p>Thread-safe: the codec keeps no state between calls beyond caches of class metadata and
 * each thread's encoding buffer (reused, at most 256 KiB kept).
 */
public final class Codec {
  /** Handles met while encoding a process for a child: see {@link #collectSent()}. */
  private static final ThreadLocal<Sent> SENT = new ThreadLocal<>();

  /**
   * Each thread's encoding buffer, reused from message to message: a fresh one would be grown by
   * doubling for every message (a pool's chunk of 10,000 ints allocated ~120 KiB of buffers to
   * send 50 KiB). An anonymous class, not {@code withInitial(lambda)}: a young child JVM would
   * spin a class for the lambda.
   */
  private static final ThreadLocal<Tagged.Writer> SCRATCH = new ThreadLocal<>() {
    @Override
    protected Tagged.Writer initialValue() {
      return new Tagged.Writer();
    }
  };
  /** A scratch buffer grown beyond this is let go after its message, so one big message pins no memory. */
  private static final int SCRATCH_KEEP = 256 * 1024;

  /**
   * What a process's encoding holds that matters to its start: the {@link Transferable} handles
   * to reserve for the child, and whether it holds any handle of something in shared memory (a
   * queue, lock, pipe end, shared value...; the child is then started with the AOT cache that
   * has the shared-memory machinery in it).
   */
  public static final class Sent {
    private final List<Transferable> handles = new java.util.ArrayList<>();
    private boolean sharedMemory;

    /** The transferable handles met, each once. */
    public List<Transferable> handles() {
      return handles;
    }

    /** Whether a handle of something in shared memory was met. */
    public boolean sharedMemory() {
      return sharedMemory;
    }
  }

  /**
   * A handle that must be told which process receives it (a pipe end counts its holders per
   * process). {@code Process.start()} reserves it for the child before the child attaches.
   */
  public interface Transferable {
    /** Counts process {@code pid} as holding this handle until it attaches (or dies). */
    void reserveFor(long pid);
  }

  /**
   * Starts noting what this thread serializes ({@link Sent}), until {@link #stopCollecting}.
   */
  public static Sent collectSent() {
    var sent = new Sent();
    SENT.set(sent);
    return sent;
  }

  /** Stops collecting (see {@link #collectSent()}). */
  public static void stopCollecting() {
    SENT.remove();
  }

  /** Called by a {@link Transferable} handle when it is written ({@code portableFields} or {@code writeReplace}). */
  public static void noteSent(Transferable handle) {
    Sent sent = SENT.get();
    // once per handle: a value the tagged encoding gives up on is written again by JDK serialization
    if (sent != null) {
      sent.sharedMemory = true; // pipe ends are rings in shared memory
      if (sent.handles.stream().noneMatch(h -> h == handle)) {
        sent.handles.add(handle);
      }
    }
  }

  /**
   * What a portable value's {@code writeReplace} returns: its portable form for JDK serialization
   * (inside a value the tagged encoding gives up on, such as a {@code Process} subclass holding a
   * queue). Deserializing it builds the value through its registered factory, as the tagged
   * decoding does, so the attach logic (and its warm-up exception) lives in one place per class.
   *
   * @throws IllegalStateException when the class registered no portable form
   */
  public static Object jdkForm(Object portable) {
    Tagged.Portables.How how = Tagged.Portables.howOf(portable.getClass());
    if (how == null) {
      throw new IllegalStateException(portable.getClass().getName() + " registered no portable form");
    }
    if (how.sharedMemory()) {
      noteSharedMemory();
    }
    return new JdkForm(portable.getClass().getName(), how.fields().apply(portable));
  }

  /** A portable value inside JDK serialization: its class and fields (see {@link #jdkForm}). */
  private record JdkForm(String type, Object[] fields) implements java.io.Serializable {
    @java.io.Serial
    private Object readResolve() throws java.io.ObjectStreamException {
      try {
        return Tagged.Portables.factory(Tagged.Classes.resolve(type)).apply(fields);
      } catch (ClassNotFoundException e) {
        var failure = new InvalidClassException(type, "not on this process's class path");
        failure.initCause(e);
        throw failure;
      }
    }
  }

  /** Notes that a handle of something in shared memory is being serialized (see {@link Sent}). */
  static void noteSharedMemory() {
    Sent sent = SENT.get();
    if (sent != null) {
      sent.sharedMemory = true;
    }
  }

  /**
   * A value the codec takes apart and builds again without reflection: its class gives its fields
   * in a fixed order and registers, in its static initializer, a factory that builds it from them
   * ({@link #registerPortable}). For the library's own messages, which a young JVM must encode and
   * decode before it has set up the reflection that records need (each record class costs it
   * method-handle classes, milliseconds and memory).
   */
  public interface Portable {
    /** The values this object is made of, in the order its factory takes them. */
    Object[] portableFields();
  }

  /**
   * A random-access {@link List} the codec sends in the compact form of an {@link java.util.ArrayList},
   * which it arrives as: the list a pool's {@code map} returns (without it, such a list went
   * through JDK serialization: 2.5 times the bytes of a list of ints).
   */
  public interface SentAsArrayList extends java.util.RandomAccess {}

  /**
   * Registers how to build a {@link Portable} handle of something in shared memory (a queue, a
   * lock, a pipe end, a shared value), or a part of one, from its fields; call it from the
   * class's static initializer.
   */
  public static <T extends Portable> void registerPortable(Class<T> type, java.util.function.Function<Object[], T> factory) {
    Tagged.Portables.register(type, Tagged.Portables.PORTABLE_FIELDS, factory, true);
  }

  /**
   * Registers how to build a {@link Portable} message (a pool message, a process's travelling
   * form: not a handle of something in shared memory) from its fields; call it from the class's
   * static initializer.
   */
  public static <T extends Portable> void registerMessage(Class<T> type, java.util.function.Function<Object[], T> factory) {
    Tagged.Portables.register(type, Tagged.Portables.PORTABLE_FIELDS, factory, false);
  }

  /**
   * The portable form of a public class that should not show a {@code portableFields()} method
   * to its users ({@code SharedMemory}): how to take an instance apart and how to build it again.
   * Call it from the class's static initializer.
   */
  @SuppressWarnings("unchecked")
  public static <T> void registerPortable(Class<T> type, java.util.function.Function<? super T, Object[]> fields,
      java.util.function.Function<Object[], T> factory) {
    Tagged.Portables.register(type, (java.util.function.Function<Object, Object[]>) fields, factory, true);
  }

  /** Set while a warm spare decodes a hint: handles must not attach to anything then. */
  private static final ThreadLocal<Boolean> WARMING_UP = ThreadLocal.withInitial(() -> Boolean.FALSE);

  private Codec() {}

  /**
   * Decodes {@code data} only to load and link the classes it names (a warm spare's hint). Handles
   * to shared objects met on the way must not attach (they would hold the object alive in an idle
   * JVM): their portable factories and {@code readResolve} methods check {@link #warmingUp()} and
   * return a placeholder (null).
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
    return encode(value, what, "");
  }

  /**
   * Encodes {@code value}; an error message names it as {@code what + on}, a string built only
   * when there is an error (queues and connections encode every message with it).
   *
   * @param what the start of the description ("an item put on ")
   * @param on the object the value travels on, described by its {@code toString}
   * @throws PicklingException naming the class that cannot be serialized
   */
  public static byte[] encode(Object value, String what, Object on) {
    Tagged.Writer out = SCRATCH.get();
    if (out.inUse) {
      out = new Tagged.Writer(); // an encoding inside an encoding (a writeReplace that encodes)
    }
    out.inUse = true;
    out.reset();
    try {
      if (!Tagged.encode(value, out)) {
        out.reset();
        Tagged.encodeWholeWithJdk(value, out);
      }
      return out.toByteArray();
    } catch (NotSerializableException e) {
      throw notSerializable(what + on, value, e.getMessage(), e);
    } catch (InvalidClassException e) {
      throw notSerializable(what + on, value, e.classname, e);
    } catch (IOException e) {
      throw new PicklingException("cannot serialize " + what + on + " (" + value.getClass().getName() + "): " + e, e);
    } finally {
      out.inUse = false;
      out.trim(SCRATCH_KEEP);
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
    try {
      var in = new Tagged.Reader(data, offset, length);
      Object value = Tagged.decode(in);
      if (in.remaining() != 0) {
        throw new PicklingException("cannot decode a message: " + in.remaining() + " bytes left over after its value"
            + " (not this codec's format)", null);
      }
      return value;
    } catch (ClassNotFoundException e) {
      throw new PicklingException("cannot receive an object of class " + e.getMessage()
          + ": the class is not on this process's class path; start the processes with the"
          + " same class path", e);
    } catch (IOException e) {
      throw new PicklingException("cannot deserialize a received object: " + e, e);
    } catch (IndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new PicklingException("cannot decode a message: it ends too early or a length in it is wrong"
          + " (not this codec's format, or cut short)", e);
    }
  }

  /** Object input that resolves classes through the thread's context class loader first. */
  static final class ContextObjectInputStream extends ObjectInputStream {
    ContextObjectInputStream(ByteArrayInputStream in) throws IOException {
      super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Tagged.Classes.resolve(desc.getName());
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc); // primitives, the caller's loader
      }
    }
  }
}
