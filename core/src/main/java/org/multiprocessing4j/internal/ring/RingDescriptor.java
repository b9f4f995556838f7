package org.multiprocessing4j.internal.ring;

/**
 * The layout of a ring segment, written down once (Agrona's {@code RingBufferDescriptor} style).
 * Every offset is in bytes from the start of the segment; each hot word sits on its own 64-byte
 * cache line so that producers and consumers do not false-share.
 *
 * <pre>
 *   0 +-------------------------------+
 *     | TAIL (long)                   |  next byte producers write; under the producer mutex
 *  64 +-------------------------------+
 *     | HEAD | ZEROED | RELEASING     |  next byte consumers read; the bytes before ZEROED are
 *     |  (3 longs)                    |  zeroed; the HEAD a release is moving to (all under the
 *     |                               |  consumer mutex, see below)
 * 128 +-------------------------------+
 *     | PRODUCER_MUTEX | ..._WAITERS  |  owner pid (0 = free) | threads blocked on it
 * 192 +-------------------------------+
 *     | CONSUMER_MUTEX | ..._WAITERS  |
 * 256 +-------------------------------+
 *     | NOT_EMPTY_SEQ  | ..._WAITERS  |  doorbell: bumped by a producer when consumers wait
 * 320 +-------------------------------+
 *     | NOT_FULL_SEQ   | ..._WAITERS  |  doorbell: bumped by a consumer when producers wait
 * 384 +-------------------------------+
 *     | (reserved)                    |  (was a message count: two atomic updates a message, shared
 * 448 +-------------------------------+   by both sides, for a figure nobody needs exactly)
 *     | MAGIC | CAPACITY | FLAGS      |  FLAGS: {@link #FLAG_WRITERS_TRACKED}
 * 512 +-------------------------------+
 *     | WRITERS: 16 x long            |  (pid << 32 | handles) of each process holding the write end
 * 640 +-------------------------------+
 *     | READERS: 16 x long            |  same for the read end
 * 768 +-------------------------------+
 *     | (reserved)                    |
 *1024 +-------------------------------+
 *     | DATA: CAPACITY bytes          |  records, see {@link RecordDescriptor}
 *     +-------------------------------+
 * </pre>
 *
 * <p>Consumed bytes are zeroed (a record's start must read 0 until a writer puts one there), but
 * a whole cache line at a time, once HEAD has passed its end: zeroing each record as it was read
 * wrote to the line the writer was filling with the next records, and that line then moved
 * between the two cores with every record. So up to a line's worth of bytes before HEAD is not
 * zeroed yet, and writers leave {@link #WRITER_GAP} bytes free behind HEAD. A release that zeroes
 * stores the HEAD it moves to in RELEASING first: a reader that died between zeroing a
 * record's header and moving HEAD would otherwise leave a 0 at HEAD with records after it, and
 * readers would wait there for ever; the reader that takes the consumer mutex over from it
 * finishes the release.
 */
final class RingDescriptor {
  static final int CACHE_LINE = 64;
  static final long TAIL = 0;
  static final long HEAD = TAIL + CACHE_LINE;
  static final long ZEROED = HEAD + Long.BYTES;
  static final long RELEASING = ZEROED + Long.BYTES;
  static final long PRODUCER_MUTEX = HEAD + CACHE_LINE;
  static final long PRODUCER_MUTEX_WAITERS = PRODUCER_MUTEX + Integer.BYTES;
  static final long CONSUMER_MUTEX = PRODUCER_MUTEX + CACHE_LINE;
  static final long CONSUMER_MUTEX_WAITERS = CONSUMER_MUTEX + Integer.BYTES;
  static final long NOT_EMPTY_SEQ = CONSUMER_MUTEX + CACHE_LINE;
  static final long NOT_EMPTY_WAITERS = NOT_EMPTY_SEQ + Integer.BYTES;
  static final long NOT_FULL_SEQ = NOT_EMPTY_SEQ + CACHE_LINE;
  static final long NOT_FULL_WAITERS = NOT_FULL_SEQ + Integer.BYTES;
  static final long MAGIC = NOT_FULL_SEQ + 2 * CACHE_LINE;
  static final long CAPACITY = MAGIC + Integer.BYTES;
  static final long FLAGS = CAPACITY + Integer.BYTES;
  static final long WRITERS = MAGIC + CACHE_LINE;
  /** Processes that may hold one end at the same time (a Python fd is shared by as many). */
  static final int END_SLOTS = 16;
  static final long READERS = WRITERS + END_SLOTS * Long.BYTES;
  static final long DATA = 1024;
  /** Bytes before HEAD a writer never writes into: they may not be zeroed yet (see the class comment). */
  static final int WRITER_GAP = CACHE_LINE;

  /** "mp4jRING" folded to an int: marks an initialised ring. */
  static final int MAGIC_VALUE = 0x6d70_3472;
  /** Set for pipes: a reader on an empty ring whose writers are all gone gets EOF. */
  static final int FLAG_WRITERS_TRACKED = 1;

  /** Smallest and largest data capacities; powers of two. */
  static final int MIN_CAPACITY = 4096;
  static final int MAX_CAPACITY = 1 << 30;

  private RingDescriptor() {}

  /** Bytes of segment a ring of {@code capacity} data bytes needs. */
  static long segmentSize(int capacity) {
    return DATA + capacity;
  }
}
