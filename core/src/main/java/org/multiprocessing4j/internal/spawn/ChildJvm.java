package org.multiprocessing4j.internal.spawn;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.multiprocessing4j.ProcessException;

/**
 * How a child JVM is launched (DESIGN.md §2): which {@code java}, with which options, class path
 * or module path, and main class {@link ChildMain}.
 *
 * <p>The child gets the parent's class path (or module path), the parent's system properties
 * given on its command line, its assertion switches and module options, this library's defaults
 * for a small, fast-booting JVM, then the options set with {@code setJvmOptions}. Never debugger
 * or profiler agents, never the parent's own AOT cache options. The {@code JAVA_TOOL_OPTIONS}
 * family is removed from the child's environment: it would print "Picked up ..." on every start
 * and may carry agents; what it held that a child needs is already in the parent's arguments.
 */
public final class ChildJvm {
  /** Main class of every child JVM. */
  static final String MAIN_CLASS = ChildMain.class.getName();
  private static final String MODULE = "org.multiprocessing4j";
  /** Environment variables the JVM launcher reads options from. */
  private static final List<String> JVM_OPTION_VARIABLES =
      List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
  /**
   * Keeps {@code StackMapGenerator.processBlock} (JDK 24+ class-file API) interpreted; a pattern
   * that matches nothing on other JDKs is ignored.
   */
  static final String NO_STACK_MAP_JIT =
      "-XX:CompileCommand=exclude,jdk.internal.classfile.impl.StackMapGenerator::processBlock";
  /**
   * Defaults for a child: the serial collector boots fastest and keeps an idle child smallest
   * (notes/warm-start.md); a small initial heap (it still grows to the usual maximum) saves an
   * idle child ~7 MiB of resident memory; no perf-data file in /tmp.
   *
   * <p>{@link #NO_STACK_MAP_JIT}: every child spins a few classes at boot (the target's lambda,
   * method-handle forms), which makes the JDK's stack-map generator hot enough for C1, and C1
   * compiling its one huge method takes ~4.7 MiB of compiler arena. HotSpot keeps freed arena
   * chunks in a pool for up to 5 s and glibc keeps them after that, so an idle child stayed
   * ~4 MiB larger (measured with {@code -XX:CompileCommand=MemStat}, JDK 25). Interpreted, the
   * method costs a little more per class spun; the start benchmarks did not get slower.
   *
   * <p>{@code -XX:UserThreadWaitAttemptsAtExit=0}: at exit HotSpot otherwise waits up to 300 ms
   * for threads blocked in native code, such as a child's main thread still reading stdin for its
   * launch frame when a signal ends it (an idle spare sent SIGTERM exited 310 ms after it instead
   * of ~15), or a user thread blocked in a read. Such threads are stopped at their next
   * transition to Java anyway (HotSpot's own comment on that wait).
   *
   * <p>{@code -XX:ArchiveRelocationMode=0} (a diagnostic option, hence the unlock): by default a
   * JDK 25 JVM maps its class archive (the JDK's CDS archive or our AOT cache) at a random address
   * and patches every pointer in it at each boot; the patching took ~4 ms of a 23 ms VM creation
   * (-Xlog:startuptime of an empty JVM: "Create VM" 23.3 → 19.0 ms, "Genesis" 7.8 → 1.5 ms), and
   * the bench's spawn and empty-JVM rows went down ~3 ms. The user's options come later, so {@code -XX:ArchiveRelocationMode=1} there
   * brings the random address back.
   */
  static final List<String> DEFAULT_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms8m", "-XX:-UsePerfData",
      "-XX:CompileCommand=quiet", NO_STACK_MAP_JIT, "-XX:UserThreadWaitAttemptsAtExit=0",
      "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");

  private static volatile Path executable;
  private static volatile List<String> userOptions = List.of();
  private static volatile List<String> inherited;

  private ChildJvm() {}

  /** Python's {@code set_executable}: the {@code java} launcher children run with. */
  public static void setExecutable(Path java) {
    if (java == null || !Files.isExecutable(java)) {
      throw new IllegalArgumentException("setExecutable(" + java + "): not an executable file;"
          + " give the path of a JDK 25+ bin/java");
    }
    executable = java;
    SETTINGS.incrementAndGet();
  }

  /** The {@code java} launcher children run with. */
  public static Path executable() {
    Path p = executable;
    return p != null ? p : defaultExecutable();
  }

  /** This JVM's own {@code java}, made once: every warm start asks for it. */
  private static Path defaultExecutable() {
    Path p = defaultExecutable;
    if (p == null) {
      p = defaultExecutable = Path.of(System.getProperty("java.home"), "bin", "java");
    }
    return p;
  }

  private static volatile Path defaultExecutable;

  /** JVM options added to every child's command line after the library's own. */
  public static void setJvmOptions(List<String> options) {
    for (String o : options) {
      if (o == null || o.isBlank()) {
        throw new IllegalArgumentException("setJvmOptions: an option is null or blank in " + options);
      }
    }
    userOptions = List.copyOf(options);
    SETTINGS.incrementAndGet();
  }

  /** Bumped by {@link #setExecutable} and {@link #setJvmOptions}: JVMs booted before run with older settings. */
  private static final java.util.concurrent.atomic.AtomicInteger SETTINGS = new java.util.concurrent.atomic.AtomicInteger();

  /** The number of settings changes so far (see {@link #SETTINGS}). */
  static int settingsVersion() {
    return SETTINGS.get();
  }

  /**
   * The options every child JVM gets ahead of the AOT cache's and the user's
   * ({@link #DEFAULT_OPTIONS}): the bench starts a bare JVM with them to show the least a
   * {@code spawn} start can take.
   */
  public static List<String> defaultOptions() {
    return DEFAULT_OPTIONS;
  }

  /** The options set with {@link #setJvmOptions}. */
  public static List<String> jvmOptions() {
    return userOptions;
  }

  /**
   * The full command line of a child JVM in the given mode ({@code spawn}, {@code spare},
   * {@code spare-lean}, {@code trainee}, {@code trainee-shared}) with the given AOT-cache options; unmodifiable. Built
   * once per mode, cache and set of settings: a warm start asks for
   * it every time, and building it anew (streams, a regular expression) took a tenth of a
   * millisecond of rarely-run, interpreted code.
   */
  static List<String> command(String mode, List<String> aotOptions) {
    Path exe = executable();
    List<String> user = userOptions;
    String cp = System.getProperty("java.class.path", "");
    CommandMemo last = lastCommand;
    // the same objects as last time (the usual case: no string built or compared)
    if (last != null && last.mode == mode && last.aot == aotOptions && last.user == user && last.exe == exe
        && last.cp == cp) {
      return last.cmd;
    }
    // one per mode and cache (a spawn gets the plain or the shared-memory cache, turn about)
    String key = aotOptions.isEmpty() ? mode : mode + aotOptions.get(0);
    CommandMemo m = COMMANDS.get(key);
    if (m == null || m.user != user || !m.aot.equals(aotOptions) || !m.exe.equals(exe) || !m.cp.equals(cp)) {
      var cmd = new ArrayList<>(launcher(aotOptions));
      cmd.add(ControlServer.get().path().toString());
      cmd.add(mode);
      m = new CommandMemo(mode, user, List.copyOf(aotOptions), exe, cp, List.copyOf(cmd));
      COMMANDS.put(key, m);
    }
    // remembered with the caller's objects, which the next call most likely passes again
    // List.copyOf keeps an unmodifiable list as it is (the fast path then matches it) and copies a
    // mutable one (which a caller could change and pass again)
    lastCommand = new CommandMemo(mode, user, List.copyOf(aotOptions), exe, cp, m.cmd);
    return m.cmd;
  }

  /** A command line and the settings it was built from. */
  private record CommandMemo(String mode, List<String> user, List<String> aot, Path exe, String cp, List<String> cmd) {}

  /** The last command returned, with the objects it was asked for with: see {@link #command}. */
  private static volatile CommandMemo lastCommand;

  private static final java.util.Map<String, CommandMemo> COMMANDS = new java.util.concurrent.ConcurrentHashMap<>();

  /** The command line up to and including the main class: {@code java}, options, class path. */
  static List<String> launcher(List<String> aotOptions) {
    var cmd = new ArrayList<String>();
    cmd.add(executable().toString());
    List<String> user = userOptions;
    boolean userChoosesGc = user.stream().anyMatch(o -> o.matches("-XX:\\+Use\\w+GC"));
    boolean userSizesHeap = user.stream().anyMatch(o -> o.startsWith("-Xms") || o.startsWith("-XX:InitialHeapSize"));
    for (String o : DEFAULT_OPTIONS) {
      if (!(userChoosesGc && o.endsWith("GC")) && !(userSizesHeap && o.startsWith("-Xms"))) {
        cmd.add(o);
      }
    }
    cmd.addAll(aotOptions);
    cmd.addAll(inheritedOptions());
    cmd.addAll(user);
    boolean modular = ChildJvm.class.getModule().isNamed();
    if (modular) {
      cmd.add("--enable-native-access=" + MODULE);
      cmd.add("--module-path");
      cmd.add(System.getProperty("jdk.module.path", ""));
      cmd.add("--add-modules");
      cmd.add("ALL-MODULE-PATH");
    } else {
      cmd.add("--enable-native-access=ALL-UNNAMED");
    }
    String cp = System.getProperty("java.class.path", "");
    if (!cp.isEmpty()) {
      cmd.add("-cp");
      cmd.add(cp);
    }
    if (modular) {
      cmd.add("-m");
      cmd.add(MODULE + "/" + MAIN_CLASS);
    } else {
      cmd.add(MAIN_CLASS);
    }
    return cmd;
  }

  /** Starts a child JVM: stdin a pipe (the control channel), stdout and stderr inherited. */
  static java.lang.Process start(List<String> command) {
    var pb = new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    JVM_OPTION_VARIABLES.forEach(pb.environment()::remove);
    try {
      return pb.start();
    } catch (IOException e) {
      throw new ProcessException("cannot start a child JVM with " + command.getFirst() + ": " + e.getMessage()
          + "; check the path given to setExecutable (or java.home)", e);
    }
  }

  /** The parent's own options that children get too (computed once). */
  static List<String> inheritedOptions() {
    List<String> l = inherited;
    if (l == null) {
      l = inherited = withAssertionStatus(filterInherited(ManagementFactory.getRuntimeMXBean().getInputArguments()),
          ChildJvm.class.desiredAssertionStatus());
    }
    return l;
  }

  /**
   * Adds {@code -ea} when this JVM has assertions enabled without a switch on its command line:
   * test runners such as Maven Surefire enable them with {@code ClassLoader.setDefaultAssertionStatus},
   * and a child must check the same assertions as its parent.
   */
  static List<String> withAssertionStatus(List<String> kept, boolean assertionsEnabled) {
    if (!assertionsEnabled || kept.stream().anyMatch(ChildJvm::isUserAssertionSwitch)) {
      return kept;
    }
    var withEa = new ArrayList<>(kept);
    withEa.add("-ea");
    return List.copyOf(withEa);
  }

  private static boolean isAssertionSwitch(String a) {
    return isUserAssertionSwitch(a) || a.equals("-esa") || a.equals("-dsa")
        || a.equals("-enablesystemassertions") || a.equals("-disablesystemassertions");
  }

  /** A switch for assertions in application classes (not the system ones). */
  private static boolean isUserAssertionSwitch(String a) {
    return a.equals("-ea") || a.equals("-da") || a.startsWith("-ea:") || a.startsWith("-da:")
        || a.startsWith("-enableassertions") || a.startsWith("-disableassertions");
  }

  /** Keeps system properties, assertion switches and module options; drops agents and AOT options. */
  static List<String> filterInherited(List<String> args) {
    var kept = new ArrayList<String>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("-D") && !a.startsWith("-Djava.class.path=") && !a.startsWith("-Djdk.module.path=")
          && !a.startsWith("-Djava.home=")) {
        kept.add(a);
      } else if (isAssertionSwitch(a)) {
        kept.add(a);
      } else if (a.equals("--enable-preview")) {
        kept.add(a);
      } else if (a.startsWith("--add-opens=") || a.startsWith("--add-exports=")
          || a.startsWith("--add-reads=")) {
        kept.add(a);
      } else if ((a.equals("--add-opens") || a.equals("--add-exports") || a.equals("--add-reads"))
          && i + 1 < args.size()) {
        kept.add(a);
        kept.add(args.get(++i));
      }
      // everything else stays behind: agents (-agentlib, -javaagent, -Xrunjdwp), -XX:AOT*,
      // flight recordings, memory sizes and GC choices tuned for the parent
    }
    return List.copyOf(kept);
  }
}
