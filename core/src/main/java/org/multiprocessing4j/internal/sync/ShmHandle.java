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
 * <p>Serialized form. {@link #writeReplace()} sends a {@link Ref}: the segment's name and what
 * else the class needs to attach ({@link #how()}). The receiver's {@code readResolve} attaches a
 * new handle of the same object, except while {@link Codec#warmingUp()}: a warm spare decoding a
 * hint must not attach (see {@code Codec.decodeToWarmUp}), so it gets null. A handle's own fields
 * never travel; a stream that holds them is refused.
 */
abstract sealed class ShmHandle implements Serializable permits ShmAcquirable, ShmEvent, ShmBarrier, ShmCondition {
  @Serial private static final long serialVersionUID = 1L;

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

  /** What the receiving process needs besides the segment's name to attach a handle; see {@link Ref}. */
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

  /** Travels as its segment's name (and {@link #how()}); the receiver attaches (see {@link ShmSegment}). */
  @Serial
  final Object writeReplace() {
    checkOpen();
    return new Ref(name, how());
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

  /** The serialized form of every handle. */
  private record Ref(String name, Attach how) implements Serializable {
    @Serial
    private Object readResolve() {
      return Codec.warmingUp() ? null : how.attach(name); // null: see Codec.decodeToWarmUp
    }
  }
}
