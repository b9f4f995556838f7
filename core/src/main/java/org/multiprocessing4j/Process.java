package org.multiprocessing4j;

import java.io.Serial;
import java.io.Serializable;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.pickle.Codec;
import org.multiprocessing4j.internal.spawn.ChildMain;
import org.multiprocessing4j.internal.spawn.ExitHooks;
import org.multiprocessing4j.internal.spawn.LaunchSpec;
import org.multiprocessing4j.internal.spawn.Popen;
import org.multiprocessing4j.internal.spawn.ProcessAccess;
import org.multiprocessing4j.internal.spawn.StartMethods;
import org.multiprocessing4j.internal.util.Log;
import org.multiprocessing4j.internal.util.OwnPid;

/**
 * A unit of work that runs in a separate child JVM: Python's {@code multiprocessing.Process}.
 *
 * <pre>{@code
 * var p = new Process(() -> System.out.println("hello from " + Multiprocessing.currentProcess().getName()));
 * p.start();
 * p.join();
 * System.out.println(p.exitCode());   // 0
 * }</pre>
 *
 * <p>Give the work as a {@link SerializableRunnable} target, or subclass and override
 * {@link #run()}. {@link #start()} serializes this object (the target with everything it
 * captures, or the subclass with its fields) and runs it in a child JVM chosen by the start
 * method: {@code spawn} (a fresh JVM), {@code warm} (a pre-booted spare JVM) or {@code thread}
 * (a thread of this JVM, Python's {@code multiprocessing.dummy}). A value that cannot be
 * serialized fails here, at {@code start()}, with a {@link PicklingException} naming its class.
 *
 * <p>Exit codes are Python's: 0 when {@code run()} returns, 1 when it throws (the child prints
 * {@code Process <name>:} and the stack trace to its stderr), {@code n & 255} after
 * {@code System.exit(n)}, and {@code -N} when the process was ended by signal N (so
 * {@link #terminate()} gives -15 and {@link #kill()} -9). The child's stdout and stderr are this
 * JVM's; its {@code System.in} is empty.
 *
 * <p>Lifetime: at normal exit of this JVM, non-daemon children are joined and daemon children
 * terminated, as in Python. Unlike Python, a child never outlives its parent: when the parent
 * dies however it dies (even by SIGKILL), its children exit within a second.
 *
 * <p>A {@code Process} object is used by the process that created it: {@code start},
 * {@code join}, {@code isAlive} and the rest from another process (after the object was sent
 * there) fail with {@link IllegalStateException}, as Python's assertions do. Methods are
 * thread-safe.
 */
public class Process implements Serializable {
  /*
   * Overview of implementation: the fields that travel to the child are the target, the name,
   * the daemon flag, the authkey, the identity (the Process-1:2 numbers) and the parent's pid.
   * Everything about the running child lives in a transient Popen (internal.spawn). The static
   * state (the current process, its children, the counter that numbers new children) is this
   * JVM's, like Python's module globals in multiprocessing.process.
   */
  @Serial private static final long serialVersionUID = 1L;
  private static final int AUTHKEY_BYTES = 32;
  /** Linux signal names for toString, as Python's {@code _exitcode_to_name}. */
  private static final Map<Integer, String> SIGNAL_NAMES = Map.ofEntries(
      Map.entry(1, "SIGHUP"), Map.entry(2, "SIGINT"), Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"),
      Map.entry(5, "SIGTRAP"), Map.entry(6, "SIGABRT"), Map.entry(7, "SIGBUS"), Map.entry(8, "SIGFPE"),
      Map.entry(9, "SIGKILL"), Map.entry(10, "SIGUSR1"), Map.entry(11, "SIGSEGV"), Map.entry(12, "SIGUSR2"),
      Map.entry(13, "SIGPIPE"), Map.entry(14, "SIGALRM"), Map.entry(15, "SIGTERM"));

