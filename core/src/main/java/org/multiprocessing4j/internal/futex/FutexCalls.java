package org.multiprocessing4j.internal.futex;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The FFM binding of Linux's {@code futex(2)} through libc's {@code syscall(3)}, with
 * {@code errno} captured right after the call ({@link Linker.Option#captureCallState}).
 *
 * <p>Only {@code FUTEX_WAIT} and {@code FUTEX_WAKE}, and never {@code FUTEX_PRIVATE_FLAG}: our
 * words live in {@code MAP_SHARED} mappings of /dev/shm files used by several processes, and a
 * private futex is keyed by (address space, virtual address), so a waiter in another process
 * would never be found. Shared futexes are keyed by (inode, page offset) and work across
 * processes even where each maps the file at a different address.
 *
 * <p>The downcall handle is made in a holder class on first use. {@code downcallHandle} is a
 * restricted method, so nothing here may be touched unless {@link Futex} has checked that native
 * access is enabled for our module.
 */
final class FutexCalls {
  /** {@code __NR_futex} in the kernel's {@code arch/x86/entry/syscalls/syscall_64.tbl}. */
  private static final long SYS_FUTEX_X86_64 = 202;
  /** {@code __NR_futex} in {@code include/uapi/asm-generic/unistd.h}, used by AArch64. */
  private static final long SYS_FUTEX_AARCH64 = 98;
  /** No futex syscall number known for this architecture. */
  private static final long UNSUPPORTED = -1;

  /** {@code FUTEX_WAIT} from {@code include/uapi/linux/futex.h}: sleep while {@code *uaddr == val}. */
  static final int FUTEX_WAIT = 0;
  /** {@code FUTEX_WAKE} from {@code include/uapi/linux/futex.h}: wake up to {@code val} waiters. */
  static final int FUTEX_WAKE = 1;

  /** {@code EINTR} (asm-generic/errno-base.h): a signal interrupted the wait. */
  static final int EINTR = 4;
  /** {@code EAGAIN} (asm-generic/errno-base.h): the word did not hold the expected value. */
  static final int EAGAIN = 11;
  /** {@code EFAULT} (asm-generic/errno-base.h): the address is not mapped. */
  static final int EFAULT = 14;
  /** {@code ETIMEDOUT} (asm-generic/errno.h): the relative timeout passed. */
  static final int ETIMEDOUT = 110;

  /** What {@code syscall(3)} returns on failure (then {@code errno} tells why). */
  private static final long SYSCALL_FAILED = -1;
  /** Unused {@code uaddr2} / {@code val3} arguments of FUTEX_WAIT and FUTEX_WAKE. */
  private static final long UNUSED = 0;

  /** The syscall number on this machine, or {@link #UNSUPPORTED}. */
  private static final long SYS_FUTEX = syscallNumber();

  private FutexCalls() {}

  /** Whether this OS and architecture have a futex syscall we know the number of. */
  static boolean supported() {
    return SYS_FUTEX != UNSUPPORTED;
  }

  private static long syscallNumber() {
    if (!System.getProperty("os.name", "").startsWith("Linux")) {
      return UNSUPPORTED;
    }
    return switch (System.getProperty("os.arch", "")) {
      case "amd64", "x86_64" -> SYS_FUTEX_X86_64;
      case "aarch64" -> SYS_FUTEX_AARCH64;
      default -> UNSUPPORTED;
    };
  }

  /**
   * One {@code FUTEX_WAIT} on the 32-bit word at {@code address}: sleeps while it holds
   * {@code expected}, at most {@code timeoutNanos} (relative; negative = no timeout).
   *
   * @return 0 when woken (by FUTEX_WAKE or spuriously), else the errno: {@link #EAGAIN},
   *     {@link #EINTR}, {@link #ETIMEDOUT} or an unexpected one
   */
  static int futexWait(long address, int expected, long timeoutNanos) {
    try {
      Scratch scratch = SCRATCH.get();
      MemorySegment state = scratch.state;
      MemorySegment timeout = MemorySegment.NULL;
      if (timeoutNanos >= 0) {
        timeout = scratch.timespec;
        TimespecDescriptor.set(timeout, timeoutNanos);
      }
      long r = (long) Binding.SYSCALL.invokeExact(state, SYS_FUTEX, address, (long) FUTEX_WAIT,
          Integer.toUnsignedLong(expected), timeout, UNUSED, UNUSED);
      return r == SYSCALL_FAILED ? (int) Binding.ERRNO.get(state, 0L) : 0;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * One {@code FUTEX_WAKE} of up to {@code count} waiters on the word at {@code address}.
   *
   * @return the number of waiters woken (≥ 0), or minus the errno
   */
  static int futexWake(long address, int count) {
    try {
      MemorySegment state = SCRATCH.get().state;
      long r = (long) Binding.SYSCALL.invokeExact(state, SYS_FUTEX, address, (long) FUTEX_WAKE,
          (long) count, MemorySegment.NULL, UNUSED, UNUSED);
      return r == SYSCALL_FAILED ? -(int) Binding.ERRNO.get(state, 0L) : (int) r;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Links the downcall and makes it once, a {@code FUTEX_WAKE} of nobody on a word of its own:
   * a young JVM's first call costs milliseconds too.
   */
  static void link() {
    try (Arena arena = Arena.ofConfined()) {
      futexWake(arena.allocate(JAVA_INT).address(), 1);
    }
  }

  /**
   * A thread's room for the captured {@code errno} and a timeout, reused by each of its calls: a
   * confined arena per call cost a {@code malloc} and a {@code free} per wake-up. Freed with the
   * thread (an automatic arena).
   */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    final MemorySegment state;
    final MemorySegment timespec;

    Scratch() {
      Arena arena = Arena.ofAuto();
      state = arena.allocate(Binding.CAPTURE_LAYOUT);
      timespec = arena.allocate(TimespecDescriptor.LAYOUT);
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException("futex downcall failed", t);
  }

  /** Lazily made downcall handle: loading this class performs the restricted call. */
  @SuppressWarnings("restricted") // only loaded after Futex checked Module.isNativeAccessEnabled()
  private static final class Binding {
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /**
     * {@code long syscall(long number, ...)}: the number is the only fixed argument; the six
     * variadic ones are passed as 64-bit values (pointers as raw addresses, except the timeout),
     * which is how glibc's {@code syscall} reads them ({@code va_arg(ap, long)}).
     */
    static final MethodHandle SYSCALL;

    static {
      Linker linker = Linker.nativeLinker();
      MemorySegment syscall = linker.defaultLookup().find("syscall")
          .orElseThrow(() -> new IllegalStateException("libc has no syscall(3) function"));
      SYSCALL = linker.downcallHandle(syscall,
          FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG),
          Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }

    private Binding() {}
  }
}
