package org.multiprocessing4j.internal.spawn;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.multiprocessing4j.ProcessException;
import org.multiprocessing4j.ProcessInterruptedException;

/**
 * The {@code warm} start method's idle child JVMs (DESIGN.md §2, notes/warm-start.md).
 *
 * <p>A spare is a child JVM started in "spare" or "spare-lean" mode: it boots, pre-warms the path that receives
 * and runs a process, reports READY on the control FIFO, and waits on its stdin. {@link #take}
 * hands the next process to a ready spare (or to the spare that is closest to ready), so a start
 * costs a pipe write instead of a JVM boot, and starts a replacement in the background.
 *
 * <p>A spare rehearses shared memory too ({@link ChildMain#SPARE}: the Foreign Function and Memory
 * API's classes, the futex downcall; a pool's workers and a queue's users need them, and a young
 * JVM links them in some 100 ms) while the program's last child JVM start held a handle of
 * something in shared memory, as pool workers do; else it leaves that out and maps the plain AOT
 * cache ({@link ChildMain#SPARE_LEAN}, ~4.5 MiB smaller while it waits). Either kind runs any
 * process; a start takes a spare of its own kind first.
 *
 * <p>Spares die with their parent: their stdin reaches EOF however the parent dies, and at normal
 * exit they are killed. The payload of the last start is sent to each new spare as a hint, which
 * it deserializes (without running it) so the next start of the same target finds its classes
 * loaded and its lambda linked; the idle spares get it too when the target's class changes.
 *
 * <p>Overview of implementation: after a start, the replacement spare is booted (and a changed
 * hint sent), while other spares are idle, only when the started process's JVM has exited or {@value #REFILL_DELAY_MS} ms have passed:
 * on a machine with few cores a booting JVM, or a spare decoding a hint, would otherwise take the
 * CPU from the process just started in its first milliseconds.
 */
public final class SparePool {
  /** Default number of idle spares; back-to-back starts need more than one (notes/warm-start.md). */
  public static final int DEFAULT_SPARES = 2;
  private static final SparePool INSTANCE = new SparePool();
  /** How long a refill waits at most for the started process to finish, while other spares are still idle. */
  private static final long REFILL_DELAY_MS = 100;

  private final ArrayDeque<Spare> idle = new ArrayDeque<>();
  private int target = Integer.getInteger("mp4j.warm.spares", DEFAULT_SPARES);
  /** The child JVM settings the idle spares were booted with ({@link ChildJvm#settingsVersion}). */
  private int settings = ChildJvm.settingsVersion();
  /**
   * Counts {@link #shutdown()}s: a refill asked for before one boots nothing (it would otherwise
   * boot spares after a shutdown, or after a start that found the settings changed).
   */
  private int generation;
  /**
   * Whether the last child JVM start (warm or spawn) held a handle of something in shared memory:
   * the kind of spare to boot (see the class comment). True until a start tells.
   */
  private volatile boolean sharedMemoryWork = true;
  private byte[] hint;
  /** What the hint runs (its target's class name); a start with other work sends a new hint. */
  private String hintWork;
  private boolean hookAdded;
  private boolean refilling;

  /** A spare JVM and its control link; {@code taken} once a process was handed to it (its JvmPopen owns the link then). */
  private static final class Spare {
    final java.lang.Process process;
    final ControlServer.ChildLink link;
    /** Made when the spare boots, not when it is taken: a warm start() need not build it (~50 us). */
    final JvmPopen popen;
    /** The launch header sent to it as it booted ({@link LaunchSpec#FRAME_HEADER}), or null. */
    final byte[] header;
    /** Whether it rehearsed shared memory ({@link ChildMain#SPARE}) or not ({@link ChildMain#SPARE_LEAN}). */
    final boolean sharedMemory;
    volatile boolean taken;

    Spare(java.lang.Process process, ControlServer.ChildLink link, byte[] header, boolean sharedMemory) {
      this.process = process;
      this.link = link;
      this.popen = new JvmPopen(process, link);
      this.header = header;
      this.sharedMemory = sharedMemory;
    }
  }

  private SparePool() {}

  /** The JVM's pool of spares. */
  public static SparePool get() {
    return INSTANCE;
  }

