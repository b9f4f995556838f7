package org.multiprocessing4j.internal.spawn;

import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.pickle.Codec;
import org.multiprocessing4j.internal.util.OwnPid;

/**
 * The main class of every child JVM (DESIGN.md §2): Python's {@code spawn_main}.
 *
 * <p>Arguments: the path of the parent's control FIFO and a mode. {@code spawn}: read the launch
 * frame from stdin and run the process. {@code spare}: pre-warm, report READY, then do the same
 * (the {@code warm} start method); {@code spare-lean}: the same without the shared-memory part of
 * the pre-warm. {@code train} / {@code train-shared}: build the plain or the
 * shared-memory AOT cache ({@link AotCache}), by starting a child in {@code trainee} mode (a
 * spawned child) or {@code trainee-shared} mode (a spare, pre-warm and shared-memory rehearsal
 * included) and handing it a process to run.
 *
 * <p>After the launch frame, stdin is only watched for EOF: EOF means the parent is gone, however
 * it died, and the child halts at once. User code sees an empty {@code System.in}.
 */
public final class ChildMain {
  /** Exit status of a child whose parent died: it is never reported to anyone. */
  private static final int PARENT_GONE = 1;
  /** How often a spare decodes a hint: enough for the decoder's hot path to get compiled. */
  private static final int HINT_DECODES = 100;
  /** Data bytes of the ring {@link #prewarmSharedMemory()} uses. */
  private static final int WARM_UP_RING_BYTES = 4096;
  /** The mode of a spare JVM ({@code warm} start method) that also rehearses shared memory. */
  static final String SPARE = "spare";
  /**
   * The mode of a spare that does not rehearse shared memory (and maps the plain AOT cache): ~4.5
   * MiB smaller, booted while the program's recent starts held no shared-memory handle (see
   * {@link SparePool}).
   */
  static final String SPARE_LEAN = "spare-lean";
  /**
   * The mode of the plain cache's training run: a spawned child, without a spare's pre-warm
   * (whose records and lambdas would make the plain cache, and so every child that maps it,
   * ~0.5 MiB larger).
   */
  static final String TRAINEE = "trainee";
  /** The mode of the training run of the shared-memory cache: a spare, pre-warm and rehearsal included. */
  static final String TRAINEE_SHARED = "trainee-shared";
  /** The trainer's modes (see {@link AotCache#train}): the plain cache, the shared-memory one. */
  static final String TRAIN = "train";
  static final String TRAIN_SHARED = "train-shared";

  private static volatile boolean reportExits = true;
  private static volatile boolean signalled;
  private static volatile boolean exiting;
  private static volatile FileChannel stdinChannel;

  private ChildMain() {}

