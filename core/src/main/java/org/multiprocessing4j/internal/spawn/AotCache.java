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
 * the cache of spares and of children given a handle of something in shared memory, which also
 * holds the shared-memory path ({@link #options(boolean)}). When a cache is missing, the first
 * child start that needs it launches a trainer in the background ({@link ChildMain} in "train" or
 * "train-shared" mode, given the {@code setJvmOptions} options) and goes on without the cache;
 * later starts find it. The trainer is the parent of one real start: a child in "trainee" (or
 * "trainee-shared") mode records a configuration while it boots, receives a process and runs it
 * (the shared one rehearses the shared-memory path first, as a spare does); the trainer then
 * assembles the cache into a temporary
 * file and renames it into place, so a half-written cache is never used. A stale or unreadable
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
  /** Caches kept in the cache directory (two per class path and options in use). */
  private static final int KEPT_CACHES = 12;
  /** What the shared-memory cache's file name adds to the plain one's. */
  private static final String SHARED_SUFFIX = "-shm";
  /** How long each step of the training may take before it is given up. */
  private static final long TRAINING_TIMEOUT_S = 60;

  private AotCache() {}

  /**
   * The options that make a child use a cache, or none (and training started) when it is missing.
   *
   * @param sharedMemory the cache for spares and children given a handle of something in shared
   *     memory: trained with the shared-memory path too (the Foreign Function and Memory API's
   *     classes, ~2.5 MiB more for a child that maps it), which such a child would otherwise load
   *     and link itself (a spawned pool worker's first result ~30% later). The plain cache, for
   *     every other child, leaves it out.
   */
  static List<String> options(boolean sharedMemory) {
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
      return found; // found before: not looked for again (a cache deleted since is ignored by the JVM)
    }
    if (Files.isRegularFile(cache)) {
      var opts = new ArrayList<String>();
      opts.add("-XX:AOTCache=" + cache);
      opts.addAll(QUIET);
      m.options[kind] = List.copyOf(opts);
      return m.options[kind];
    }
    startTraining(cache, sharedMemory);
    return List.of();
  }

  /**
   * The cache file (and, once found, the options) for the current class path and options. One
   * object for both: settings changed in between cannot pair one's file with the other's options.
   */
  private static Memo memo() {
    // hashing the class path stats every jar: do it once per set of settings, not per start
    List<Object> settings = List.of(System.getProperty("java.class.path", ""), ChildJvm.executable(),
        ChildJvm.jvmOptions());
    Memo m = memo;
    if (m == null || !m.settings.equals(settings)) {
      m = memo = new Memo(settings, computeCacheFile());
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

    @SuppressWarnings("unchecked")
    Memo(List<Object> settings, Path plain) {
      this.settings = settings;
      this.files = plain == null ? new Path[2]
          : new Path[] {plain, plain.resolveSibling(plain.getFileName().toString().replace(".aot", SHARED_SUFFIX + ".aot"))};
      this.options = new List[2];
    }
  }

  private static volatile Memo memo;

  private static Path computeCacheFile() {
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
      String key = HexFormat.of().formatHex(digest.digest(), 0, 16);
      return cacheDir().resolve(key + ".aot");
    } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
      return null;
    }
  }

  private static Path cacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("multiprocessing4j").resolve("aot");
  }

  private static synchronized void startTraining(Path cache, boolean sharedMemory) {
    int kind = sharedMemory ? 1 : 0;
    if (TRAINING_STARTED[kind]) {
      return;
    }
    TRAINING_STARTED[kind] = true;
    try {
      Files.createDirectories(cache.getParent());
      var cmd = new ArrayList<>(ChildJvm.launcher(List.of()));
      cmd.addAll(List.of("-", sharedMemory ? ChildMain.TRAIN_SHARED : ChildMain.TRAIN, cache.toString()));
      cmd.addAll(ChildJvm.jvmOptions()); // the trainee gets them as the children will (setJvmOptions)
      new ProcessBuilder(cmd)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
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
  static void train(Path cache, boolean sharedMemory) throws IOException, InterruptedException {
    Path conf = Files.createTempFile(cache.getParent(), "train-", ".aotconf");
    Path tmp = Files.createTempFile(cache.getParent(), "train-", ".aot.tmp");
    try {
      // classes only, no method profiles (JEP 515): with the training run's profiles in the cache,
      // pool workers compiled the codec for the wrong types about half the time (pool-map at
      // 5 M items/s instead of 15-30 M in 3 of 6 runs; 0 of 5 without them)
      var record = new ArrayList<>(List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + conf,
          "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining"));
      record.addAll(QUIET);
      if (!StartMethods.runTrainee(record, sharedMemory, TRAINING_TIMEOUT_S) || !Files.isRegularFile(conf)
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

  /** Keeps the {@value #KEPT_CACHES} most recently made caches; each rebuilt jar leaves a stale one. */
  private static void prune(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      var caches = files.filter(p -> p.getFileName().toString().endsWith(".aot"))
          .sorted(java.util.Comparator.comparing((Path p) -> p.toFile().lastModified()).reversed())
          .toList();
      for (Path old : caches.subList(Math.min(KEPT_CACHES, caches.size()), caches.size())) {
        Files.deleteIfExists(old); // a JVM still mapping it keeps its mapping
      }
    }
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
