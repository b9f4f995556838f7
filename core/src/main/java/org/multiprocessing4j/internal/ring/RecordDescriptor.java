package org.multiprocessing4j.internal.ring;

/**
 * The layout of one record in a ring's data area (Agrona's {@code RecordDescriptor} style).
 * Records start at multiples of {@link #ALIGNMENT}; a record never wraps around the end of the
 * data area (a {@link #PADDING} record fills the rest of the line instead).
 *
 * <pre>
 *  0 +---------------+---------------+---------------+---------------+
 *    | LENGTH (int)  | TYPE (int)    | PID (int)     | SIZE (int)    |
 * 16 +---------------+---------------+---------------+---------------+
 *    | payload: SIZE bytes, then zero padding up to LENGTH           |
 *    +---------------------------------------------------------------+
 * </pre>
 *
 * LENGTH is the whole record's size, header and padding included: 0 where nothing was written
 * yet, negative while the writer copies the payload, positive once committed. A reader that finds
 * a negative LENGTH whose writer PID is dead skips the record (the writer was killed mid-write).
 */
final class RecordDescriptor {
  static final long LENGTH = 0;
  static final long TYPE = 4;
  static final long PID = 8;
  static final long SIZE = 12;
  static final int HEADER = 16;
  /** Record alignment: the header size, so that any gap at the end can hold a padding header. */
  static final int ALIGNMENT = HEADER;

  /** A whole message. */
  static final int MESSAGE = 1;
  /** Filler up to the end of the data area. */
  static final int PADDING = 2;
  /** The first, a middle and the last part of a message too large for one record. */
  static final int FIRST = 3;
  static final int MIDDLE = 4;
  static final int LAST = 5;

  private RecordDescriptor() {}

  /** The record length for a payload of {@code size} bytes. */
  static int recordLength(int size) {
    return (HEADER + size + ALIGNMENT - 1) & -ALIGNMENT;
  }
}
