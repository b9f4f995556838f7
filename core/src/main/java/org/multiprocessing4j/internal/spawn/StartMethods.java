package org.multiprocessing4j.internal.spawn;

import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import org.multiprocessing4j.internal.util.OwnPid;

/** The start methods and how each one starts a process (Python's {@code popen_*} modules). */
public final class StartMethods {
  /** A fresh child JVM per process (Python's {@code spawn}). */
  public static final String SPAWN = "spawn";
  /** A pre-booted spare JVM takes the process ({@link SparePool}); the counterpart of {@code forkserver}. */
  public static final String WARM = "warm";
  /** A thread of this JVM (Python's {@code multiprocessing.dummy}). */
  public static final String THREAD = "thread";
  /** Every start method, the default first. */
  public static final List<String> ALL = List.of(SPAWN, WARM, THREAD);

  private StartMethods() {}

  /** Checks a start method name, with a message listing the valid ones. */
  public static String check(String method) {
    if (!ALL.contains(method)) {
      throw new IllegalArgumentException("cannot find context for '" + method + "': the start methods are " + ALL);
    }
    return method;
  }

  /**
   * Starts a child JVM running the process in {@code spec}, fresh or warm; {@code beforeLaunch}
   * gets the child's pid before the child receives the process. {@code work} names what the
   * process runs (its target's class): warm spares are told to prepare for it when it changes.
   * {@code sharedMemory}: the process holds a handle of something in shared memory, so a fresh
   * JVM gets the AOT cache with the shared-memory machinery in it ({@link AotCache}), a warm start
   * takes a spare that rehearsed shared memory if one is ready, and the spares booted from now on
   * are of that kind ({@link SparePool}).
   */
  public static Popen startJvm(String method, LaunchSpec spec, String work, boolean sharedMemory,
      LongConsumer beforeLaunch) {
    if (method.equals(WARM)) {
      spec.encodedHeader(); // before a JVM is taken: nothing to undo if it fails (the payload is encoded)
      return SparePool.get().take(spec, work, sharedMemory, beforeLaunch);
    }
    SparePool.get().noteWork(sharedMemory); // the kind of spare the next refill boots
    byte[] frame = spec.launchFrame(); // before a JVM is started: nothing to undo if it fails
    java.lang.Process child = ChildJvm.start(ChildJvm.command(SPAWN, AotCache.options(sharedMemory, spec.payload())));
    var popen = new JvmPopen(child, ControlServer.get().link(child.pid()));
    beforeLaunch.accept(child.pid());
    JvmPopen.launch(child, frame);
    return popen;
  }

  /**
   * The AOT training run ({@link AotCache#train}): starts a child JVM with {@code aotOptions} in
   * {@link ChildMain#TRAINEE} mode (with {@code sharedMemory}: {@link ChildMain#TRAINEE_SHARED},
   * which also rehearses the shared-memory path), hands it a process, and waits for it to exit.
   *
   * @return whether it exited with status 0 in time (a trainee whose parent goes away, or whose
   *     process fails, exits with another status)
   */
  static boolean runTrainee(List<String> aotOptions, boolean sharedMemory, byte[] hint, long timeoutSeconds)
      throws InterruptedException {
    java.lang.Process child = ChildJvm.start(ChildJvm.command(
        sharedMemory ? ChildMain.TRAINEE_SHARED : ChildMain.TRAINEE, aotOptions));
    var popen = new JvmPopen(child, ControlServer.get().link(child.pid()));
    long pid = OwnPid.PID;
    var process = new org.multiprocessing4j.Process(ChildMain::trainingTarget);
    byte[] payload = org.multiprocessing4j.internal.pickle.Codec.encode(
        ProcessAccess.get().travelForm(process), "the training process");
    byte[] launch = new LaunchSpec(new byte[32], pid, "MainProcess", pid, "", false, payload).launchFrame();
    var frames = new java.io.ByteArrayOutputStream();
    if (hint.length > 0) {
      // decoded, not run: the program's classes go into the cache
      frames.writeBytes(LaunchSpec.frame(LaunchSpec.FRAME_HINT, hint));
    }
    frames.writeBytes(launch);
    // by a thread: a trainee that does not read must not hold the trainer past its timeout
    AotCache.writeInBackground(child.getOutputStream(), frames.toByteArray(), false);
    if (!popen.await(java.time.Duration.ofSeconds(timeoutSeconds))) {
      popen.kill();
      return false;
    }
    return child.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS) && child.exitValue() == 0;
  }

  /** Starts a thread that runs {@code body} and finishes with its exit code. */
  public static Popen startThread(String name, boolean daemon, IntSupplier body) {
    return new ThreadPopen(name, daemon, body);
  }
}
