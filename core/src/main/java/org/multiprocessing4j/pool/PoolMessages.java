package org.multiprocessing4j.pool;

import java.io.Serializable;
import java.util.List;
import java.util.function.Function;
import org.multiprocessing4j.SimpleQueue;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.pickle.Codec;

/**
 * What travels between a pool and its workers (Python's task and result tuples). Each worker has
 * its own inbox (so the pool knows exactly which tasks a worker holds); all workers answer
 * through one result queue, into which the pool also posts a worker's exit, so that the exit is
 * handled after every result the worker sent before it died.
 *
 * <p>The messages are {@link Codec.Portable}: the codec takes them apart by their fields and
 * rebuilds them through {@link Factory}. As plain records they cost a young JVM (a new worker)
 * 6–30 ms each on first use to set up the method handles of the record codec.
 */
final class PoolMessages {
  /** The fields of a message that has none (the codec only reads them). */
  private static final Object[] NO_FIELDS = {};

  private PoolMessages() {}

  /**
   * A worker process's target: {@link PoolWorker#run} with these arguments. A message rather than
   * a lambda: a young worker JVM decodes it without spinning the lambda's class, nor loading the
   * pool's classes for the lambda's {@code $deserializeLambda$} (traced: ~13 ms of a spawned
   * worker's decode went to the lambda and the classes around it).
   */
  record Start(int worker, SimpleQueue<Object> inbox, SimpleQueue<Object> results,
      SerializableRunnable initializer, int maxTasks) implements SerializableRunnable, Codec.Portable {
    static {
      Factory.register(Start.class, Factory.START);
    }

    @Override
    public void run() {
      PoolWorker.run(worker, inbox, results, initializer, maxTasks);
    }

    @Override
    public Object[] portableFields() {
      return new Object[] {worker, inbox, results, initializer, maxTasks};
    }
  }

  /** Pool → worker: the function of job {@code job}, sent once per worker and job. */
  record Func(long job, Serializable func) implements Serializable, Codec.Portable {
    static {
      Factory.register(Func.class, Factory.FUNC);
    }

    @Override
    public Object[] portableFields() {
      return new Object[] {job, func};
    }
  }

  /**
   * Pool → worker: run chunk {@code chunk} of job {@code job}: {@code items} through the job's
   * function, or (for {@code apply}) {@code call} once.
   */
  record Task(long job, int chunk, List<?> items, Serializable call) implements Serializable, Codec.Portable {
    static {
      Factory.register(Task.class, Factory.TASK);
    }

    @Override
    public Object[] portableFields() {
      return new Object[] {job, chunk, items, call};
    }
  }

  /** Pool → worker: the job is over, drop its function. */
  record Forget(long job) implements Serializable, Codec.Portable {
    static {
      Factory.register(Forget.class, Factory.FORGET);
    }

    @Override
    public Object[] portableFields() {
      return new Object[] {job};
    }
  }

  /** Pool → worker: exit. */
  record Stop() implements Serializable, Codec.Portable {
    static {
      Factory.register(Stop.class, Factory.STOP);
    }

    @Override
    public Object[] portableFields() {
      return NO_FIELDS;
    }
  }

  /**
   * Worker → pool: booted (after the initializer). The pool measures the start-up time itself,
   * from the worker's start to this message: in the worker, the JDK's process start time has a
   * resolution of a second ({@code ProcessHandle.Info.startInstant}).
   */
  record Ready(int worker, long pid) implements Serializable, Codec.Portable {
    static {
      Factory.register(Ready.class, Factory.READY);
    }

    @Override
    public Object[] portableFields() {
      return new Object[] {worker, pid};
    }
  }

  /**
   * Worker → pool: the outcome of a task: a list of results, the value of an {@code apply}, or
   * the exception the function threw ({@code ok} false).
   */
  record Result(long job, int chunk, int worker, boolean ok, Object value, long busyNanos)
      implements Serializable, Codec.Portable {
    static {
      Factory.register(Result.class, Factory.RESULT);
    }

    @Override
    public Object[] portableFields() {
      return new Object[] {job, chunk, worker, ok, value, busyNanos};
    }
  }

  /** Posted by the pool itself when a worker's process ended. */
  record Exited(int worker, int generation, Integer exitCode) implements Serializable, Codec.Portable {
    static {
      Factory.register(Exited.class, Factory.EXITED);
    }

    @Override
    public Object[] portableFields() {
      return new Object[] {worker, generation, exitCode};
    }
  }

  /** Posted by the pool itself to stop its result thread. */
  record Shutdown() implements Serializable, Codec.Portable {
    static {
      Factory.register(Shutdown.class, Factory.SHUTDOWN);
    }

    @Override
    public Object[] portableFields() {
      return NO_FIELDS;
    }
  }

  /** Builds a message from its fields; one class for every kind (a young JVM links a class cheaper than lambdas). */
  private static final class Factory implements Function<Object[], Codec.Portable> {
    static final int FUNC = 0;
    static final int TASK = 1;
    static final int FORGET = 2;
    static final int STOP = 3;
    static final int READY = 4;
    static final int RESULT = 5;
    static final int EXITED = 6;
    static final int SHUTDOWN = 7;
    static final int START = 8;

    private final int kind;

    private Factory(int kind) {
      this.kind = kind;
    }

    @SuppressWarnings("unchecked")
    static <T extends Codec.Portable> void register(Class<T> type, int kind) {
      Codec.registerMessage(type, (Function<Object[], T>) (Function<?, ?>) new Factory(kind));
    }

    @Override
    public Codec.Portable apply(Object[] f) {
      return switch (kind) {
        case FUNC -> new Func((Long) f[0], (Serializable) f[1]);
        case TASK -> new Task((Long) f[0], (Integer) f[1], (List<?>) f[2], (Serializable) f[3]);
        case FORGET -> new Forget((Long) f[0]);
        case STOP -> new Stop();
        case READY -> new Ready((Integer) f[0], (Long) f[1]);
        case RESULT -> new Result((Long) f[0], (Integer) f[1], (Integer) f[2], (Boolean) f[3], f[4], (Long) f[5]);
        case EXITED -> new Exited((Integer) f[0], (Integer) f[1], (Integer) f[2]);
        case SHUTDOWN -> new Shutdown();
        case START -> new Start((Integer) f[0], (SimpleQueue<Object>) f[1], (SimpleQueue<Object>) f[2],
            (SerializableRunnable) f[3], (Integer) f[4]);
        default -> throw new IllegalStateException("no pool message of kind " + kind);
      };
    }
  }
}
