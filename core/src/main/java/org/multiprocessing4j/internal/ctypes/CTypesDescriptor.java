package org.multiprocessing4j.internal.ctypes;

import org.multiprocessing4j.internal.sync.EmbeddedLocks;

/**
 * The layout of the payload of a {@code sharedctypes} segment: one {@code Value} or {@code Array}
 * (Agrona's descriptor style). Offsets in bytes from the start of the payload (which is itself
 * 64-byte aligned, see {@code SegmentDescriptor}); all words native-endian and naturally aligned.
 *
 * <pre>
 *    0 +----------------------------------------+
 *      | LOCK: an RLock's words (LockDescriptor)  |  the object's own lock when made with lock=true or by
 *      |                                          |  the first synchronize() of the raw object; all zero
 *      |                                          |  otherwise (raw, or a lock given by the caller)
 *   64 +--------------------+-------------------+
 *      | MAGIC (int)        | SHAPE (int)        |  "CTYP" | {@link #SHAPE_VALUE} or {@link #SHAPE_ARRAY}
 *   72 +--------------------+-------------------+
 *      | TYPECODE (int)     | ELEMENT SIZE (int) |  array-module typecode ('T' for a struct) | sizeof
 *   80 +--------------------+-------------------+
 *      | LENGTH (long): elements (1 for a Value) |
 *   88 +----------------------------------------+
 *      | TYPE FINGERPRINT (long)                 |  a struct's class and field layout; 0 for scalars
 *   96 +----------------------------------------+
 *      | reserved (zero)                         |
 *  128 +----------------------------------------+
 *      | DATA: LENGTH elements, each ELEMENT SIZE |  element i at DATA + i * ELEMENT SIZE; a struct's
 *      | bytes (C layout, natural alignment)      |  fields at their C offsets inside it
 *      +----------------------------------------+  padded to a multiple of {@link #DATA_PADDING}
 * </pre>
 *
 * <ul>
 *   <li>LOCK comes first so that the lock is an ordinary {@code RLock} reattached by the
 *       segment's name ({@link EmbeddedLocks}): taking the lock and touching the data stay in one
 *       mapping, on neighbouring cache lines.
 *   <li>MAGIC ... TYPE FINGERPRINT: written once by the creator before anyone else knows the
 *       name; an attacher checks them against the handle it was sent, so a handle never reads
 *       another object's bytes as its own.
 *   <li>DATA is padded to whole 8-byte words so that the lock-free operations on 1- and 2-byte
 *       integers can compare-and-set the aligned int that contains them.
 * </ul>
 */
public final class CTypesDescriptor {
  /** "CTYP" in ASCII, read as a big-endian int. */
  public static final int MAGIC = 0x43545950;

  /** Offset of the embedded lock's words. */
  public static final long LOCK = 0;
  /** Offset of the magic int. */
  public static final long MAGIC_OFFSET = LOCK + EmbeddedLocks.LENGTH;
  /** Offset of the shape int. */
  public static final long SHAPE = MAGIC_OFFSET + Integer.BYTES;
  /** Offset of the typecode int. */
  public static final long TYPECODE = SHAPE + Integer.BYTES;
  /** Offset of the element-size int. */
  public static final long ELEMENT_SIZE = TYPECODE + Integer.BYTES;
  /** Offset of the length long. */
  public static final long LENGTH = ELEMENT_SIZE + Integer.BYTES;
  /** Offset of the type-fingerprint long. */
  public static final long FINGERPRINT = LENGTH + Long.BYTES;
  /** Offset of the first element: two cache lines in. */
  public static final long DATA = 128;
  /** The data is padded to a multiple of this many bytes. */
  public static final long DATA_PADDING = Long.BYTES;

  /** SHAPE of a {@code Value}. */
  public static final int SHAPE_VALUE = 1;
  /** SHAPE of an {@code Array}. */
  public static final int SHAPE_ARRAY = 2;

  private CTypesDescriptor() {}

  /** Payload bytes for {@code length} elements of {@code elementSize} bytes. */
  public static long payloadSize(long elementSize, long length) {
    long data = Math.multiplyExact(elementSize, length);
    long padded = Math.ceilDiv(data, DATA_PADDING) * DATA_PADDING;
    return Math.addExact(DATA, Math.max(padded, DATA_PADDING));
  }
}
