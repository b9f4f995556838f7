package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.sharedmemory.SharedMemory;

/** What the synchronization tests share: processes, shared counters, timing, and a leak check. */
final class SyncFixtures {
  /** Warm spares: a start costs a pipe write, not a JVM boot. */
  static final Context WARM = Multiprocessing.getContext("warm");
  /** How long a test waits for something that should take milliseconds, on 2 busy cores. */
  static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final Path SHM = Path.of("/dev/shm");

  private SyncFixtures() {}

  /** Starts {@code target} in a warm child JVM. */
  static Process start(SerializableRunnable target) {
    Process p = WARM.process(target);
    p.start();
    return p;
  }

  /** Starts {@code target} in a warm child JVM with a name. */
  static Process start(SerializableRunnable target, String name) {
    Process p = WARM.process(target, name);
    p.start();
    return p;
  }

  /** Joins each process (failing after {@link #PATIENCE}) and checks it exited with 0. */
  static void joinAll(List<Process> processes) {
    for (Process p : processes) {
      assertThat(p.join(PATIENCE)).as("%s ended in time", p).isTrue();
      assertThat(p.exitCode()).as("exit code of %s", p).isZero();
    }
  }

  /** Joins and checks each process; see {@link #joinAll(List)}. */
  static void joinAll(Process... processes) {
    joinAll(List.of(processes));
  }

  /** Kills what is still running (test clean-up after a failure) and joins. */
  static void killAll(List<Process> processes) {
    for (Process p : processes) {
      if (p.pid() != null && p.isAlive()) {
        p.kill();
      }
      if (p.pid() != null) {
        p.join(PATIENCE);
      }
    }
  }

  /** Starts a platform thread running {@code body}. */
  static Thread thread(String name, Runnable body) {
    return Thread.ofPlatform().name(name).daemon().start(body);
  }

  /** Joins a thread, failing after {@link #PATIENCE}. */
  static void join(Thread t) throws InterruptedException {
    t.join(PATIENCE);
    assertThat(t.isAlive()).as("%s ended in time", t.getName()).isFalse();
  }

  /** Nanoseconds {@code body} took, and what it returned. */
  record Timed<T>(T value, long nanos) {
    Duration elapsed() {
      return Duration.ofNanos(nanos);
    }
  }

  static <T> Timed<T> timed(Callable<T> body) throws Exception {
    long t0 = System.nanoTime();
    T v = body.call();
    return new Timed<>(v, System.nanoTime() - t0);
  }

  /**
   * A few ints in a {@link SharedMemory} block, readable and writable from any process (the
   * tests' stand-in for {@code Value('i')}); travels as the block's name.
   */
  static final class SharedInts implements Serializable, AutoCloseable {
    @Serial private static final long serialVersionUID = 1L;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private final SharedMemory shm;

    private SharedInts(SharedMemory shm) {
      this.shm = shm;
    }

    static SharedInts create(int n) {
      return new SharedInts(SharedMemory.create((long) n * Integer.BYTES));
    }

    int get(int i) {
      return (int) INT.getVolatile(shm.segment(), (long) i * Integer.BYTES);
    }

    void set(int i, int v) {
      INT.setVolatile(shm.segment(), (long) i * Integer.BYTES, v);
    }

    int incrementAndGet(int i) {
      return addAndGet(i, 1);
    }

    int addAndGet(int i, int delta) {
      return (int) INT.getAndAdd(shm.segment(), (long) i * Integer.BYTES, delta) + delta;
    }

    /** Raises int {@code i} to {@code v} if it is lower. */
    void max(int i, int v) {
      while (true) {
        int old = get(i);
        if (old >= v || INT.compareAndSet(shm.segment(), (long) i * Integer.BYTES, old, v)) {
          return;
        }
      }
    }

    /** A plain read-modify-write, not atomic: only correct under a lock. */
    void unsafeIncrement(int i) {
      int v = shm.segment().get(ValueLayout.JAVA_INT, (long) i * Integer.BYTES);
      Thread.onSpinWait();
      shm.segment().set(ValueLayout.JAVA_INT, (long) i * Integer.BYTES, v + 1);
    }

    /** Closes the block and unlinks it; for the creator. */
    @Override
    public void close() {
      shm.close();
      shm.unlink();
    }
  }

  /** Removes /dev/shm files that a killed process left counted as owned (the root's exit sweep would). */
  static void removeLeftovers(String... names) {
    for (String n : names) {
      try {
        Files.deleteIfExists(SHM.resolve(n));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A list to collect processes in, for clean-up. */
  static List<Process> processes() {
    return new ArrayList<>();
  }
}
