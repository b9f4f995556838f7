package org.multiprocessing4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.spawn.ChildJvm;
import org.multiprocessing4j.internal.spawn.SparePool;
import org.multiprocessing4j.internal.spawn.StartMethods;
import org.multiprocessing4j.internal.util.Log;
import org.multiprocessing4j.sharedctypes.Array;
import org.multiprocessing4j.sharedctypes.CType;
import org.multiprocessing4j.sharedctypes.Value;

/**
 * The module-level functions of Python's {@code multiprocessing}, as static methods over the
 * default context.
 *
 * <pre>{@code
 * Multiprocessing.setStartMethod("warm");          // optional; "spawn" is the default
 * var p = new Process(() -> System.out.println("hi from " + Multiprocessing.currentProcess().getName()));
 * p.start();
 * p.join();
 * }</pre>
 *
 * <p>Children are JVMs started with {@code java} from this JVM's {@code java.home} (or
 * {@link #setExecutable}), this JVM's class path or module path, its {@code -D} system properties
 * and assertion switches, and the options given to {@link #setJvmOptions}.
 */
public final class Multiprocessing {
  /** Python's SUBDEBUG logging level, between {@link Level#FINER} and {@link Level#FINE}. */
  public static final Level SUBDEBUG = Log.SUBDEBUG;
  /** Python's SUBWARNING logging level, between {@link Level#INFO} and {@link Level#WARNING}. */
  public static final Level SUBWARNING = Log.SUBWARNING;

  private static final Context DEFAULT = new StartContext(null);
  private static String startMethod;

  private Multiprocessing() {}

  /**
   * The process this code runs in (Python's {@code current_process()}): {@code MainProcess} in
   * the main JVM, the child's own {@link Process} object in a child, and the {@link Process} of a
   * {@code thread}-method process inside its thread.
   */
  public static Process currentProcess() {
    return Process.currentProcess();
  }

  /**
   * The parent of the current process, or null in the main process (Python's
   * {@code parent_process()}). Its {@code isAlive()} and {@code join()} watch the parent's OS
   * process; its name and pid are the parent's.
   */
  public static Process parentProcess() {
    return Process.parentProcess();
  }

  /**
   * The children of the current process that are still running (Python's
   * {@code active_children()}); finished children are reaped as a side effect.
   */
  public static List<Process> activeChildren() {
    return Process.activeChildren();
  }

