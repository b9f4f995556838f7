package org.multiprocessing4j.pool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.multiprocessing4j.PicklingException;
import org.multiprocessing4j.ProcessException;
import org.multiprocessing4j.SimpleQueue;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.util.OwnPid;

/**
 * The loop a pool worker runs in its process: Python's {@code multiprocessing.pool.worker}.
 * Runs the initializer, then tasks from its inbox until told to stop or until it has done
 * {@code maxTasks} of them (then it exits and the pool starts a replacement).
 */
final class PoolWorker {
  private PoolWorker() {}

  @SuppressWarnings("unchecked")
  static void run(int id, SimpleQueue<Object> inbox, SimpleQueue<Object> results,
      SerializableRunnable initializer, int maxTasks) {
    if (initializer != null) {
      initializer.run();
    }
    results.put(new PoolMessages.Ready(id, OwnPid.PID));
    Map<Long, Object> funcs = new HashMap<>();
    int done = 0;
    while (maxTasks <= 0 || done < maxTasks) {
      Object message = inbox.get();
      // instanceof tests, not a pattern switch: a young worker JVM would spin a class for the
      // switch's type dispatch before its first task (milliseconds of its first result)
      if (message instanceof PoolMessages.Task t) {
        long t0 = System.nanoTime();
        boolean ok = true;
        Object value;
        try {
          if (t.call() != null) {
            value = ((Callable<Object>) t.call()).call();
          } else {
            var func = (Function<Object, Object>) funcs.get(t.job());
            var out = new ArrayList<>(t.items().size());
            for (Object item : t.items()) {
              out.add(func.apply(item));
            }
            value = out;
          }
        } catch (Throwable e) {
          ok = false;
          value = e;
        }
        send(results, new PoolMessages.Result(t.job(), t.chunk(), id, ok, value, System.nanoTime() - t0));
        done++;
      } else if (message instanceof PoolMessages.Func f) {
        funcs.put(f.job(), f.func());
      } else if (message instanceof PoolMessages.Forget f) {
        funcs.remove(f.job());
      } else if (message instanceof PoolMessages.Stop) {
        return;
      } else {
        throw new IllegalStateException("pool worker " + id + " got an unknown message " + message);
      }
    }
  }

  /** Sends a result; one that cannot be serialized becomes that task's failure, and the worker lives. */
  private static void send(SimpleQueue<Object> results, PoolMessages.Result r) {
    try {
      results.put(r);
    } catch (PicklingException e) {
      Throwable failure = r.ok()
          ? new PicklingException("the result of the task cannot be sent back from the worker: " + e.getMessage(), null)
          : portable((Throwable) r.value());
      results.put(new PoolMessages.Result(r.job(), r.chunk(), r.worker(), false, failure, r.busyNanos()));
    }
  }

  /** A serializable stand-in for an exception that is not: its class name, message and stack trace. */
  static ProcessException portable(Throwable t) {
    var p = new ProcessException(t.getClass().getName() + ": " + t.getMessage()
        + " (the exception itself could not be sent from the worker)");
    p.setStackTrace(t.getStackTrace());
    return p;
  }
}