  private static volatile Process current = new MainProcess();
  private static final ThreadLocal<Process> THREAD_PROCESS = new ThreadLocal<>();
  private static final AtomicInteger COUNTER = new AtomicInteger(1);
  private static final Set<Process> CHILDREN = ConcurrentHashMap.newKeySet();
  private static volatile Process parent;
  private static volatile long rootPid = OwnPid.PID;

  static {
    Log.processNameFrom(() -> currentProcess().getName());
    ProcessAccess.register(new Access());
    ExitHooks.addFirst(Process::exitFunction);
  }

  private final SerializableRunnable target;
  private volatile String name;
  private volatile boolean daemon;
  private volatile byte[] authkey;
  private final int[] identity;
  private final Long parentPid;
  /** The start method this object was made for (by a Context), or null for the default. */
  private final String startMethod;
  private transient volatile Popen popen;
  private transient volatile boolean closed;

  /** A process whose work is {@link #run()}, overridden by a subclass (Python's {@code Process()}). */
  public Process() {
    this(null, null, null);
  }

  /** A process that runs {@code target} (Python's {@code Process(target=f, args=...)}). */
  public Process(SerializableRunnable target) {
    this(target, null, null);
  }

  /** A process that runs {@code target}, called {@code name} (Python's {@code name=}). */
  public Process(SerializableRunnable target, String name) {
    this(target, name, null);
  }

  /** Used by contexts: a process bound to a start method. */
  Process(SerializableRunnable target, String name, String startMethod) {
    Process creator = currentProcess();
    this.target = target;
    this.identity = append(creator.identity, COUNTER.getAndIncrement());
    this.name = name != null ? name : defaultName(identity);
    this.daemon = false;
    this.authkey = creator.authkey();
    this.parentPid = OwnPid.PID;
    this.startMethod = startMethod;
  }

  /** Rebuilds a process from its {@link Form} in the child. */
  private Process(Form f) {
    this.target = f.target();
    this.identity = f.identity();
    this.name = f.name();
    this.daemon = f.daemon();
    this.authkey = f.authkey();
    this.parentPid = f.parentPid();
    this.startMethod = f.startMethod();
  }

  /**
   * What a plain {@code Process} (a target, no subclass) travels to its child as: a record that
   * the codec takes apart by its fields ({@link Codec.Portable}), without JDK serialization or
   * reflection (a young JVM pays milliseconds and memory to set those up).
   * A subclass may have fields of its own: it travels as itself.
   */
  private record Form(SerializableRunnable target, String name, boolean daemon, byte[] authkey, int[] identity,
      Long parentPid, String startMethod) implements Serializable, Codec.Portable {
    static {
      Codec.registerMessage(Form.class, new FormFactory());
    }

    @Override
    public Object[] portableFields() {
      return new Object[] {target, name, daemon, authkey, identity, parentPid, startMethod};
    }
  }

  /** Builds a {@link Form} from its fields (a class, not a lambda: a young JVM links it cheaper). */
  private static final class FormFactory implements java.util.function.Function<Object[], Form> {
    @Override
    public Form apply(Object[] f) {
      return new Form((SerializableRunnable) f[0], (String) f[1], (Boolean) f[2], (byte[]) f[3], (int[]) f[4],
          (Long) f[5], (String) f[6]);
    }
  }

  private Object travelForm() {
    return getClass() == Process.class
        ? new Form(target, name, daemon, authkey, identity, parentPid, startMethod)
        : this;
  }

  /** The main process's constructor. */
  private Process(String name, byte[] authkey) {
    this.target = null;
    this.identity = new int[0];
    this.name = name;
    this.authkey = authkey;
    this.parentPid = null;
    this.startMethod = null;
  }

  private static int[] append(int[] a, int x) {
    int[] r = Arrays.copyOf(a, a.length + 1);
    r[a.length] = x;
    return r;
  }

