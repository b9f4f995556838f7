package org.multiprocessing4j.internal.spawn;

import org.multiprocessing4j.Process;

/**
 * The child JVM's way into {@link Process} internals that are not public API (the pattern of the
 * JDK's {@code SharedSecrets}): becoming the current process and running Python's
 * {@code _bootstrap}. {@code Process} registers the implementation in its static initializer.
 */
public abstract class ProcessAccess {
  private static volatile ProcessAccess instance;

  /** Called once, by {@link Process}'s static initializer. */
  public static void register(ProcessAccess access) {
    instance = access;
  }

  static ProcessAccess get() {
    ProcessAccess a = instance;
    if (a == null) {
      try {
        Class.forName(Process.class.getName(), true, Process.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      a = instance;
    }
    return a;
  }

  /**
   * The pid of the main process of this JVM's process tree: this JVM's own pid in a main process,
   * the pid its parent reported ({@link LaunchSpec#rootPid()}) in a child. Shared-memory segment
   * names carry it, so that a later start-up can tell whether the tree that made a segment is gone.
   */
  public static long rootPid() {
    return get().currentRootPid();
  }

  /** The root pid as {@link Process} knows it; see {@link #rootPid()}. */
  public abstract long currentRootPid();

  /** What {@code p} is encoded as for its child (a record for a plain process, else itself). */
  public abstract Object travelForm(Process p);

  /** The process from a decoded {@link #travelForm}. */
  public abstract Process fromTravelForm(Object decoded);

  /** Makes {@code p} this JVM's current process, with what the parent told about it. */
  public abstract void becomeCurrent(Process p, LaunchSpec spec);

  /**
   * Python's {@code BaseProcess._bootstrap}: runs the target, prints an uncaught exception as
   * {@code Process <name>:} and its stack trace, waits for non-daemon threads, runs the exit
   * actions, and returns the exit code (0, or 1 after an exception).
   */
  public abstract int bootstrap(Process p);

  /**
   * Runs, once and to no effect, the code a child runs between its target's end and its DONE
   * message (the exit function and the wait for non-daemon threads, with no child processes and
   * no other threads to wait for): a spare's pre-warm, so that the real exit does not pay for
   * running that code for the first time. Only in a JVM that has no children and whose only
   * non-daemon thread is the caller.
   */
  public abstract void rehearseExit();
}
