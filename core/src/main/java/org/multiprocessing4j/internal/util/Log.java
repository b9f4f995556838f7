package org.multiprocessing4j.internal.util;

import java.io.PrintStream;
import java.io.Serial;
import java.util.function.Supplier;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The library's logger, Python's {@code multiprocessing.util} logging: logger name
 * {@value #NAME}, no handler by default, not propagating to the root logger, and a stderr handler
 * with Python's format {@code [LEVEL/ProcessName] message} added by {@link #toStderr(Level)}.
 *
 * <p>As Python's {@code multiprocessing.util}, which has no logger until {@code get_logger()} or
 * {@code log_to_stderr()} is called, the logger is made on first need ({@link #logger()},
 * {@link #toStderr}, or a level a child inherits): until then messages go nowhere, and
 * {@code java.util.logging} is not set up at all (that cost a young JVM ~7 ms on every start).
 */
public final class Log {
  /** The logger's name (Python's {@code multiprocessing.util.LOGGER_NAME} is "multiprocessing"). */
  public static final String NAME = "multiprocessing4j";

  /** Python's SUBDEBUG (5, below DEBUG): between {@link Level#FINER} (400) and {@link Level#FINE} (500). */
  public static final Level SUBDEBUG = new PyLevel("SUBDEBUG", 450);
  /** Python's SUBWARNING (25, above INFO): between {@link Level#INFO} (800) and {@link Level#WARNING} (900). */
  public static final Level SUBWARNING = new PyLevel("SUBWARNING", 850);

  /** Made by {@link #logger()}; held here because {@code java.util.logging} holds loggers weakly. */
  private static volatile Logger logger;
  private static volatile Handler stderrHandler;
  /**
   * The logger's level as last seen before exit. At JVM exit, {@code java.util.logging}'s own
   * shutdown hook resets every logger (no handlers, no level) while our exit actions still log
   * ("process shutting down", "calling join() for process ..."); from {@link #exiting()} on, this
   * class logs through the stderr handler and this level instead of the logger.
   */
  private static volatile Level lastLevel;
  private static volatile boolean exiting;
  private static volatile Supplier<String> processName = () -> "MainProcess";

  private Log() {}

  /** The library's logger (Python's {@code get_logger()}), made on the first call. */
  public static Logger logger() {
    Logger l = logger;
    if (l == null) {
      synchronized (Log.class) {
        l = logger;
        if (l == null) {
          l = Logger.getLogger(NAME);
          l.setUseParentHandlers(false);
          logger = l;
        }
      }
    }
    return l;
  }

  /** Sets where the formatter finds the current process's name (set once by the Process class). */
  public static void processNameFrom(Supplier<String> name) {
    processName = name;
  }

  /**
   * Python's {@code log_to_stderr(level)}: adds (once) a handler writing to {@link System#err}
   * with the format {@code [LEVEL/ProcessName] message}; sets the level when it is not null.
   */
  public static Logger toStderr(Level level) {
    Logger l = logger();
    synchronized (Log.class) {
      if (stderrHandler == null) {
        var handler = new StderrHandler();
        handler.setLevel(Level.ALL);
        l.addHandler(handler);
        stderrHandler = handler;
      }
    }
    if (level != null) {
      l.setLevel(level);
      lastLevel = level;
    }
    return l;
  }

  /**
   * From now on (the JVM is exiting), log through the stderr handler and the last level seen, not
   * through the logger that {@code java.util.logging}'s shutdown hook is resetting.
   */
  public static void exiting() {
    remember();
    exiting = true;
  }

  private static void remember() {
    Level l = level();
    if (l != null) {
      lastLevel = l;
    }
  }

  private static void log(Level level, String message) {
    if (!exiting) {
      Logger made = logger;
      if (made == null) {
        return; // as Python's before get_logger(): no logger, nothing logged
      }
      remember();
      // as Python's logger with no handler: nothing to do (no record made, which a young JVM pays for)
      if (made.isLoggable(level) && (made.getUseParentHandlers() || made.getHandlers().length > 0)) {
        made.log(level, message);
      }
      return;
    }
    Handler h = stderrHandler;
    Level threshold = lastLevel;
    if (h != null && threshold != null && level.intValue() >= threshold.intValue()) {
      var record = new LogRecord(level, message);
      record.setLoggerName(NAME);
      h.publish(record);
    }
  }

  /**
   * Whether a message at {@code level} would be published now: for messages that cost something
   * to build.
   */
  public static boolean enabled(Level level) {
    if (!exiting) {
      Logger made = logger;
      return made != null && made.isLoggable(level) && (made.getUseParentHandlers() || made.getHandlers().length > 0);
    }
    Level threshold = lastLevel;
    return stderrHandler != null && threshold != null && level.intValue() >= threshold.intValue();
  }

  /** Whether {@link #toStderr} was called: children inherit it, as in Python's preparation data. */
  public static boolean logsToStderr() {
    return stderrHandler != null;
  }

  /** The level set on the logger, or null when it inherits (Python's NOTSET). */
  public static Level level() {
    Logger made = logger;
    return made == null ? null : made.getLevel();
  }

  /** Logs at Python's DEBUG ({@link Level#FINE}). */
  public static void debug(String message) {
    log(Level.FINE, message);
  }

  /** Logs at Python's SUBDEBUG. */
  public static void subdebug(String message) {
    log(SUBDEBUG, message);
  }

  /** Logs at INFO. */
  public static void info(String message) {
    log(Level.INFO, message);
  }

  /** Logs at Python's SUBWARNING. */
  public static void subwarning(String message) {
    log(SUBWARNING, message);
  }

  /** Parses a level name written by {@link Level#getName()}, including ours. */
  public static Level parseLevel(String name) {
    if (name == null || name.isEmpty()) {
      return null;
    }
    if (name.equals(SUBDEBUG.getName())) {
      return SUBDEBUG;
    }
    if (name.equals(SUBWARNING.getName())) {
      return SUBWARNING;
    }
    return Level.parse(name);
  }

  /** Python's name for a JUL level: FINE is DEBUG, SEVERE is ERROR. */
  static String pythonName(Level level) {
    int v = level.intValue();
    if (level == SUBDEBUG || level == SUBWARNING) {
      return level.getName();
    }
    if (v >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (v >= Level.WARNING.intValue()) {
      return "WARNING";
    }
    if (v >= Level.INFO.intValue()) {
      return "INFO";
    }
    if (v >= Level.FINE.intValue()) {
      return "DEBUG";
    }
    return level.getName();
  }

  /** Python's level objects, placed between JUL's. */
  private static final class PyLevel extends Level {
    @Serial private static final long serialVersionUID = 1L;

    PyLevel(String name, int value) {
      super(name, value);
    }
  }

  /** Writes to whatever {@link System#err} is now, in Python's format. */
  private static final class StderrHandler extends Handler {
    StderrHandler() {
      setFormatter(new Formatter() {
        @Override
        public String format(LogRecord r) {
          String message = formatMessage(r);
          var line = new StringBuilder()
              .append('[').append(pythonName(r.getLevel())).append('/').append(processName.get())
              .append("] ").append(message).append(System.lineSeparator());
          if (r.getThrown() != null) {
            var sw = new java.io.StringWriter();
            r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
            line.append(sw);
          }
          return line.toString();
        }
      });
    }

    @Override
    public void publish(LogRecord record) {
      if (!isLoggable(record)) {
        return;
      }
      PrintStream err = System.err;
      err.print(getFormatter().format(record));
      err.flush();
    }

    @Override
    public void flush() {
      System.err.flush();
    }

    @Override
    public void close() {
      flush();
    }
  }
}
