package org.multiprocessing4j.internal.pipe;

import org.multiprocessing4j.internal.ring.RingBuffer;

/**
 * The layout of a pipe's segment payload: a flag word, then one ring per direction.
 *
 * <pre>
 *   0 +------------------------------+
 *     | DUPLEX (int)                 |  1 for a duplex pipe, 0 for simplex
 *  64 +------------------------------+
 *     | ring A: conn2 to conn1       |  RingDescriptor layout, RING_CAPACITY data bytes
 *     +------------------------------+
 *     | ring B: conn1 to conn2       |  duplex pipes only
 *     +------------------------------+
 * </pre>
 */
final class PipeDescriptor {
  static final long DUPLEX = 0;
  static final long RING_A = 64;
  /** Data bytes of each direction's ring; larger messages pass in parts. */
  static final int RING_CAPACITY = 1 << 18;
  static final long RING_BYTES = RingBuffer.segmentSize(RING_CAPACITY);
  static final long RING_B = RING_A + RING_BYTES;

  private PipeDescriptor() {}

  /** Payload bytes of a pipe's segment. */
  static long payloadSize(boolean duplex) {
    return RING_A + RING_BYTES * (duplex ? 2 : 1);
  }
}