  private static String defaultName(int[] identity) {
    return "Process-" + Arrays.stream(identity).mapToObj(Integer::toString).collect(Collectors.joining(":"));
  }

  /**
   * The work of the process; by default runs the target given to the constructor. Override it in
   * a subclass (Python: override {@code run()}). Called in the child, not by user code.
   */
  public void run() {
    if (target != null) {
      target.run();
    }
  }

  /**
   * Starts the process in a child (Python's {@code start()}).
   *
   * @throws IllegalStateException when started twice, closed, used from another process than
   *     the one that created it, or when the current process is a daemon (daemonic processes may
   *     not have children)
   * @throws PicklingException when this object (its target and what it captures) cannot be
   *     serialized; no child is started then
   */
  public void start() {
    synchronized (this) {
      checkNotClosed();
      if (popen != null) {
        throw new IllegalStateException("cannot start a process twice: " + this + " was already started");
      }
      checkOwner("start");
      Process me = currentProcess();
      if (me.daemon && me != this && !(me instanceof MainProcess)) {
        throw new IllegalStateException("daemonic processes are not allowed to have children: "
            + me.name + " is a daemon, so it cannot start " + name);
      }
      reap();
      String method = startMethod != null ? startMethod : Multiprocessing.getStartMethod();
      if (method.equals(StartMethods.THREAD)) {
        popen = StartMethods.startThread(name, daemon, () -> runInThread(this));
      } else {
        byte[] payload;
        Codec.Sent sent = Codec.collectSent();
        try {
          payload = Codec.encode(travelForm(), "the process ", name); // the description built only on error
        } finally {
          Codec.stopCollecting();
        }
        var spec = new LaunchSpec(authkey(), OwnPid.PID, me.name, rootPid,
            Log.level() == null ? "" : Log.level().getName(), Log.logsToStderr(), payload);
        // pipe ends the child receives count as the child's from now on, so that the parent may
        // close its own copies right after start(), as Python code does
        String work = (target != null ? target : this).getClass().getName();
        popen = StartMethods.startJvm(method, spec, work, sent.sharedMemory(),
            pid -> sent.handles().forEach(h -> h.reserveFor(pid)));
      }
      CHILDREN.add(this);
    }
  }

  /** Waits until the process ends (Python's {@code join()}). */
  public void join() {
    join(null);
  }

  /**
   * Waits until the process ends or {@code timeout} passes (Python's {@code join(timeout)};
   * null waits forever). Unlike Python, it tells whether the process has ended.
   *
   * @return true when the process has ended
   * @throws IllegalStateException when not started, closed, or not a child of this process
   * @throws ProcessInterruptedException when the thread is interrupted while waiting
   */
  public boolean join(Duration timeout) {
    checkNotClosed();
    checkOwner("join");
    Popen p = popen;
    if (p == null) {
      throw new IllegalStateException("can only join a started process: " + this + " was never started");
    }
    try {
      boolean ended = p.await(timeout);
      if (ended) {
        CHILDREN.remove(this);
      }
      return ended;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException("interrupted while joining " + this, e);
    }
  }

  /** Whether the process has started and not yet ended (Python's {@code is_alive()}). */
  public boolean isAlive() {
    checkNotClosed();
    if (this == currentProcess()) {
      return true;
    }
    checkOwner("isAlive");
    Popen p = popen;
    if (p == null) {
      return false;
    }
    if (p.poll() == null) {
      return true;
    }
    CHILDREN.remove(this);
    return false;
  }

  /** The process's name (Python's {@code name}); {@code Process-N[:M...]} unless set. */
  public String getName() {
    return name;
  }

  /** Sets the name; only a label, with no meaning to the library (Python's {@code name = ...}). */
  public void setName(String name) {
    this.name = Objects.requireNonNull(name, "a process name must not be null");
  }

  /** Whether the process is a daemon (Python's {@code daemon}). */
  public boolean isDaemon() {
    return daemon;
  }