  /** Sets how many idle spares to keep (0 turns warm starts into cold ones); applies from now. */
  public synchronized void setSpares(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("the number of warm spares must be >= 0, not " + n);
    }
    target = n;
    while (idle.size() > n) {
      kill(idle.pollLast());
    }
  }

  /** How many idle spares the pool keeps. */
  public synchronized int spares() {
    return target;
  }

  /** Pids of the spares now idle (booting or ready). */
  public synchronized List<Long> idlePids() {
    return idle.stream().map(s -> s.process.pid()).toList();
  }

  /** Kills every idle spare; the pool boots new ones on the next warm start. */
  public synchronized void shutdown() {
    generation++;
    while (!idle.isEmpty()) {
      kill(idle.poll());
    }
  }

  /**
   * Waits until the refills asked for so far (by warm starts) have run or been dropped: for tests
   * and benchmarks that look at the spares. One refill runs at a time, in the order asked.
   *
   * @return false if they had not within {@code timeout}
   */
  public boolean awaitRefills(java.time.Duration timeout) throws InterruptedException {
    try {
      REFILLER.submit(() -> {}).get(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("an empty task failed on the refill thread", e.getCause());
    }
  }

  /** Starts the spares now, so that the first warm start finds one ready. */
  public synchronized void prestart() {
    refill(currentCommand(sharedMemoryWork, null), sharedMemoryWork);
  }

  /**
   * Notes what a child JVM start (warm or spawn) is about to run: whether its process holds a
   * handle of something in shared memory, which decides the kind of the spares booted from now on.
   */
  void noteWork(boolean sharedMemory) {
    sharedMemoryWork = sharedMemory;
  }

  /**
   * Runs {@code spec} in a spare JVM (of the kind {@code sharedMemory} asks for if one is ready)
   * and returns its handle; starts a replacement spare, of that kind, once the process's JVM has
   * exited (or {@value #REFILL_DELAY_MS} ms have passed) while other spares are idle, else at once.
   * The OS exit comes some milliseconds after the child's DONE message, which ends {@code join()}.
   */
  JvmPopen take(LaunchSpec spec, String work, boolean sharedMemory, java.util.function.LongConsumer beforeLaunch) {
    Spare spare;
    List<String> cmd;
    boolean newWork;
    synchronized (this) {
      noteWork(sharedMemory);
      cmd = currentCommand(sharedMemory, spec.payload());
      spare = pollBest(sharedMemory);
      if (spare == null) {
        spare = boot(cmd, hint, sharedMemory);
      }
      newWork = !work.equals(hintWork);
      hint = spec.payload(); // the latest payload of this work: the best hint for a new spare
      hintWork = work;
    }
    java.util.concurrent.CompletableFuture<?> started = java.util.concurrent.CompletableFuture.completedFuture(null);
    try {
      spare.link.ready.get();
      spare.taken = true;
      var popen = spare.popen;
      // the OS exit, not the DONE message that ends join(): the replacement's boot (a fork of
      // this JVM, then a JVM booting) then competes neither with the joiner's wake-up nor with
      // the child's own exit
      started = popen.osExit();
      beforeLaunch.accept(spare.process.pid());
      JvmPopen.launch(spare.process, spec.launchFrame(spare.header));
      return popen;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(spare);
      throw new ProcessInterruptedException("interrupted while waiting for a warm JVM to boot", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof ProcessException pe ? pe
          : new ProcessException("a warm JVM failed to boot: " + e.getCause(), e.getCause());
    } finally {
      synchronized (this) {
        refillInBackground(cmd, sharedMemory, started, newWork);
      }
    }
  }

  /**
   * The command line of a spare of this kind; {@code hint}: the payload of the start asking, or
   * null (see {@link AotCache#options}). Idle spares booted with older settings are killed.
   */
  private List<String> currentCommand(boolean sharedMemory, byte[] hint) {
    int now = ChildJvm.settingsVersion();
    if (now != settings) {
      shutdown(); // setExecutable or setJvmOptions since: the spares would run the wrong JVM
      settings = now;
    }
    return ChildJvm.command(sharedMemory ? ChildMain.SPARE : ChildMain.SPARE_LEAN, AotCache.options(sharedMemory, hint));
  }

  /** A ready spare of this kind if there is one, else a ready one, else the oldest still booting, else null. */
  private Spare pollBest(boolean sharedMemory) {
    Spare ready = null;
    for (var it = idle.iterator(); it.hasNext(); ) {
      Spare s = it.next();
      if (!s.process.isAlive()) {
        it.remove();
      } else if (s.link.ready.isDone()) {
        if (s.sharedMemory == sharedMemory) {
          ready = s;
          break;
        }
        if (ready == null) {
          ready = s; // of the other kind: taken if none of this kind is ready
        }
      }
    }
    if (ready != null) {
      idle.remove(ready);
      return ready;
    }
    return idle.poll();
  }

  /**
   * Boots replacement spares (and, for {@code newWork}, sends the idle ones the new hint) on the
   * {@link #REFILLER} thread (one request after another), once the JVM of the process just started has exited ({@code startedDone}) or after
   * {@value #REFILL_DELAY_MS} ms: starting a JVM costs a fork/exec of this (large) process, which a
   * {@code start()} should not wait for, and a booting JVM or a spare decoding a hint keeps the
   * cores busy for a while, which the process just started should not compete with.
   */
  private void refillInBackground(List<String> cmd, boolean sharedMemory,
      java.util.concurrent.CompletableFuture<?> startedDone, boolean newWork) {
    boolean boot = idle.size() < target && !refilling;
    if (!boot && !newWork) {
      return;
    }
    refilling |= boot;
    boolean wait = !idle.isEmpty();
    int asked = generation;
    REFILLER.execute(() -> {
      if (wait) {
        try {
          startedDone.get(REFILL_DELAY_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
          // go on now
        }
      }
      synchronized (this) {
        if (newWork) {
          // the spares waiting now will most likely run this work next: let them link it
          byte[] frame = LaunchSpec.frame(LaunchSpec.FRAME_HINT, hint);
          idle.forEach(s -> sendFrame(s.process, frame));
        }
        if (boot) {
          refilling = false;
          if (asked == generation) {
            // the kind of the latest start, not of the one that asked: a start made while this
            // refill waited asked for none (one refill at a time) and may have changed the kind
            boolean kind = sharedMemoryWork;
            // settings changed since the ask (setExecutable, setJvmOptions): the current command,
            // which also kills the idle spares booted with the old one
            boolean same = kind == sharedMemory && ChildJvm.settingsVersion() == settings;
            refill(same ? cmd : currentCommand(kind, null), kind);
          }
        }
      }
    });
  }

  /**
   * Runs the refills, one after another, on a daemon thread that ends after a few idle seconds.
   * Not a new thread per start: creating one (even a virtual one) took a warm {@code start()}
   * some 0.3 ms.
   */
  private static final java.util.concurrent.ThreadPoolExecutor REFILLER = new java.util.concurrent.ThreadPoolExecutor(
      0, 1, 5, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
      r -> Thread.ofPlatform().daemon().name("mp4j-spare-boot").unstarted(r));

  private void refill(List<String> cmd, boolean sharedMemory) {
    if (!hookAdded) {
      hookAdded = true;
      ExitHooks.addLast(this::shutdown);
    }
    while (idle.size() < target) {
      idle.add(boot(cmd, hint, sharedMemory));
    }
  }

  private static Spare boot(List<String> cmd, byte[] hint, boolean sharedMemory) {
    java.lang.Process p = ChildJvm.start(cmd);
    var link = ControlServer.get().link(p.pid());
    byte[] header = LaunchSpec.lastHeader(); // the next start's most likely: decoded by the spare while it waits
    var spare = new Spare(p, link, header, sharedMemory);
    // through the JvmPopen's own wait for the exit (which also forgets the link): each
    // Process.onExit() costs a thread at the child's exit, when the CPU is wanted elsewhere
    spare.popen.osExit().thenRun(() -> {
      link.ready.completeExceptionally(new ProcessException("a warm spare JVM (pid " + p.pid()
          + ") exited while booting with status " + p.exitValue()
          + "; run with spawn to see its error output"));
    });
    if (header != null) {
      sendFrame(p, LaunchSpec.frame(LaunchSpec.FRAME_HEADER, header));
    }
    if (hint != null) {
      sendFrame(p, LaunchSpec.frame(LaunchSpec.FRAME_HINT, hint));
    }
    return spare;
  }

  /** Sends a header or hint frame (a hint: the payload of a recent start, which the spare decodes without running). */
  private static void sendFrame(java.lang.Process p, byte[] frame) {
    try {
      LaunchSpec.write(p.getOutputStream(), frame);
    } catch (IOException e) {
      // the spare died while booting; take() notices
    }
  }

  private static void kill(Spare s) {
    if (s != null) {
      s.process.destroyForcibly();
    }
  }
}