  /**
   * The number of CPUs this JVM may use (Python's {@code cpu_count()}, which counts every CPU of
   * the machine; this counts those the JVM is allowed, like Python 3.13's
   * {@code process_cpu_count()}).
   */
  public static int cpuCount() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** The default context, which follows {@link #setStartMethod} (Python's {@code get_context()}). */
  public static Context getContext() {
    return DEFAULT;
  }

  /**
   * The context of a start method (Python's {@code get_context(method)}).
   *
   * @param method {@code "spawn"}, {@code "warm"} or {@code "thread"}
   * @throws IllegalArgumentException for any other name
   */
  public static Context getContext(String method) {
    if (method == null) {
      return DEFAULT;
    }
    return new StartContext(StartMethods.check(method));
  }

  /**
   * Sets the default start method, once (Python's {@code set_start_method(method)}).
   *
   * @throws IllegalStateException when it was already set, or fixed by {@link #getStartMethod()}
   *     or by starting a process; use {@link #setStartMethod(String, boolean)} with
   *     {@code force} to change it anyway
   */
  public static void setStartMethod(String method) {
    setStartMethod(method, false);
  }

  /**
   * Sets the default start method (Python's {@code set_start_method(method, force)}); with
   * {@code force} it may be changed again, and null resets it to unset.
   */
  public static synchronized void setStartMethod(String method, boolean force) {
    if (startMethod != null && !force) {
      throw new IllegalStateException("context has already been set (start method '" + startMethod
          + "'); call setStartMethod(method, true) to change it, or use getContext(method)");
    }
    startMethod = method == null ? null : StartMethods.check(method);
  }

  /**
   * The default start method (Python's {@code get_start_method()}). Like Python, asking fixes
   * it: when none was set it becomes {@code "spawn"}, and a later {@link #setStartMethod(String)}
   * without {@code force} fails.
   */
  public static synchronized String getStartMethod() {
    if (startMethod == null) {
      startMethod = StartMethods.SPAWN;
    }
    return startMethod;
  }

  /** The start methods, the default first: {@code [spawn, warm, thread]}. */
  public static List<String> getAllStartMethods() {
    return StartMethods.ALL;
  }

  /**
   * The {@code java} launcher that child JVMs run (Python's {@code set_executable}); by default
   * {@code java.home/bin/java} of this JVM.
   *
   * <p>Children get HotSpot options of JDK 25 (see {@link #setJvmOptions}), one of them
   * diagnostic ({@code -XX:ArchiveRelocationMode}). A JDK that does not know one of them refuses
   * to start ("Unrecognized VM option"); {@code setJvmOptions(List.of("-XX:+IgnoreUnrecognizedVMOptions"))}
   * lets such a JDK start anyway (it then ignores every unknown {@code -XX} option, yours too).
   *
   * @throws IllegalArgumentException when the path is not an executable file
   */
  public static void setExecutable(Path java) {
    ChildJvm.setExecutable(java);
  }

  /**
   * JVM options for every child started from now on, placed after the library's defaults so they
   * can override them; for example {@code List.of("-Xmx2g", "-XX:+UseG1GC")}. An addition to
   * Python, where children share the interpreter's settings.
   *
   * <p>The defaults keep an idle child small and quick to boot: {@code -XX:+UseSerialGC},
   * {@code -Xms8m} (the heap still grows to the usual maximum), {@code -XX:-UsePerfData}, and
   * {@code -XX:CompileCommand=exclude,jdk.internal.classfile.impl.StackMapGenerator::processBlock}
   * (with {@code -XX:CompileCommand=quiet}): compiling that one JDK method, which every child
   * makes hot by spinning a few classes at boot, held ~4 MiB of compiler memory in an idle child.
   * And {@code -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0}: a JDK 25 JVM otherwise
   * moves its class archive (the JDK's CDS archive, or the library's AOT cache) to a random
   * address at every boot and patches every pointer in it, ~3 ms of each child's start here;
   * mapped where it was dumped it needs no patching. The price is that the archived class
   * metadata sits at the same address in every child; give {@code -XX:ArchiveRelocationMode=1}
   * here to have it moved again. Choosing another collector drops {@code -XX:+UseSerialGC}, and
   * an {@code -Xms} or {@code -XX:InitialHeapSize} of your own drops {@code -Xms8m}.
   */
  public static void setJvmOptions(List<String> options) {
    ChildJvm.setJvmOptions(options);
  }

  /**
   * How many pre-booted spare JVMs the {@code warm} start method keeps idle (default 2, or the
   * system property {@code mp4j.warm.spares}); 0 makes warm starts cold. An addition to Python.
   */
  public static void setWarmSpares(int spares) {
    SparePool.get().setSpares(spares);
  }

  /** A new unbounded {@link Queue} (Python's {@code multiprocessing.Queue()}). */
  public static <E> Queue<E> queue() {
    return DEFAULT.queue();
  }

  /** A new {@link Queue} holding at most {@code maxsize} items; 0 or less is unbounded. */
  public static <E> Queue<E> queue(int maxsize) {
    return DEFAULT.queue(maxsize);
  }

  /** A new unbounded {@link JoinableQueue} (Python's {@code multiprocessing.JoinableQueue()}). */
  public static <E> JoinableQueue<E> joinableQueue() {
    return DEFAULT.joinableQueue();
  }

  /** A new {@link JoinableQueue} holding at most {@code maxsize} items; 0 or less is unbounded. */
  public static <E> JoinableQueue<E> joinableQueue(int maxsize) {
    return DEFAULT.joinableQueue(maxsize);
  }

  /** A new {@link SimpleQueue} (Python's {@code multiprocessing.SimpleQueue()}). */
  public static <E> SimpleQueue<E> simpleQueue() {
    return DEFAULT.simpleQueue();
  }

  /** A new duplex {@link Pipe} (Python's {@code multiprocessing.Pipe()}). */
  public static Pipe pipe() {
    return DEFAULT.pipe();
  }

  /** A new {@link Pipe}; simplex when {@code duplex} is false: conn1 receives, conn2 sends. */
  public static Pipe pipe(boolean duplex) {
    return DEFAULT.pipe(duplex);
  }

  /** A pool of {@link #cpuCount()} workers (Python's {@code multiprocessing.Pool()}). */
  public static org.multiprocessing4j.pool.Pool pool() {
    return DEFAULT.pool();
  }

  /** A pool of {@code processes} workers (Python's {@code multiprocessing.Pool(processes)}). */
  public static org.multiprocessing4j.pool.Pool pool(int processes) {
    return DEFAULT.pool(processes);
  }

  /** A builder for a pool: processes, initializer, maxTasksPerChild, task timeout, progress. */
  public static org.multiprocessing4j.pool.Pool.Builder poolBuilder() {
    return DEFAULT.poolBuilder();
  }

  /** A new {@link Lock} (Python's {@code multiprocessing.Lock()}). */
  public static Lock lock() {
    return DEFAULT.lock();
  }

  /** A new {@link RLock} (Python's {@code multiprocessing.RLock()}). */
  public static RLock rlock() {
    return DEFAULT.rlock();
  }

  /** A new {@link Semaphore} with {@code value} units (Python's {@code multiprocessing.Semaphore(value)}). */
  public static Semaphore semaphore(int value) {
    return DEFAULT.semaphore(value);
  }

  /** A new {@link BoundedSemaphore} (Python's {@code multiprocessing.BoundedSemaphore(value)}). */
  public static BoundedSemaphore boundedSemaphore(int value) {
    return DEFAULT.boundedSemaphore(value);
  }

  /** A new {@link Condition} with a new {@link RLock} (Python's {@code multiprocessing.Condition()}). */
  public static Condition condition() {
    return DEFAULT.condition();
  }

  /** A new {@link Condition} bound to {@code lock} (Python's {@code multiprocessing.Condition(lock)}). */
  public static Condition condition(Lock lock) {
    return DEFAULT.condition(lock);
  }

  /** A new {@link Event} (Python's {@code multiprocessing.Event()}). */
  public static Event event() {
    return DEFAULT.event();
  }

  /** A new {@link Barrier} for {@code parties} parties (Python's {@code multiprocessing.Barrier(parties)}). */
  public static Barrier barrier(int parties) {
    return DEFAULT.barrier(parties);
  }

  /**
   * A new {@link Barrier} with an action run by the last party to arrive (null: none) and a
   * default timeout (null: none); Python's {@code multiprocessing.Barrier(parties, action, timeout)}.
   */
  public static Barrier barrier(int parties, SerializableRunnable action, Duration timeout) {
    return DEFAULT.barrier(parties, action, timeout);
  }

  /**
   * A new shared {@link Value} holding {@code initial}, synchronized by a new {@link RLock} in the
   * value's own segment (Python's {@code multiprocessing.Value(typecode, initial)}).
   */
  public static <T> Value<T> value(CType<T> type, T initial) {
    return DEFAULT.value(type, initial);
  }

  /** A new shared {@link Value}, synchronized by a new {@link RLock} or raw (Python's {@code Value(..., lock=True|False)}). */
  public static <T> Value<T> value(CType<T> type, T initial, boolean lock) {
    return DEFAULT.value(type, initial, lock);
  }

  /** A new shared {@link Value} synchronized by {@code lock} (Python's {@code Value(..., lock=lock)}). */
  public static <T> Value<T> value(CType<T> type, T initial, Lock lock) {
    return DEFAULT.value(type, initial, lock);
  }

  /** A new synchronized shared {@link Array} of {@code size} zeros (Python's {@code multiprocessing.Array(typecode, size)}). */
  public static <T> Array<T> array(CType<T> type, int size) {
    return DEFAULT.array(type, size);
  }

  /** A new shared {@link Array} of {@code size} zeros, synchronized by a new {@link RLock} or raw. */
  public static <T> Array<T> array(CType<T> type, int size, boolean lock) {
    return DEFAULT.array(type, size, lock);
  }

  /** A new shared {@link Array} of {@code size} zeros synchronized by {@code lock}. */
  public static <T> Array<T> array(CType<T> type, int size, Lock lock) {
    return DEFAULT.array(type, size, lock);
  }

  /** A new synchronized shared {@link Array} holding {@code initial} (Python's {@code multiprocessing.Array(typecode, initializer)}). */
  public static <T> Array<T> array(CType<T> type, List<T> initial) {
    return DEFAULT.array(type, initial);
  }

  /** A new shared {@link Array} holding {@code initial}, synchronized by a new {@link RLock} or raw. */
  public static <T> Array<T> array(CType<T> type, List<T> initial, boolean lock) {
    return DEFAULT.array(type, initial, lock);
  }

  /** A new shared {@link Array} holding {@code initial} synchronized by {@code lock}. */
  public static <T> Array<T> array(CType<T> type, List<T> initial, Lock lock) {
    return DEFAULT.array(type, initial, lock);
  }

  /**
   * Does nothing: Python's {@code freeze_support()} prepares frozen Windows executables; a JVM
   * child always has the class path it needs. Kept so that ported code compiles.
   */
  public static void freezeSupport() {}

  /**
   * The library's logger (Python's {@code get_logger()}): {@code java.util.logging} logger
   * {@code multiprocessing4j}, with no handler by default and not propagating to the root logger.
   * As in Python, the library logs nothing in a process until this method or
   * {@link #logToStderr()} has been called there (a child inherits its parent's level and stderr
   * logging): configuring the logger by name through {@code java.util.logging} alone is not enough.
   */
  public static Logger getLogger() {
    return Log.logger();
  }

  /**
   * Logs to stderr with Python's format {@code [LEVEL/ProcessName] message} (Python's
   * {@code log_to_stderr()}), keeping the logger's level. Children started afterwards log the same way.
   */
  public static Logger logToStderr() {
    return Log.toStderr(null);
  }

  /** Logs to stderr as {@link #logToStderr()} and sets the level, which children inherit. */
  public static Logger logToStderr(Level level) {
    return Log.toStderr(level);
  }
}
