package org.multiprocessing4j.pool;

import java.io.Serial;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import org.multiprocessing4j.ProcessException;

/**
 * How a task's exception reaches the caller: Python re-raises the worker's exception with a
 * {@code RemoteTraceback} as its cause; we rethrow the same class with its message, whose cause
 * ({@link RemoteTraceback}) carries the worker's stack trace.
 */
final class Outcomes {
  private Outcomes() {}

  /** Marks an exception thrown by the task in a worker, as opposed to one raised by the pool here. */
  static final class Remote extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;
    final Throwable thrown;

    Remote(Throwable thrown) {
      super(thrown.toString(), null, false, false);
      this.thrown = thrown;
    }
  }

  /** The worker's stack trace, as the cause of the rethrown exception (Python's {@code RemoteTraceback}). */
  static final class RemoteTraceback extends ProcessException {
    @Serial private static final long serialVersionUID = 1L;

    RemoteTraceback(Throwable remote) {
      super("\n\"\"\"\n" + trace(remote) + "\"\"\"");
      setStackTrace(remote.getStackTrace());
    }

    private static String trace(Throwable t) {
      var w = new StringWriter();
      t.printStackTrace(new java.io.PrintWriter(w));
      return w.toString();
    }
  }

  /** What the caller sees: {@code failure} unwrapped from {@link Remote} (for callbacks and futures). */
  static Throwable unwrap(Throwable failure) {
    return failure instanceof Remote r ? r.thrown : failure;
  }

  /**
   * Throws {@code failure} the way {@code get()} does: a pool-side exception as it is; a remote
   * unchecked exception as a new one of the same class and message, caused by the worker's trace;
   * a remote checked exception wrapped in a {@link ProcessException}.
   */
  static RuntimeException rethrow(Throwable failure) {
    if (!(failure instanceof Remote remote)) {
      if (failure instanceof RuntimeException re) {
        throw re;
      }
      if (failure instanceof Error err) {
        throw err;
      }
      throw new ProcessException("the task failed: " + failure, failure);
    }
    Throwable t = remote.thrown;
    if (!(t instanceof RuntimeException) && !(t instanceof Error)) {
      throw new ProcessException("the task threw " + t, t);
    }
    Throwable copy = sameClass(t);
    if (copy instanceof RuntimeException re) {
      throw re;
    }
    throw (Error) copy;
  }

  /** A new exception of {@code t}'s class and message caused by its remote trace, or {@code t} itself. */
  private static Throwable sameClass(Throwable t) {
    try {
      Constructor<? extends Throwable> c = t.getClass().getConstructor(String.class);
      Throwable copy = c.newInstance(t.getMessage());
      if (copy.getCause() == null) {
        copy.initCause(new RemoteTraceback(t));
        return copy;
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // no (String) constructor, or one that sets a cause: rethrow the worker's own exception
    }
    return t;
  }
}
