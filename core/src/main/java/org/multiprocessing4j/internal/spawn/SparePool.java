package org.multiprocessing4j.internal.spawn;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.multiprocessing4j.ProcessException;
import org.multiprocessing4j.ProcessInterruptedException;

/**
 * The {@code warm} start method's idle child JVMs (DESIGN.md §2, notes/warm-start.md).
 *
 * <p>A spare is a child JVM started in "spare" mode: it boots, pre-warms the path that receives
 * and runs a process, reports READY on the control socket, and waits on its stdin. {@link #take}
 * hands the next process to a ready spare (or to the spare that is closest to ready), so a start
 * costs a pipe write instead of a JVM boot, and starts a replacement in the background.
 *
 * <p>Spares die with their parent: their stdin reaches EOF however the parent dies, and at normal
 * exit they are killed. The last payload a spare ran is sent to each new spare as a hint, which
 * it deserializes (without running it) so the next start of the same target finds its classes
 * loaded and its lambda linked.
 */
public final class SparePool {
  /** Default number of idle spares; back-to-back starts need more than one (notes/warm-start.md). */
  public static final int DEFAULT_SPARES = 2;
  private static final SparePool INSTANCE = new SparePool();
  /** How long a refill waits after a start while other spares are still idle (see refillInBackground). */
  private static final java.time.Duration REFILL_DELAY = java.time.Duration.ofMillis(30);

  private final ArrayDeque<Spare> idle = new ArrayDeque<>();
  private int target = Integer.getInteger("mp4j.warm.spares", DEFAULT_SPARES);
  private List<String> command;
  private byte[] hint;
  private boolean hookAdded;
  private boolean refilling;

  private record Spare(java.lang.Process process, ControlServer.ChildLink link) {}

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
    while (!idle.isEmpty()) {
      kill(idle.poll());
    }
  }

  /** Starts the spares now, so that the first warm start finds one ready. */
  public synchronized void prestart() {
    refill(currentCommand());
  }

  /** Runs {@code spec} in a spare JVM and returns its handle; starts a replacement spare. */
  JvmPopen take(LaunchSpec spec, java.util.function.LongConsumer beforeLaunch) {
    Spare spare;
    synchronized (this) {
      List<String> cmd = currentCommand();
      spare = pollBest();
      if (spare == null) {
        spare = boot(cmd, hint);
      }
      if (!Arrays.equals(hint, spec.payload())) {
        // the spares waiting now will most likely run this target next: let them link it
        hint = spec.payload();
        idle.forEach(s -> sendHint(s.process, hint));
      }
      refillInBackground(cmd);
    }
    try {
      spare.link.ready.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(spare);
      throw new ProcessInterruptedException("interrupted while waiting for a warm JVM to boot", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof ProcessException pe ? pe
          : new ProcessException("a warm JVM failed to boot: " + e.getCause(), e.getCause());
    }
    var popen = new JvmPopen(spare.process, spare.link);
    beforeLaunch.accept(spare.process.pid());
    JvmPopen.launch(spare.process, spec);
    return popen;
  }

  private List<String> currentCommand() {
    List<String> cmd = ChildJvm.command("spare", AotCache.options());
    if (!cmd.equals(command)) {
      shutdown(); // options changed: spares booted with the old ones would run the wrong JVM
      command = cmd;
    }
    return cmd;
  }

  /** A ready spare if there is one, else the oldest still booting, else null. */
  private Spare pollBest() {
    for (var it = idle.iterator(); it.hasNext(); ) {
      Spare s = it.next();
      if (!s.process.isAlive()) {
        it.remove();
      } else if (s.link.ready.isDone()) {
        it.remove();
        return s;
      }
    }
    return idle.poll();
  }

  /**
   * Boots replacement spares on a virtual thread, a moment after a start: starting a JVM costs a
   * fork/exec of this (large) process, which a {@code start()} should not wait for, and a booting
   * JVM keeps both cores busy for a while, which the process just started should not compete with
   * in its first milliseconds.
   */
  private void refillInBackground(List<String> cmd) {
    if (idle.size() < target && !refilling) {
      refilling = true;
      Thread.ofVirtual().name("mp4j-spare-boot").start(() -> {
        if (!idle.isEmpty()) {
          try {
            Thread.sleep(REFILL_DELAY);
          } catch (InterruptedException e) {
            // boot now
          }
        }
        synchronized (this) {
          refilling = false;
          if (cmd.equals(command)) {
            refill(cmd);
          }
        }
      });
    }
  }

  private void refill(List<String> cmd) {
    if (!hookAdded) {
      hookAdded = true;
      ExitHooks.addLast(this::shutdown);
    }
    while (idle.size() < target) {
      idle.add(boot(cmd, hint));
    }
  }

  private static Spare boot(List<String> cmd, byte[] hint) {
    java.lang.Process p = ChildJvm.start(cmd);
    var link = ControlServer.get().link(p.pid());
    p.onExit().thenRun(() -> {
      ControlServer.get().forget(p.pid());
      link.ready.completeExceptionally(new ProcessException("a warm spare JVM (pid " + p.pid()
          + ") exited while booting with status " + p.exitValue()
          + "; run with spawn to see its error output"));
    });
    if (hint != null) {
      sendHint(p, hint);
    }
    return new Spare(p, link);
  }

  /** Sends a hint frame: the payload of a recent start, which the spare decodes without running. */
  private static void sendHint(java.lang.Process p, byte[] hint) {
    try {
      var out = new DataOutputStream(p.getOutputStream());
      out.writeByte(LaunchSpec.FRAME_HINT);
      out.writeInt(hint.length);
      out.write(hint);
      out.flush();
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
