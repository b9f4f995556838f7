package org.multiprocessing4j.internal.sync;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import org.multiprocessing4j.internal.pickle.Codec;
import org.multiprocessing4j.internal.shm.ShmSegment;

/**
 * What every synchronization handle of this package shares: one process's handle of an object
 * that lives in a shared-memory segment of its own. It keeps the segment mapped until
 * {@link #close()}, refuses to be used after that ({@link #checkOpen()}), is equal to every other
 * handle of the same class and segment, and travels between processes as the segment's name.
 *
 * <p>Travelling form: the segment's name and what else the class needs to attach
 * ({@link #how()}). In the codec that is the handle's portable form ({@link #portableFields()}; no
 * JDK serialization, which a young JVM pays ~40 ms to set up); inside a value that goes through
 * JDK serialization, {@link #writeReplace()} sends the same ({@link Codec#jdkForm}). The receiver attaches
 * a new handle of the same object, except while {@link Codec#warmingUp()}: a warm spare decoding a
 * hint must not attach (see {@code Codec.decodeToWarmUp}), so it gets null. A handle's own fields
 * never travel; a stream that holds them is refused.
 */
abstract sealed class ShmHandle implements Serializable, Codec.Portable
    permits ShmAcquirable, ShmEvent, ShmBarrier, ShmCondition {
  @Serial private static final long serialVersionUID = 1L;

  static {
    // every concrete handle class; a receiver that initializes one of them runs this first
    for (Class<?> c : java.util.List.of(ShmLock.class, ShmRLock.class, ShmSemaphore.class, ShmSemaphore.Bounded.class,
        ShmEvent.class, ShmBarrier.class, ShmCondition.class)) {
      registerPortable(c);
    }
  }

  final String name;
  final transient ShmSegment segment;
  final transient MemorySegment words;
  private transient volatile boolean closed;

  ShmHandle(ShmSegment segment) {
    this.name = segment.name();
    this.segment = segment;
    this.words = segment.payload();
  }

  /** The type's name in messages: "Lock", "BoundedSemaphore", "Event"... */
  abstract String kind();

  /** What this is a handle of, in messages: "lock", "semaphore", "event"... */
  abstract String noun();

  /** What the receiving process needs besides the segment's name to attach a handle (its portable form). */
  abstract Attach how();

  /** The segment's name in /dev/shm (a condition's lock has a segment of its own). */
  public String segmentName() {
    return name;
  }

  /**
   * Lets go of this handle: unmaps the segment (see {@link ShmSegment#close()}), then
   * {@link #closeAlso()}. A second call does nothing.
   */
  public final void close() {
    if (!closed) {
      closed = true;
      try {
        segment.close();
      } finally {
        closeAlso();
      }
    }
  }

  /** What else {@link #close()} lets go of: nothing, unless the handle holds another one. */
  void closeAlso() {}

  final void checkOpen() {
    if (closed) {
      throw new IllegalStateException(kind() + " " + name + ": this handle is closed; use another handle of the " + noun());
    }
  }

  final boolean isClosed() {
    return closed;
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof ShmHandle other && other.getClass() == getClass() && other.name.equals(name);
  }

  @Override
  public final int hashCode() {
    return name.hashCode();
  }

  /**
   * The portable form (Python: what {@code SemLock.__getstate__} pickles, a handle to the same
   * semaphore): the segment's name and {@link #how()}; the receiver attaches (see {@link ShmSegment}).
   */
  @Override
  public final Object[] portableFields() {
    checkOpen();
    return new Object[] {name, how()};
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void registerPortable(Class<?> type) {
    Codec.registerPortable((Class) type, Attacher.INSTANCE);
  }

  /** Builds the receiving process's handle from the portable form. */
  private static final class Attacher implements java.util.function.Function<Object[], ShmHandle> {
    static final Attacher INSTANCE = new Attacher();

    @Override
    public ShmHandle apply(Object[] fields) {
      return Codec.warmingUp() ? null : ((Attach) fields[1]).attach((String) fields[0]); // null: see Codec.decodeToWarmUp
    }
  }

  /** Inside a value that goes through JDK serialization: the portable form (see {@link Codec#jdkForm}). */
  @Serial
  final Object writeReplace() {
    return Codec.jdkForm(this);
  }

  @Serial
  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    String noun = noun();
    String article = "aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ";
    throw new InvalidObjectException(article + noun + " travels as its segment's name, not its fields");
  }

  /** How a receiving process attaches a handle, given its segment's name. */
  interface Attach extends Serializable {
    ShmHandle attach(String name);
  }

  /** The {@link Attach} of the classes that need nothing but the segment's name. */
  enum ByName implements Attach {
    LOCK,
    RLOCK,
    SEMAPHORE,
    EVENT;

    @Override
    public ShmHandle attach(String name) {
      return switch (this) {
        case LOCK -> ShmLock.attach(name);
        case RLOCK -> ShmRLock.attach(name);
        case SEMAPHORE -> ShmSemaphore.attach(name);
        case EVENT -> ShmEvent.attach(name);
      };
    }
  }
}
