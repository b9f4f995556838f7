package org.multiprocessing4j.internal.spawn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.multiprocessing4j.internal.util.Log;

/**
 * What runs when this JVM exits: Python's {@code util._exit_function} and its "atexit"
 * finalizers. {@link #addFirst} actions (ending children) run before {@link #addLast} actions
 * (closing sockets, killing spares). One JVM shutdown hook runs them; a child JVM runs them itself
 * through {@link #runNow()} before it reports its exit code. Either way they run once.
 */
public final class ExitHooks {
  private static final List<Runnable> FIRST = new ArrayList<>();
  private static final List<Runnable> LAST = new ArrayList<>();
  private static final AtomicBoolean RAN = new AtomicBoolean();
  private static boolean hookInstalled;

  private ExitHooks() {}

  /** Adds an action that runs early at exit (Python: finalizers with priority >= 0). */
  public static synchronized void addFirst(Runnable action) {
    install();
    FIRST.add(action);
  }

  /** Adds an action that runs late at exit (Python: the remaining finalizers). */
  public static synchronized void addLast(Runnable action) {
    install();
    LAST.add(action);
  }

  private static void install() {
    if (!hookInstalled) {
      hookInstalled = true;
      Runtime.getRuntime().addShutdownHook(new Thread(ExitHooks::runNow, "mp4j-exit"));
    }
  }

  /**
   * Runs the start of {@link #runNow} to no effect (a compare-and-set that fails): a spare's
   * pre-warm. A young JVM's first compare-and-set of an {@code AtomicBoolean} links its
   * {@code VarHandle}, which took a warm child's exit ~0.15 ms (the rest of the pre-warm of a
   * spare that rehearses shared memory happened to do it first).
   */
  public static void rehearse() {
    RAN.compareAndSet(true, true);
  }

  /** Runs every action once, first the early ones; later calls do nothing. */
  public static void runNow() {
    if (!RAN.compareAndSet(false, true)) {
      return;
    }
    Log.exiting();
    List<Runnable> actions;
    synchronized (ExitHooks.class) {
      actions = new ArrayList<>(FIRST);
      actions.addAll(LAST);
    }
    for (Runnable action : actions) {
      try {
        action.run();
      } catch (RuntimeException | Error e) {
        // as Python's finalizers: one failing action must not stop the others
        System.err.println("multiprocessing4j: an exit action failed: " + e);
      }
    }
  }
}