  /**
   * Marks the process as a daemon: it is terminated when its parent exits, and may not start
   * children of its own (Python's {@code daemon = True}).
   *
   * @throws IllegalStateException after {@link #start()}
   */
  public void setDaemon(boolean daemon) {
    synchronized (this) {
      if (popen != null) {
        throw new IllegalStateException("process has already started: cannot change the daemon flag of " + this);
      }
      this.daemon = daemon;
    }
  }

  /** The OS process id; null before start (Python's {@code pid}). */
  public Long pid() {
    if (this == currentProcess()) {
      return OwnPid.PID;
    }
    Popen p = popen;
    return p == null ? null : p.pid();
  }

  /**
   * The exit code: null before start and while running, 0 after a normal end, 1 after an
   * uncaught exception, {@code n} after {@code System.exit(n)}, {@code -N} after signal N
   * (Python's {@code exitcode}). Of {@code n} the OS keeps {@code n & 255}, as of Python's
   * {@code sys.exit(n)}.
   */
  public Integer exitCode() {
    checkNotClosed();
    Popen p = popen;
    return p == null ? null : p.poll();
  }

  /** A copy of the process's authentication key (Python's {@code authkey}); inherited from the parent. */
  public byte[] getAuthkey() {
    return authkey().clone();
  }

  /** The key itself; the main process draws its key on first use (a child gets its parent's). */
  private byte[] authkey() {
    byte[] key = authkey;
    if (key == null) {
      synchronized (this) {
        if (authkey == null) {
          authkey = newAuthkey();
        }
        key = authkey;
      }
    }
    return key;
  }

  /** Sets the authentication key; a child started afterwards inherits it. */
  public void setAuthkey(byte[] key) {
    Objects.requireNonNull(key, "an authkey must not be null");
    this.authkey = key.clone();
  }

  /**
   * Asks the process to end (SIGTERM; Python's {@code terminate()}). Its exit code becomes -15
   * unless it catches the signal. Does nothing when it has already ended. The process's own
   * children see it gone and exit too (unlike Python, where they are orphaned). A process of the
   * {@code thread} start method is interrupted.
   */
  public void terminate() {
    startedPopen("terminate").terminate();
  }

  /** Ends the process at once (SIGKILL; Python's {@code kill()}); its exit code becomes -9. */
  public void kill() {
    startedPopen("kill").kill();
  }

  /**
   * Releases the process's resources (Python's {@code close()}). Afterwards most methods throw
   * {@link IllegalStateException}.
   *
   * @throws IllegalStateException while the process is still running
   */
  public void close() {
    synchronized (this) {
      Popen p = popen;
      if (p != null) {
        if (p.poll() == null) {
          throw new IllegalStateException("Cannot close a process while it is still running: " + this
              + ". You should first call join() or terminate().");
        }
        p.close();
      }
      CHILDREN.remove(this);
      closed = true;
    }
  }

  /**
   * Completes with this object when the process has ended: Python's {@code sentinel}, in
   * {@link CompletableFuture} form.
   *
   * @throws IllegalStateException when not started
   */
  public CompletableFuture<Process> onExit() {
    return startedPopen("onExit").onExit().thenApply(code -> this);
  }

