package org.multiprocessing4j.internal.queue;

/**
 * The layout of a queue's segment payload (Agrona's descriptor style): the queue's own counters,
 * then the ring that carries the items. Offsets in bytes from the start of the payload. Writers
 * and readers count items on lines of their own (PUT, GOT), so that an item moving through the
 * queue does not move a counter's cache line between the writer's and the reader's cores.
 *
 * <pre>
 *   0 +------------------------------+
 *     | PUT (long)                   |  items put, buffered ones included (qsize = PUT - GOT);
 *     |                              |  unused by a SimpleQueue
 *  64 +------------------------------+
 *     | SLOTS (int) | SLOTS_WAITERS  |  free places of a bounded queue (its semaphore)
 * 128 +------------------------------+
 *     | MAXSIZE (int) | KIND (int)   |  0 = unbounded; KIND: {@link #KIND_QUEUE} ... (both read
 *     |                              |  once, at attach)
 *     | GOT (long)                   |  items got; unused by a SimpleQueue
 * 192 +------------------------------+
 *     | UNFINISHED (int) | ..WAITERS |  a JoinableQueue's tasks not yet done
 * 256 +------------------------------+
 *     | the ring (RingDescriptor)    |
 *     +------------------------------+
 * </pre>
 */
final class QueueDescriptor {
  static final long PUT = 0;
  static final long SLOTS = 64;
  static final long SLOTS_WAITERS = SLOTS + Integer.BYTES;
  static final long MAXSIZE = 128;
  static final long KIND = MAXSIZE + Integer.BYTES;
  static final long GOT = KIND + Integer.BYTES;
  static final long UNFINISHED = 192;
  static final long UNFINISHED_WAITERS = UNFINISHED + Integer.BYTES;
  static final long RING = 256;

  static final int KIND_QUEUE = 1;
  static final int KIND_JOINABLE = 2;
  static final int KIND_SIMPLE = 3;

  /** Data bytes of a queue's ring: large enough that puts rarely need the feeder. */
  static final int RING_CAPACITY = 1 << 20;

  private QueueDescriptor() {}
}
