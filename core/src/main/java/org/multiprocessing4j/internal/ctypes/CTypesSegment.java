package org.multiprocessing4j.internal.ctypes;

import static org.multiprocessing4j.internal.ctypes.CTypesDescriptor.ELEMENT_SIZE;
import static org.multiprocessing4j.internal.ctypes.CTypesDescriptor.FINGERPRINT;
import static org.multiprocessing4j.internal.ctypes.CTypesDescriptor.LENGTH;
import static org.multiprocessing4j.internal.ctypes.CTypesDescriptor.MAGIC;
import static org.multiprocessing4j.internal.ctypes.CTypesDescriptor.MAGIC_OFFSET;
import static org.multiprocessing4j.internal.ctypes.CTypesDescriptor.SHAPE;
import static org.multiprocessing4j.internal.ctypes.CTypesDescriptor.TYPECODE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import org.multiprocessing4j.internal.shm.ShmSegment;

/**
 * Makes and attaches the segments of {@code sharedctypes} objects, laid out by
 * {@link CTypesDescriptor}: the creator writes the header, an attacher checks it against what
 * its handle says the object is.
 */
public final class CTypesSegment {
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

  private CTypesSegment() {}

  /** What a segment holds; an attacher's expectation and a creator's header. */
  public record Shape(int shape, char typecode, int elementSize, long length, long fingerprint) {
    String describe() {
      return (shape == CTypesDescriptor.SHAPE_VALUE ? "a Value" : "an Array of " + length) + " of typecode '" + typecode
          + "' (" + elementSize + " bytes" + (fingerprint != 0 ? ", struct " + Long.toHexString(fingerprint) : "") + ")";
    }
  }

  /** A new zeroed segment for {@code shape}, its header written. */
  public static ShmSegment create(Shape shape) {
    ShmSegment seg = ShmSegment.create(CTypesDescriptor.payloadSize(shape.elementSize(), shape.length()));
    MemorySegment p = seg.payload();
    p.set(ValueLayout.JAVA_INT, SHAPE, shape.shape());
    p.set(ValueLayout.JAVA_INT, TYPECODE, shape.typecode());
    p.set(ValueLayout.JAVA_INT, ELEMENT_SIZE, shape.elementSize());
    p.set(ValueLayout.JAVA_LONG, LENGTH, shape.length());
    p.set(ValueLayout.JAVA_LONG, FINGERPRINT, shape.fingerprint());
    INT.setRelease(p, MAGIC_OFFSET, MAGIC);
    return seg;
  }

  /**
   * Attaches the segment {@code name} and checks that it holds {@code expected}.
   *
   * @throws java.io.UncheckedIOException when no such segment exists any more
   * @throws IllegalStateException when it holds something else
   */
  public static ShmSegment attach(String name, Shape expected) {
    ShmSegment seg = ShmSegment.attach(name);
    try {
      MemorySegment p = seg.payload();
      if (seg.payloadSize() < CTypesDescriptor.payloadSize(expected.elementSize(), expected.length())
          || (int) INT.getAcquire(p, MAGIC_OFFSET) != MAGIC) {
        throw new IllegalStateException("shared memory segment " + name + " does not hold a sharedctypes object");
      }
      Shape found = new Shape(p.get(ValueLayout.JAVA_INT, SHAPE), (char) p.get(ValueLayout.JAVA_INT, TYPECODE),
          p.get(ValueLayout.JAVA_INT, ELEMENT_SIZE), p.get(ValueLayout.JAVA_LONG, LENGTH),
          p.get(ValueLayout.JAVA_LONG, FINGERPRINT));
      if (!found.equals(expected)) {
        throw new IllegalStateException("shared memory segment " + name + " holds " + found.describe()
            + ", but the handle sent for it says " + expected.describe()
            + "; do not mix library versions or class versions in one process tree");
      }
      return seg;
    } catch (RuntimeException e) {
      seg.close();
      throw e;
    }
  }
}