  /** Entry point; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    String mode = args[1];
    if (mode.equals(TRAIN) || mode.equals(TRAIN_SHARED)) {
      ChildJvm.setJvmOptions(Arrays.asList(args).subList(3, args.length)); // the children's setJvmOptions
      byte[] hint = System.in.readNBytes(AotCache.MAX_TRAINING_HINT); // a payload to decode in training, or none
      AotCache.train(Path.of(args[2]), mode.equals(TRAIN_SHARED), hint);
      return;
    }
    // as early as possible: a signal noted from here on is not reported as an exit code
    ControlClient control = ControlClient.connect(args[0]);
    interceptExit(control);
    var stdin = new FileInputStream(FileDescriptor.in);
    // the watcher reads through a channel: closing it wakes a thread blocked in read(2) (see releaseStdin)
    stdinChannel = stdin.getChannel();
    System.setIn(new ByteArrayInputStream(new byte[0]));
    // frames are read through the stream itself, not the channel: the channel's Java code around
    // read(2) (a temporary direct buffer, the blocking bookkeeping) took a spare ~0.1 ms of its
    // start, run cold; and the stream's available() asks the kernel, where the channel's says 0
    var in = new LaunchSpec.FrameReader(stdin);
    // a latch, not a CompletableFuture: joining one sets up the ForkJoinPool machinery (memory, time)
    var launched = new CountDownLatch(1);
    // started now, not after the launch: creating a thread costs milliseconds in a young JVM
    Thread.ofPlatform().daemon().name("mp4j-parent-watch")
        .start(() -> watchParent(Channels.newInputStream(stdinChannel), launched));
    if (mode.equals(SPARE) || mode.equals(SPARE_LEAN) || mode.equals(TRAINEE_SHARED)) {
      prewarm();
      if (!mode.equals(SPARE_LEAN)) {
        prewarmSharedMemory();
      }
      if (control != null) {
        control.send(ControlMessage.READY, 0);
      }
    }
    // a trainee decodes its hint even with the launch frame behind it: the hint is what it is for
    LaunchSpec spec = readLaunch(in, mode.equals(TRAINEE) || mode.equals(TRAINEE_SHARED));
    launched.countDown();
    ProcessAccess access = ProcessAccess.get();
    Process p = access.fromTravelForm(Codec.decode(spec.payload()));
    access.becomeCurrent(p, spec);
    int code = access.bootstrap(p);
    reportExits = false;
    if (control != null) {
      control.send(ControlMessage.DONE, code);
    }
    releaseStdin();
    System.exit(code);
  }

  /**
   * Reads frames until the launch frame: a header is kept for the launch (decoded now, while the
   * spare waits), hints are decoded (not run) to warm their classes up.
   */
  private static LaunchSpec readLaunch(LaunchSpec.FrameReader in, boolean decodeEveryHint) {
    LaunchSpec.Header header = null;
    try {
      while (true) {
        byte[] body = in.next();
        byte type = in.type();
        if (type == LaunchSpec.FRAME_LAUNCH) {
          return LaunchSpec.decode(body, header);
        } else if (type == LaunchSpec.FRAME_HEADER) {
          header = LaunchSpec.decodeHeader(body);
        } else {
          warmUpOn(body, in, decodeEveryHint);
        }
      }
    } catch (IOException e) {
      if (exiting) {
        awaitShutdown(); // a signal is ending this JVM (its exit status tells which): let it
      }
      Runtime.getRuntime().halt(PARENT_GONE); // the parent went away before giving us work
      throw new IllegalStateException(e);
    } catch (RuntimeException | OutOfMemoryError e) {
      // parent and child run the same library, so this is a bug or a corrupted pipe (a length
      // that is not one, which an allocation refuses): say so
      System.err.println("multiprocessing4j: child JVM " + OwnPid.PID
          + " cannot read the process its parent sent (" + e + "); it exits with status 1");
      Runtime.getRuntime().halt(1);
      throw e;
    }
  }

  /**
   * Once the launch frame is read, stdin carries nothing but EOF, which means the parent is
   * gone, however it died: the JVM halts at once.
   */
  private static void watchParent(InputStream in, CountDownLatch launched) {
    while (launched.getCount() > 0) {
      try {
        launched.await();
      } catch (InterruptedException e) {
        // nobody interrupts this thread; keep waiting for the launch
      }
    }
    try {
      while (in.read() >= 0) {
        // nothing else is sent after the launch frame; keep draining until EOF
      }
    } catch (IOException e) {
      // same as EOF, or the channel was closed by releaseStdin()
    }
    if (!exiting) {
      Runtime.getRuntime().halt(PARENT_GONE);
    }
  }

  /** Blocks the calling thread while the JVM's shutdown, already under way, finishes. */
  private static void awaitShutdown() {
    while (true) {
      try {
        Thread.sleep(java.time.Duration.ofDays(1));
      } catch (InterruptedException e) {
        // keep waiting: the JVM halts at the end of its shutdown
      }
    }
  }