  /**
   * Python's repr: {@code <Process name='Process-1' pid=4711 parent=4700 started daemon>},
   * {@code ... stopped exitcode=-SIGTERM>}, {@code ... initial>} or {@code ... closed>}.
   */
  @Override
  public String toString() {
    Integer exitcode = null;
    String status;
    Popen p = popen;
    if (this == currentProcess()) {
      status = "started";
    } else if (closed) {
      status = "closed";
    } else if (parentPid == null || parentPid != OwnPid.PID) {
      status = "unknown";
    } else if (p == null) {
      status = "initial";
    } else {
      exitcode = p.poll();
      status = exitcode != null ? "stopped" : "started";
    }
    String type = getClass().getSimpleName().isEmpty() ? "Process" : getClass().getSimpleName();
    var sb = new StringBuilder("<").append(type).append(" name='").append(name).append('\'');
    if (p != null) {
      sb.append(" pid=").append(p.pid());
    }
    sb.append(" parent=").append(parentPid == null ? "None" : parentPid.toString());
    sb.append(' ').append(status);
    if (exitcode != null) {
      String signal = exitcode < 0 ? SIGNAL_NAMES.get(-exitcode) : null;
      sb.append(" exitcode=").append(signal != null ? "-" + signal : exitcode.toString());
    }
    if (daemon) {
      sb.append(" daemon");
    }
    return sb.append('>').toString();
  }

  private Popen startedPopen(String what) {
    checkNotClosed();
    Popen p = popen;
    if (p == null) {
      throw new IllegalStateException("cannot " + what + " " + this + ": it was never started");
    }
    return p;
  }

  private void checkNotClosed() {
    if (closed) {
      throw new IllegalStateException("process object is closed: " + name
          + " was closed with close(); create a new Process");
    }
  }

  private void checkOwner(String what) {
    if (parentPid == null || parentPid != OwnPid.PID) {
      throw new IllegalStateException("can only " + what + " a child process: " + name
          + " was created by process " + parentPid + ", this is process " + OwnPid.PID);
    }
  }

  // ---------------------------------------------------------------- the JVM's process state

  /** Python's {@code current_process()}: see {@link Multiprocessing#currentProcess()}. */
  static Process currentProcess() {
    Process t = THREAD_PROCESS.get();
    return t != null ? t : current;
  }

  /** Python's {@code parent_process()}: null in the main process. */
  static Process parentProcess() {
    return parent;
  }

  /** Python's {@code active_children()}: reaps ended children, returns the running ones. */
  static List<Process> activeChildren() {
    reap();
    return new ArrayList<>(CHILDREN);
  }

  private static void reap() {
    CHILDREN.removeIf(c -> c.popen != null && c.popen.poll() != null);
  }

