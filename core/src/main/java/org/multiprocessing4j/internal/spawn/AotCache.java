package org.multiprocessing4j.internal.spawn;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JDK 25 AOT cache of child JVMs (JEP 483/514): classes of the child's start path loaded and
 * linked ahead of time, which takes roughly a third off a child's boot (notes/warm-start.md). It
 * holds classes only, no method profiles (JEP 515): see {@link #train}.
 *
 * <p>The cache is keyed by everything that makes it valid: the {@code java} launcher, the JDK
 * version, the child's options, and each class path jar's path, size and modification time. It
 * lives in {@code ~/.cache/multiprocessing4j/aot/<key>.aot}, and beside it {@code <key>-shm.aot},
 * the cache of spares that rehearse shared memory and of children given a handle of something in
 * shared memory, which also holds the shared-memory path ({@link #options}). When a cache is missing, the first
 * child start that needs it launches a trainer in the background ({@link ChildMain} in "train" or
 * "train-shared" mode, given the {@code setJvmOptions} options) and goes on without the cache;
 * later starts find it. The trainer is the parent of one real start: a child in "trainee" (or
 * "trainee-shared") mode records a configuration while it boots, decodes the payload of the start
 * that found the cache missing (without running it: the program's classes and its target's
 * lambda are then in the cache), receives a process and runs it (the shared one rehearses the
 * shared-memory path first, as a spare does); the trainer then
 * assembles the cache into a temporary file and renames it into place, so a half-written cache
 * is never used. One trainer runs at a time; the cache directory keeps the caches of the six
 * most recent keys. A stale or unreadable
 * cache never breaks a start: the JVM ignores it (its messages about that are switched off).
 *
 * <p>Only a class path made of jars can be cached (a JDK restriction); directories on the class
 * path (as in a Maven test run) or a module path turn the cache off. {@code -Dmp4j.aot=false}
 * turns it off too.
 */
final class AotCache {
  /** Silences the JVM's warnings about a stale or unusable cache: a cache miss is not an error. */
  static final List<String> QUIET = List.of("-Xlog:aot=off", "-Xlog:cds=off");
  private static final String ENABLED_PROPERTY = "mp4j.aot";
  /** Whether the training of the plain [0] and the shared-memory [1] cache was started. */
  private static final boolean[] TRAINING_STARTED = new boolean[2];
  /** Keys whose caches are kept in the cache directory (one key per class path and options in use). */
  private static final int KEPT_KEYS = 6;
  /** What the shared-memory cache's file name adds to the plain one's. */
  private static final String SHARED_SUFFIX = "-shm";
  /** How long each step of the training may take before it is given up. */
  private static final long TRAINING_TIMEOUT_S = 60;
  /**
   * The largest process payload handed to the training as a hint: it goes through the trainer's
   * stdin pipe in one write, which never blocks the start that sends it while it fits the pipe.
   */
  static final int MAX_TRAINING_HINT = 32 * 1024;

  private AotCache() {}

  /**
   * The options that make a child use a cache, or none (and training started) when it is missing.
   *
   * @param sharedMemory the cache for spares that rehearse shared memory and children given a
   *     handle of something in shared memory: trained with the shared-memory path too (the Foreign Function and Memory API's
   *     classes, ~2.5 MiB more for a child that maps it), which such a child would otherwise load
   *     and link itself (a spawned pool worker's first result ~30% later). The plain cache, for
   *     every other child, leaves it out.
   * @param hint the payload of the process about to start, or null: when this call starts the
   *     training, the training child decodes it (without running it), so the cache also holds the
   *     program's own classes. A spawned child otherwise loads them from the class path, which cost
   *     the bench's children ~10 ms (the app class loader opens the jars in turn). Without one, the
   *     training takes the last payload seen (spares booted ahead of any start have none).
   */
  static List<String> options(boolean sharedMemory, byte[] hint) {
    boolean usable = hint != null && hint.length <= MAX_TRAINING_HINT;
    if (!Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"))
        || AotCache.class.getModule().isNamed()) {
      return List.of();
    }
    Memo m = memo();
    int kind = sharedMemory ? 1 : 0;
    Path cache = m.files[kind];
    if (cache == null) {
      return List.of();
    }
    List<String> found = m.options[kind];
    if (found != null) {
      if (usable && m.options[1 - kind] == null) {
        lastHint = hint; // for the other cache's training (spares booted ahead of any start have no payload)
      }
      return found; // found before: not looked for again (a cache deleted since is ignored by the JVM)
    }
    if (Files.isRegularFile(cache)) {
      var opts = new ArrayList<String>();
      opts.add("-XX:AOTCache=" + cache);
      opts.addAll(QUIET);
      m.options[kind] = List.copyOf(opts);
      if (m.options[1 - kind] != null) {
        lastHint = null; // both caches are there: no training will want it
      }
      return m.options[kind];
    }
    if (usable) {
      lastHint = hint;
    }
    startTraining(cache, sharedMemory, usable ? hint : lastHint);
    return List.of();
  }

  /**
   * The cache files (and, once found, the options) for the current class path and options. One
   * object for both: settings changed in between cannot pair one's file with the other's options.
   */
  private static Memo memo() {
    // hashing the class path stats every jar: do it once per set of settings, not per start
    String cp = System.getProperty("java.class.path", "");
    Path exe = ChildJvm.executable();
    List<String> options = ChildJvm.jvmOptions();
    Memo m = memo;
    if (m != null && m.settings.get(0) == cp && m.settings.get(1) == exe && m.settings.get(2) == options) {
      return m; // the same objects as last time: no comparison of their contents
    }
    List<Object> settings = List.of(cp, exe, options);
    if (m == null || !m.settings.equals(settings)) {
      m = memo = new Memo(settings, cacheFiles(computeKey()));
    }
    return m;
  }

  /** The cache files (plain, shared-memory) for one set of settings, and the options that use them once they exist. */
  private static final class Memo {
    final List<Object> settings;
    /** Null when no cache can be used (a class path that is not all jars). */
    final Path[] files;
    /** Set once the file is found; read and written racily (the same value whoever writes it). */
    final List<String>[] options;

    @SuppressWarnings({"unchecked", "rawtypes"}) // an array of lists
    Memo(List<Object> settings, Path[] files) {
      this.settings = settings;
      this.files = files;
      this.options = new List[2];
    }
  }

  private static volatile Memo memo;

  /** The plain and the shared-memory cache file of a key; two nulls for no key (no cache possible). */
  static Path[] cacheFiles(String key) {
    if (key == null) {
      return new Path[2];
    }
    return new Path[] {cacheDir().resolve(key + ".aot"), cacheDir().resolve(key + SHARED_SUFFIX + ".aot")};
  }

  /** The key of the current class path, JDK and options, or null when they cannot be cached. */
  private static String computeKey() {
    String cp = System.getProperty("java.class.path", "");
    if (cp.isEmpty()) {
      return null;
    }
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      digest.update((ChildJvm.executable() + "\n" + Runtime.version() + "\n"
          + ChildJvm.jvmOptions() + "\n" + ChildJvm.inheritedOptions() + "\n").getBytes(StandardCharsets.UTF_8));
      for (String entry : cp.split(File.pathSeparator)) {
        Path p = Path.of(entry);
        if (!entry.endsWith(".jar") || !Files.isRegularFile(p)) {
          return null;
        }
        digest.update((p.toAbsolutePath() + ":" + Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis()
            + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 16);
    } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
      return null;
    }
  }

  private static Path cacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("multiprocessing4j").resolve("aot");
  }

  /**
   * Starts the training of a cache in the background, after the one already running if any: two
   * trainers at once would take both cores from the program that needs them.
   */
  private static synchronized void startTraining(Path cache, boolean sharedMemory, byte[] hint) {
    int kind = sharedMemory ? 1 : 0;
    if (TRAINING_STARTED[kind]) {
      return;
    }
    TRAINING_STARTED[kind] = true;
    java.lang.Process before = trainer;
    if (before != null && before.isAlive()) {
      before.onExit().thenRun(() -> launchTrainer(cache, sharedMemory, hint));
    } else {
      launchTrainer(cache, sharedMemory, hint);
    }
  }

  /**
   * Writes {@code bytes} (if any) to a child's stdin on a daemon thread, then closes it if asked:
   * a pipe may be smaller than the write (the kernel gives 2 pages once a user's pipes are over
   * {@code pipe-user-pages-soft}), and a start, or a trainer's timeout, must not wait for the
   * child to read.
   */
  static void writeInBackground(java.io.OutputStream stdin, byte[] bytes, boolean close) {
    Thread.ofPlatform().daemon().name("mp4j-aot-hint").start(() -> {
      try {
        if (bytes != null) {
          stdin.write(bytes);
          stdin.flush();
        }
        if (close) {
          stdin.close();
        }
      } catch (IOException e) {
        // the child is gone; its training fails on its own
      }
    });
  }

  /** The last payload given to {@link #options} (at most {@link #MAX_TRAINING_HINT}), for a training asked for without one. */
  private static volatile byte[] lastHint;

  /** The trainer JVM started last, if any. */
  private static java.lang.Process trainer;

  /** Launches the trainer JVM; a hint goes to its stdin (see {@link #options}), which it reads to the end. */
  private static synchronized void launchTrainer(Path cache, boolean sharedMemory, byte[] hint) {
    try {
      Files.createDirectories(cache.getParent());
      var cmd = new ArrayList<>(ChildJvm.launcher(List.of()));
      cmd.addAll(List.of("-", sharedMemory ? ChildMain.TRAIN_SHARED : ChildMain.TRAIN, cache.toString()));
      cmd.addAll(ChildJvm.jvmOptions()); // the trainee gets them as the children will (setJvmOptions)
      trainer = new ProcessBuilder(cmd)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      writeInBackground(trainer.getOutputStream(), hint != null && hint.length <= MAX_TRAINING_HINT ? hint : null, true);
    } catch (IOException | RuntimeException e) {
      // no cache this time; starts work without it
    }
  }

  /**
   * Runs in the trainer JVM: records a configuration while a child JVM with the child's options
   * goes through a real start (this JVM is its parent: control FIFO, launch frame, decode, run,
   * exit), assembles the cache, and moves it into place. A real start, not a stand-in: every class,
   * lambda and string concatenation on the path is then in the cache.
   */
  static void train(Path cache, boolean sharedMemory, byte[] hint) throws IOException, InterruptedException {
    Path conf = Files.createTempFile(cache.getParent(), "train-", ".aotconf");
    Path tmp = Files.createTempFile(cache.getParent(), "train-", ".aot.tmp");
    try {
      // classes only, no method profiles (JEP 515): with the training run's profiles in the cache,
      // pool workers compiled the codec for the wrong types about half the time (pool-map at
      // 5 M items/s instead of 15-30 M in 3 of 6 runs; 0 of 5 without them)
      var record = new ArrayList<>(List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + conf,
          "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining"));
      record.addAll(QUIET);
      if (!StartMethods.runTrainee(record, sharedMemory, hint, TRAINING_TIMEOUT_S) || !Files.isRegularFile(conf)
          || Files.size(conf) == 0) {
        return;
      }
      List<String> launcher = ChildJvm.launcher(List.of());
      var create = new ArrayList<>(launcher.subList(0, launcher.size() - 1)); // the main class comes last
      create.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + conf, "-XX:AOTCache=" + tmp));
      create.addAll(QUIET);
      if (run(create)) {
        Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        prune(cache.getParent());
      }
    } finally {
      Files.deleteIfExists(conf);
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Keeps the caches of the {@value #KEPT_KEYS} keys whose newest file is the most recent (both
   * files of a key stay or go together); each rebuilt jar leaves a stale key.
   */
  private static void prune(Path dir) throws IOException {
    java.util.Map<String, List<Path>> byKey = new java.util.HashMap<>();
    java.util.Map<String, Long> newest = new java.util.HashMap<>();
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(".aot"))::iterator) {
        String key = keyOf(p);
        byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        newest.merge(key, p.toFile().lastModified(), Math::max);
      }
    }
    var keys = newest.keySet().stream()
        .sorted(java.util.Comparator.comparing((String k) -> newest.get(k)).reversed()).toList();
    for (String old : keys.subList(Math.min(KEPT_KEYS, keys.size()), keys.size())) {
      for (Path p : byKey.get(old)) {
        Files.deleteIfExists(p); // a JVM still mapping it keeps its mapping
      }
    }
  }

  /** The key a cache file belongs to: its name without ".aot" and the shared-memory suffix. */
  static String keyOf(Path cache) {
    String name = cache.getFileName().toString();
    name = name.substring(0, name.length() - ".aot".length());
    return name.endsWith(SHARED_SUFFIX) ? name.substring(0, name.length() - SHARED_SUFFIX.length()) : name;
  }

  private static boolean run(List<String> cmd) throws IOException, InterruptedException {
    var p = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    if (!p.waitFor(TRAINING_TIMEOUT_S, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }
}