  /**
   * This JVM is exiting by itself: wake the watcher out of its read(2). HotSpot's exit waits up
   * to ~300 ms for threads blocked in native code, so a watcher left blocked in a read would keep
   * every child (its memory, its pid) alive that much longer after its exit code was reported.
   */
  private static void releaseStdin() {
    exiting = true;
    FileChannel ch = stdinChannel;
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // exiting anyway
      }
    }
  }

  /**
   * Decodes a hint repeatedly, so its classes are loaded, its lambda linked and the decoder
   * compiled; stops when another frame arrives (with {@code atLeastOnce}, after the first decode).
   */
  private static void warmUpOn(byte[] hint, LaunchSpec.FrameReader in, boolean atLeastOnce) throws IOException {
    try {
      for (int i = 0; i < HINT_DECODES && (in.available() == 0 || atLeastOnce && i == 0); i++) {
        Codec.decodeToWarmUp(hint);
      }
    } catch (RuntimeException e) {
      // a hint is only a hint
    }
  }

  /**
   * Loads and links the path that receives and runs a process, so that a spare's first real
   * start is fast: decode and run a serializable lambda, as a launch would.
   */
  private static void prewarm() {
    SerializableRunnable warm = () -> Arrays.fill(new byte[1], (byte) 1);
    for (int i = 0; i < 3; i++) {
      ((Runnable) Codec.decode(Codec.encode(warm, "the warm-up lambda"))).run();
      // records, lists and arrays of objects: the first record a JVM serializes costs it 100+ ms
      // of setting up (method handles for the canonical constructor); pay that before READY
      Codec.decode(Codec.encode(new WarmUpRecord(i, 1L, List.of("a", i), new Object[] {i, "b"}), "a warm-up record"));
    }
    ProcessAccess.get();
    rehearseLaunchFrame();
    // the library's logging calls, as a launch makes them: without a logger (the parent sends a
    // level when it logs) they return at once and java.util.logging is never set up
    org.multiprocessing4j.internal.util.Log.debug("warm-up of the start path");
    ProcessAccess.get().rehearseExit(); // the exit path's code, run once
  }

  /**
   * Reads a header frame and launch frames (with and without a header) from memory, as the real
   * ones will be read: the first run of a method resolves its calls and fields, and in a spare
   * that had not read one before, reading the real frame took 0.2–0.4 ms of a warm start.
   */
  private static void rehearseLaunchFrame() {
    try {
      var spec = new LaunchSpec(new byte[32], 1L, "MainProcess", 1L, "INFO", false, new byte[1]);
      var frames = new java.io.ByteArrayOutputStream();
      for (byte[] frame : spec.rehearsalFrames()) {
        LaunchSpec.write(frames, frame);
      }
      var in = new LaunchSpec.FrameReader(new ByteArrayInputStream(frames.toByteArray()));
      var sent = LaunchSpec.decodeHeader(in.next());
      LaunchSpec.decode(in.next(), null);
      LaunchSpec.decode(in.next(), sent);
    } catch (IOException | RuntimeException e) {
      // a warm-up only
    }
  }

  /**
   * Runs the shared-memory machinery once (a ring written and read, a futex wait and wake):
   * queues, pipes, locks and pool workers use it, and a young JVM links it in some 100 ms (the
   * Foreign Function and Memory API's method handles, above all the futex downcall). The ring
   * lives in this JVM's own memory, not in /dev/shm: a spare leaves no file anywhere, not even
   * for a moment. Spares, and the training of the shared-memory cache that spares and children
   * given shared-memory handles use; the plain cache leaves it out, which keeps that cache, and
   * with it the memory of every other spawned child, ~2.5 MiB smaller.
   */
  private static void prewarmSharedMemory() {
    // the classes of a queue's receiving end and of a pool worker, loaded and initialized (the
    // training of the shared-memory cache runs this too, so the cache holds them)
    for (String name : WORKER_CLASSES) {
      try {
        Class.forName(name, true, ChildMain.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        // a warm-up only
      }
    }
    try {
      var memory = java.lang.foreign.Arena.ofAuto().allocate(
          org.multiprocessing4j.internal.ring.RingBuffer.segmentSize(WARM_UP_RING_BYTES), Long.BYTES);
      var ring = org.multiprocessing4j.internal.ring.RingBuffer.format(memory, "mp4j-warm-up-ring", false);
      byte[] message = Codec.encode(List.of(1, "a"), "a warm-up item");
      ring.write(message, 0, message.length);
      Codec.decode(ring.read(0));
      if (org.multiprocessing4j.internal.futex.Futex.usesFutex()) {
        // the futex downcall (linking it is the expensive part): a wait that fails at once, a wake of nobody
        org.multiprocessing4j.internal.futex.Futex.waitOnce(memory, 0, -1, 0);
        org.multiprocessing4j.internal.futex.Futex.wakeAll(memory, 0);
      }
    } catch (RuntimeException | InterruptedException e) {
      // a warm-up only: the real use reports its own errors
    }
    // the start-up sweep of /dev/shm (it runs at a JVM's first use of shared memory: a spare's is now)
    org.multiprocessing4j.internal.shm.ShmSweeper.sweepOnceAtStartup();
    // mapping a file into a shared arena, as attaching to a segment does: a page of the JDK's own
    // class image, read-only (nothing is created)
    try (var arena = java.lang.foreign.Arena.ofShared();
        var file = FileChannel.open(Path.of(System.getProperty("java.home"), "lib", "modules"))) {
      file.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(4096, file.size()), arena).get(ValueLayout.JAVA_BYTE, 0);
    } catch (IOException | RuntimeException e) {
      // a warm-up only
    }
  }

  /** What a pool worker and a queue's receiver load: see {@link #prewarmSharedMemory()}. */
  static final List<String> WORKER_CLASSES = List.of(
      "org.multiprocessing4j.internal.queue.RingQueue", "org.multiprocessing4j.internal.shm.ShmSegment",
      "org.multiprocessing4j.internal.futex.Spin", "org.multiprocessing4j.pool.PoolWorker",
      "org.multiprocessing4j.pool.PoolMessages$Start", "org.multiprocessing4j.pool.PoolMessages$Ready", "org.multiprocessing4j.pool.PoolMessages$Func",
      "org.multiprocessing4j.pool.PoolMessages$Task", "org.multiprocessing4j.pool.PoolMessages$Forget",
      "org.multiprocessing4j.pool.PoolMessages$Stop", "org.multiprocessing4j.pool.PoolMessages$Result",
      "org.multiprocessing4j.pool.PoolMessages$Exited", "org.multiprocessing4j.pool.PoolMessages$Shutdown");

  /** What {@link #prewarm()} serializes: a record with a primitive, a box, a list and an array. */
  private record WarmUpRecord(int i, Long l, List<Object> list, Object[] array) implements java.io.Serializable {}

  /** What the AOT training run's process runs: nothing (the start path around it is the point). */
  static void trainingTarget() {
    // the training is the start and exit of the child around this call
  }

  /**
   * Lets the parent tell {@code System.exit(143)} from death by SIGTERM (both are status 143 at the
   * OS level). The JDK ends the JVM on SIGTERM, SIGINT and SIGHUP by running its shutdown with
   * status 128 + N: a handler of ours set in front of the JDK's notes the signal
   * ({@link #signalled}) and hands it on. A shutdown hook then tells the parent, when no signal
   * was noted, that the exit is a call of {@code System.exit} (EXIT): its status is an exit code.
   * (The JDK's {@code Runtime.exit} logger would also tell, but setting up
   * {@code java.util.logging} cost a young JVM ~7 ms.)
   */
  // sun.misc.Signal (module jdk.unsupported) is the supported way to handle a signal in Java;
  // javac warns about it as "internal proprietary API" whatever is done, so the build shows that
  private static void interceptExit(ControlClient control) {
    for (String name : SHUTDOWN_SIGNALS) {
      try {
        sun.misc.Signal signal = new sun.misc.Signal(name);
        var noting = new NotingHandler();
        noting.next = sun.misc.Signal.handle(signal, noting);
        if (noting.next == sun.misc.SignalHandler.SIG_IGN) {
          sun.misc.Signal.handle(signal, sun.misc.SignalHandler.SIG_IGN); // ignored before us: stay so
        }
      } catch (IllegalArgumentException e) {
        // -Xrs: the JVM refuses Java handlers for these signals, whose default action then ends
        // it without shutdown hooks (no EXIT is sent, so the status reads as the signal)
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (reportExits && !signalled) {
        releaseStdin();
        if (control != null) {
          control.send(ControlMessage.EXIT, 0);
        }
      }
    }, "mp4j-exit-report"));
  }

  /** Whether the JVM's shutdown hooks have started: asks to remove a hook that was never added. */
  private static boolean shutdownUnderWay() {
    try {
      Runtime.getRuntime().removeShutdownHook(new Thread()); // false: it was never added
      return false;
    } catch (IllegalStateException e) {
      return true; // "Shutdown in progress"
    }
  }

  /** The signals on which the JDK runs its shutdown (java.lang.Terminator). */
  private static final String[] SHUTDOWN_SIGNALS = {"TERM", "INT", "HUP"};

  /** Notes that a signal is ending this JVM, then does what was done before (the JDK's shutdown). */
  private static final class NotingHandler implements sun.misc.SignalHandler {
    sun.misc.SignalHandler next;

    @Override
    public void handle(sun.misc.Signal signal) {
      if (!shutdownUnderWay()) {
        // once a System.exit(n) runs its hooks, the signal cannot change the status (the JDK's
        // second shutdown waits for the first): the exit stays a call, reported as such
        signalled = true;
      }
      releaseStdin();
      try {
        next.handle(signal); // the JDK's: a shutdown with status 128 + N
      } catch (UnsupportedOperationException e) {
        // a native handler was there (Java cannot call it): end as the JDK would
        Runtime.getRuntime().exit(128 + signal.getNumber());
      }
    }
  }

  /** True when this JVM is exiting because of a signal (then children are not waited for). */
  public static boolean exitingOnSignal() {
    return signalled;
  }
}
