package org.multiprocessing4j.internal.futex;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.concurrent.TimeUnit;

/**
 * Layout of the C {@code struct timespec} that {@code FUTEX_WAIT} takes as its relative timeout,
 * on the 64-bit Linux ABIs we bind (x86-64 and AArch64: {@code time_t} and {@code long} are both
 * 64 bits).
 *
 * <pre>
 *   0                               8                              16
 *   +-------------------------------+-------------------------------+
 *   |      tv_sec (seconds)         |   tv_nsec (0..999 999 999)    |
 *   +-------------------------------+-------------------------------+
 * </pre>
 */
final class TimespecDescriptor {
  /** Byte offset of {@code tv_sec}. */
  static final long SECONDS_OFFSET = 0;
  /** Byte offset of {@code tv_nsec}. */
  static final long NANOS_OFFSET = SECONDS_OFFSET + JAVA_LONG.byteSize();
  /** The whole struct, for allocation. */
  static final StructLayout LAYOUT = MemoryLayout.structLayout(
      JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));

  private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

  private TimespecDescriptor() {}

  /** Writes a non-negative duration in nanoseconds into the timespec at {@code ts}. */
  static void set(MemorySegment ts, long nanos) {
    ts.set(JAVA_LONG, SECONDS_OFFSET, nanos / NANOS_PER_SECOND);
    ts.set(JAVA_LONG, NANOS_OFFSET, nanos % NANOS_PER_SECOND);
  }
}
