package org.multiprocessing4j.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.Lock;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.RLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Uncontended acquire + release of a shared-memory {@link Lock} (one thread, nobody else): the
 * Java side of issue 3's figure "uncontended lock acquire+release ≤ 0.25x CPython". The CPython
 * side is {@code bench/python/lock_uncontended.py} ({@code multiprocessing.Lock}).
 *
 * <pre>
 *   ./mp4j build
 *   java -cp "$(cat bench/target/classpath.txt):bench/target/multiprocessing4j-bench-0.1.0-SNAPSHOT.jar" \
 *       org.openjdk.jmh.Main LockUncontended
 *   python3 bench/python/lock_uncontended.py
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class LockUncontended {
  private Lock lock;
  private RLock rlock;

  @Setup
  public void setUp() {
    lock = Multiprocessing.lock();
    rlock = Multiprocessing.rlock();
  }

  @TearDown
  public void tearDown() {
    lock.close();
    rlock.close();
  }

  /** Python's {@code lock.acquire(); lock.release()}. */
  @Benchmark
  public void acquireRelease() {
    lock.acquire();
    lock.release();
  }

  /** The same through the j.u.c. methods. */
  @Benchmark
  public void lockUnlock() {
    lock.lock();
    lock.unlock();
  }

  /** {@code with lock:} as try-with-resources. */
  @Benchmark
  public void hold() {
    try (var held = lock.hold()) {
      // nothing: the cost of entering and leaving
    }
  }

  /** An {@link RLock}'s acquire + release. */
  @Benchmark
  public void rlockAcquireRelease() {
    rlock.acquire();
    rlock.release();
  }
}
