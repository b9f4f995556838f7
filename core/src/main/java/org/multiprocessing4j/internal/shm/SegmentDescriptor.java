package org.multiprocessing4j.internal.shm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Layout of the header at the start of every segment the library makes for itself
 * ({@code mp4j-<rootpid>-<random>} in /dev/shm; {@link ShmSegment}). The payload (a lock, a ring,
 * a value...) follows at {@link #PAYLOAD_OFFSET}, which is cache-line aligned; its own layout has
 * its own descriptor, with offsets relative to the payload.
 *
 * <pre>
 *   0               4               8               12              16
 *   +---------------+---------------+---------------+---------------+
 *   |     MAGIC     |    VERSION    |  OWNER COUNT  |   reserved    |
 *   +---------------+---------------+---------------+---------------+
 *   |         PAYLOAD SIZE          |          CREATOR PID          |
 *   +-------------------------------+-------------------------------+  32
 *   |                    reserved (zero)                            |
 *   +---------------------------------------------------------------+  64
 *   |                    payload ...                                |
 * </pre>
 *
 * <ul>
 *   <li>MAGIC ({@value #MAGIC_HEX}, "MP4J"): written last by the creator, with release
 *       semantics, so an attacher that sees it sees a complete header.
 *   <li>VERSION: {@value #VERSION}; an attacher refuses another version.
 *   <li>OWNER COUNT: how many processes have this segment attached (one per JVM, however many
 *       handles it holds); the process that takes it to 0 unlinks the file. Updated by CAS; an
 *       attacher never raises it from 0 (the segment is being destroyed).
 *   <li>PAYLOAD SIZE: the bytes after the header the creator asked for.
 *   <li>CREATOR PID: for diagnostics.
 * </ul>
 * All words are in native byte order and naturally aligned (the file is mapped page-aligned).
 */
public final class SegmentDescriptor {
  /** "MP4J" in ASCII, read as a big-endian int. */
  public static final int MAGIC = 0x4D50344A;
  static final String MAGIC_HEX = "0x4D50344A";
  /** Layout version this code reads and writes. */
  public static final int VERSION = 1;

  /** Offset of the magic int. */
  public static final long MAGIC_OFFSET = 0;
  /** Offset of the version int. */
  public static final long VERSION_OFFSET = MAGIC_OFFSET + JAVA_INT.byteSize();
  /** Offset of the owner-count int (CAS). */
  public static final long OWNERS_OFFSET = VERSION_OFFSET + JAVA_INT.byteSize();
  /** Offset of the payload-size long. */
  public static final long PAYLOAD_SIZE_OFFSET = 16;
  /** Offset of the creator-pid long. */
  public static final long CREATOR_PID_OFFSET = PAYLOAD_SIZE_OFFSET + JAVA_LONG.byteSize();
  /** Header length: one cache line, so the payload starts cache-line aligned. */
  public static final long HEADER_LENGTH = 64;
  /** Where the payload starts. */
  public static final long PAYLOAD_OFFSET = HEADER_LENGTH;

  private SegmentDescriptor() {}
}