  /** Python's {@code util._exit_function}: terminate daemonic children, join the others. */
  private static void exitFunction() {
    Log.info("process shutting down");
    Log.debug("running all \"atexit\" finalizers with priority >= 0");
    boolean signalled = ChildMain.exitingOnSignal();
    for (Process p : activeChildren()) {
      if (p.daemon) {
        Log.info("calling terminate() for daemon " + p.name);
        p.popen.terminate();
      }
    }
    for (Process p : activeChildren()) {
      if (signalled) {
        // this JVM is being ended by a signal: its children see it gone and exit by themselves
        continue;
      }
      Log.info("calling join() for process " + p.name);
      try {
        p.popen.await(null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    Log.debug("running the remaining \"atexit\" finalizers");
  }

  private static int runInThread(Process p) {
    THREAD_PROCESS.set(p);
    try {
      p.run();
      return 0;
    } catch (Throwable t) {
      System.err.println("Process " + p.name + ":");
      t.printStackTrace();
      return 1;
    } finally {
      THREAD_PROCESS.remove();
    }
  }

  /** The authkey of a new main process: 32 random bytes (Python: {@code os.urandom(32)}). */
  private static byte[] newAuthkey() {
    byte[] key = new byte[AUTHKEY_BYTES];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /** The main process of a JVM tree (Python's {@code _MainProcess}). */
  private static final class MainProcess extends Process {
    @Serial private static final long serialVersionUID = 1L;

    MainProcess() {
      super("MainProcess", null);
    }
  }

  /**
   * The parent as seen from a child (Python's {@code _ParentProcess}): its name and pid;
   * {@code isAlive} and {@code join} watch the OS process.
   */
  private static final class ParentProcess extends Process {
    @Serial private static final long serialVersionUID = 1L;
    private final transient long pid;

    ParentProcess(String name, long pid, byte[] authkey) {
      super(name, authkey);
      this.pid = pid;
    }

    @Override
    public boolean isAlive() {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public boolean join(Duration timeout) {
      var handle = ProcessHandle.of(pid);
      if (handle.isEmpty()) {
        return true;
      }
      try {
        if (timeout == null) {
          handle.get().onExit().get();
          return true;
        }
        handle.get().onExit().get(Math.max(0, timeout.toNanos()), java.util.concurrent.TimeUnit.NANOSECONDS);
        return true;
      } catch (java.util.concurrent.TimeoutException e) {
        return false;
      } catch (java.util.concurrent.ExecutionException e) {
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProcessInterruptedException("interrupted while joining the parent process " + getName(), e);
      }
    }

    @Override
    public Long pid() {
      return pid;
    }

    @Override
    public Integer exitCode() {
      return isAlive() ? null : Integer.valueOf(0);
    }

    @Override
    public String toString() {
      return "<ParentProcess name='" + getName() + "' pid=" + pid + (isAlive() ? " started>" : " stopped>");
    }
  }

  /** What {@code ChildMain} may do with a Process; see {@link ProcessAccess}. */
  private static final class Access extends ProcessAccess {
    @Override
    public long currentRootPid() {
      return rootPid;
    }

    @Override
    public Object travelForm(Process p) {
      return p.travelForm();
    }

    @Override
    public Process fromTravelForm(Object decoded) {
      return decoded instanceof Form f ? new Process(f) : (Process) decoded;
    }

    @Override
    public void becomeCurrent(Process p, LaunchSpec spec) {
      p.authkey = spec.authkey().clone();
      current = p;
      parent = new ParentProcess(spec.parentName(), spec.parentPid(), spec.authkey());
      rootPid = spec.rootPid();
      if (spec.logToStderr()) {
        Log.toStderr(Log.parseLevel(spec.logLevel()));
      } else if (!spec.logLevel().isEmpty()) {
        Log.logger().setLevel(Log.parseLevel(spec.logLevel()));
      }
    }

    @Override
    public int bootstrap(Process p) {
      int code;
      try {
        Log.info("child process calling self.run()");
        p.run();
        code = 0;
      } catch (Throwable t) {
        System.err.println("Process " + p.name + ":");
        t.printStackTrace();
        code = 1;
      }
      ExitHooks.runNow();
      joinNonDaemonThreads();
      if (Log.enabled(java.util.logging.Level.INFO)) { // not built for nothing: a young JVM links the concatenation first
        Log.info("process exiting with exitcode " + code);
      }
      System.out.flush();
      System.err.flush();
      return code;
    }

    @Override
    public void rehearseExit() {
      ExitHooks.rehearse();
      if (CHILDREN.isEmpty()) {
        exitFunction();
      }
      otherNonDaemonThread(); // looked for, never waited for
    }

    /** Python's {@code threading._shutdown()} in {@code _bootstrap}: wait for non-daemon threads. */
    private static void joinNonDaemonThreads() {
      Thread other;
      while ((other = otherNonDaemonThread()) != null) {
        try {
          other.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    /** A live non-daemon platform thread other than this one (and the JVM's DestroyJavaVM), or null. */
    private static Thread otherNonDaemonThread() {
      ThreadGroup root = Thread.currentThread().getThreadGroup();
      while (root.getParent() != null) {
        root = root.getParent();
      }
      Thread me = Thread.currentThread();
      // enumerate() lists live platform threads without the safepoint of getAllStackTraces()
      Thread[] threads = new Thread[root.activeCount() + 8];
      int n = root.enumerate(threads, true);
      for (int i = 0; i < n; i++) {
        Thread t = threads[i];
        if (t != me && !t.isDaemon() && t.isAlive() && !t.getName().equals("DestroyJavaVM")) {
          return t;
        }
      }
      return null;
    }
  }
}
