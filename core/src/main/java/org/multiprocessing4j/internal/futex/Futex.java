package org.multiprocessing4j.internal.futex;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Blocking on a 32-bit word in shared memory until it changes, across processes: the primitive
 * under the library's locks, events and rings (DESIGN.md §4).
 *
 * <pre>{@code
 * // waiter                                         // waker, in any process mapping the segment
 * while (word(seg, off) == BUSY) {                  WORD.setVolatile(seg, off, FREE);
 *   Futex.await(seg, off, BUSY, timeoutNanos);      Futex.wakeAll(seg, off);
 * }
 * }</pre>
 *
 * <p>{@link #await} returns when it has seen the word hold something other than the expected
 * value, or when the timeout passed; it may also return early on a spurious wake, so callers
 * re-check their condition in a loop, as with {@link Object#wait()}. Reads of the word are
 * volatile (acquire), so a waker's writes before its volatile store of the word are visible to
 * the waiter that sees the new value.
 *
 * <p>Two ways of blocking, chosen once per JVM (see {@link #usesFutex()}):
 * <ul>
 *   <li><b>futex</b>: a short spin, then {@code FUTEX_WAIT} on the word; wakers call
 *       {@code FUTEX_WAKE}. Until the downcall is linked (on a daemon thread, from the first
 *       wait or wake: tens of milliseconds in a young JVM) waits poll and wakes do nothing, as
 *       below. Used when native access is enabled for the library
 *       ({@code --enable-native-access=org.multiprocessing4j} on the module path,
 *       {@code --enable-native-access=ALL-UNNAMED} on the class path); child JVMs always get it.
 *   <li><b>polling</b>: a short spin, a few yields, then {@link LockSupport#parkNanos} with
 *       sleeps that double up to {@value #MAX_PARK_MICROS} µs. Used where native access is not
 *       enabled: the JDK prints a warning (or throws, with {@code --illegal-native-access=deny})
 *       on a restricted call, and a library must not cause that. {@link #wake} does nothing then.
 * </ul>
 * Virtual threads always poll: a downcall pins the carrier thread for as long as it blocks,
 * while {@code parkNanos} unmounts the virtual thread.
 *
 * <p>Overview of implementation: a futex waiter never sleeps longer than
 * {@value #FUTEX_SLICE_MILLIS} ms in one {@code FUTEX_WAIT} before it re-reads the word and its
 * interrupt status. That slice bounds the latency when the waker is a JVM without native access
 * (it changes the word but cannot {@code FUTEX_WAKE}) and how late an interrupt is noticed
 * ({@link Thread#interrupt()} sends no signal, so it does not end a {@code FUTEX_WAIT}). The
 * downcalls get the word's raw address, not the segment, so that a segment's arena can be closed
 * while another thread sleeps on one of its words (a segment passed to a downcall keeps its arena
 * acquired until the call returns).
 */
public final class Futex {
  /** Spins (each a {@link Thread#onSpinWait()}) before blocking: a few microseconds. */
  private static final int SPINS = 128;
  /** {@link Thread#yield()}s of the polling mode between the spin and the first park. */
  private static final int YIELDS = 4;
  /** First park of the polling mode; each following one doubles, up to the maximum. */
  private static final long FIRST_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(10);
  /** Longest park of the polling mode: the latency bound of a polling waiter. */
  static final long MAX_PARK_MICROS = 1000;
  private static final long MAX_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(MAX_PARK_MICROS);
  /** Longest single {@code FUTEX_WAIT}; see the implementation overview. */
  static final long FUTEX_SLICE_MILLIS = 10;
  private static final long FUTEX_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(FUTEX_SLICE_MILLIS);
  /** Size and required alignment of a futex word. */
  private static final long WORD_BYTES = JAVA_INT.byteSize();
  /** {@code count} of {@link #wakeAll}: every waiter. */
  private static final int ALL = Integer.MAX_VALUE;

  private static final VarHandle WORD = JAVA_INT.varHandle();

  /** Whether this JVM may make the futex downcalls: Linux, known architecture, native access. */
  private static final boolean NATIVE =
      FutexCalls.supported() && Futex.class.getModule().isNativeAccessEnabled();

  /** Tests only: poll even where futexes could be used. */
  private static volatile boolean forcePolling;

  /**
   * Whether the linking of the futex downcall has ended (if it failed, the next call makes the
   * downcall itself and reports why). Linking takes a young JVM 35-50 ms
   * (with an AOT cache; ~90 ms without one), so the first {@link #await} or {@link #wake} that
   * needs it has it linked on a daemon thread ({@link #linked()}) and goes on as in polling mode
   * meanwhile: a wait polls, a wake does nothing (a futex waiter in another process sees the
   * change within its {@value #FUTEX_SLICE_MILLIS} ms slice, as it does when the waker polls).
   * {@link #waitOnce} links it on the caller's thread.
   */
  private static volatile boolean linked;
  private static final java.util.concurrent.atomic.AtomicBoolean LINKING = new java.util.concurrent.atomic.AtomicBoolean();

  private Futex() {}

  /** What one {@link #waitOnce} ended with. */
  public enum WaitResult {
    /** Woken by {@code FUTEX_WAKE}, or spuriously: re-check the word. */
    WOKEN,
    /** The word did not hold the expected value when the wait began ({@code EAGAIN}). */
    VALUE_CHANGED,
    /** The timeout passed ({@code ETIMEDOUT}). */
    TIMED_OUT,
    /** A signal ended the wait ({@code EINTR}). */
    INTERRUPTED
  }

  /**
   * Whether this JVM blocks with futexes (true) or by polling (false): native access enabled for
   * the library, Linux on x86-64 or AArch64, and not forced to poll by a test.
   */
  public static boolean usesFutex() {
    return NATIVE && !forcePolling;
  }

  /**
   * Whether the futex downcall is ready; if not, has it linked on a daemon thread (once) and
   * returns false until that is done.
   */
  private static boolean linked() {
    if (linked) {
      return true;
    }
    if (!LINKING.get() && LINKING.compareAndSet(false, true)) {
      Thread.ofPlatform().daemon().name("mp4j-futex-link").start(() -> {
        try {
          FutexCalls.link();
        } catch (RuntimeException | Error e) {
          // the next call makes the downcall itself and reports what is wrong
        } finally {
          linked = true;
        }
      });
    }
    return false;
  }

  /** Tests only: whether the futex downcall is linked yet (does not set its linking off). */
  static boolean linkedYet() {
    return linked;
  }

  /** Tests only: makes this JVM poll (true) or use futexes where it can (false). */
  static void forcePolling(boolean poll) {
    forcePolling = poll;
  }

  /**
   * Waits until the word at {@code offset} of {@code segment} holds something other than
   * {@code expected}, or {@code timeoutNanos} passed (negative: no timeout). Spin, then futex or
   * polling as the class comment says; the word is always re-read after a wake.
   *
   * @return true when the word was seen to differ from {@code expected}, false on timeout
   * @throws InterruptedException when the thread is interrupted while waiting (checked before
   *     blocking and after each slice); the interrupt status is cleared, as usual
   * @throws IllegalArgumentException when the word is outside the segment or not 4-byte aligned
   * @throws IllegalStateException when the segment's arena is closed
   */
  public static boolean await(MemorySegment segment, long offset, int expected, long timeoutNanos)
      throws InterruptedException {
    checkWord(segment, offset);
    if (load(segment, offset) != expected) {
      return true;
    }
    for (int i = 0; i < SPINS; i++) {
      Thread.onSpinWait();
      if (load(segment, offset) != expected) {
        return true;
      }
    }
    if (timeoutNanos == 0) {
      return false;
    }
    boolean forever = timeoutNanos < 0;
    long deadline = forever ? 0 : System.nanoTime() + timeoutNanos;
    boolean canFutex = usesFutex() && !Thread.currentThread().isVirtual();
    boolean futex = canFutex && linked();
    int yields = 0;
    long park = FIRST_PARK_NANOS;
    while (true) {
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while waiting on a shared-memory word");
      }
      long remaining = forever ? Long.MAX_VALUE : deadline - System.nanoTime();
      if (remaining <= 0) {
        return load(segment, offset) != expected;
      }
      if (futex) {
        int r = FutexCalls.futexWait(segment.address() + offset, expected, Math.min(remaining, FUTEX_SLICE_NANOS));
        checkErrno(r, segment, offset);
      } else if (yields < YIELDS) {
        yields++;
        Thread.yield();
      } else {
        LockSupport.parkNanos(Math.min(park, remaining));
        park = Math.min(park * 2, MAX_PARK_NANOS);
      }
      if (load(segment, offset) != expected) {
        return true;
      }
      futex |= canFutex && linked; // linked on its thread meanwhile
    }
  }

  /**
   * {@link #await(MemorySegment, long, int, long)} with a {@link Duration}; null waits forever.
   */
  public static boolean await(MemorySegment segment, long offset, int expected, Duration timeout)
      throws InterruptedException {
    return await(segment, offset, expected, timeout == null ? -1 : Math.max(0, saturatedNanos(timeout)));
  }

  /**
   * One raw {@code FUTEX_WAIT}, for code that wants to see what the kernel said (tests, custom
   * wait loops). Unlike {@link #await} it does not spin, re-check or loop.
   *
   * @param timeoutNanos relative timeout; negative for none
   * @throws IllegalStateException when this JVM does not use futexes ({@link #usesFutex()}) or the
   *     word is not mapped any more
   */
  public static WaitResult waitOnce(MemorySegment segment, long offset, int expected, long timeoutNanos) {
    checkWord(segment, offset);
    if (!usesFutex()) {
      throw new IllegalStateException("futex waits need native access for the library:"
          + " run with --enable-native-access=org.multiprocessing4j (module path) or =ALL-UNNAMED (class path)");
    }
    int r = FutexCalls.futexWait(segment.address() + offset, expected, timeoutNanos);
    linked = true;
    return switch (r) {
      case 0 -> WaitResult.WOKEN;
      case FutexCalls.EAGAIN -> WaitResult.VALUE_CHANGED;
      case FutexCalls.ETIMEDOUT -> WaitResult.TIMED_OUT;
      case FutexCalls.EINTR -> WaitResult.INTERRUPTED;
      default -> throw failure("FUTEX_WAIT", r, segment, offset);
    };
  }

  /**
   * Wakes up to {@code count} waiters blocked in {@code FUTEX_WAIT} on the word, in any process.
   * Call it after changing the word. Does nothing (returns 0) in polling mode, where polling
   * waiters see the change by themselves, and while the downcall is being linked (see
   * {@link #linked}), where futex waiters in other processes see it within their
   * {@value #FUTEX_SLICE_MILLIS} ms slice.
   *
   * @return the number of waiters woken (0 when the call was not made)
   */
  public static int wake(MemorySegment segment, long offset, int count) {
    checkWord(segment, offset);
    if (count <= 0) {
      throw new IllegalArgumentException("wake count must be positive, not " + count);
    }
    if (!usesFutex() || !linked()) {
      return 0;
    }
    int r = FutexCalls.futexWake(segment.address() + offset, count);
    if (r < 0) {
      throw failure("FUTEX_WAKE", -r, segment, offset);
    }
    return r;
  }

  /** Wakes every waiter on the word; see {@link #wake}. */
  public static int wakeAll(MemorySegment segment, long offset) {
    return wake(segment, offset, ALL);
  }

  private static int load(MemorySegment segment, long offset) {
    return (int) WORD.getVolatile(segment, offset);
  }

  private static void checkWord(MemorySegment segment, long offset) {
    if (offset < 0 || offset > segment.byteSize() - WORD_BYTES) {
      throw new IllegalArgumentException("futex word at offset " + offset + " is outside a segment of "
          + segment.byteSize() + " bytes");
    }
    if ((segment.address() + offset) % WORD_BYTES != 0) {
      throw new IllegalArgumentException("futex word at offset " + offset + " is not " + WORD_BYTES
          + "-byte aligned; align the field in its layout descriptor");
    }
  }

  private static void checkErrno(int errno, MemorySegment segment, long offset) {
    switch (errno) {
      case 0, FutexCalls.EAGAIN, FutexCalls.EINTR, FutexCalls.ETIMEDOUT -> { }
      default -> throw failure("FUTEX_WAIT", errno, segment, offset);
    }
  }

  private static IllegalStateException failure(String op, int errno, MemorySegment segment, long offset) {
    String why = errno == FutexCalls.EFAULT ? " (EFAULT: the word is not mapped any more; was its segment closed?)" : "";
    return new IllegalStateException(op + " on the word at offset " + offset + " of " + segment
        + " failed with errno " + errno + why);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? 0 : Long.MAX_VALUE;
    }
  }
}
