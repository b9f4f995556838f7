package org.multiprocessing4j.internal.futex;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * Helper JVM of {@link FutexNativeAccessTest}: blocks and wakes through {@link Futex} as a
 * library user would, and prints what it saw. Whatever the JDK prints about native access goes to
 * stderr, which the test inspects.
 */
public final class NoNativeAccessMain {
  private NoNativeAccessMain() {}

  public static void main(String[] args) throws Exception {
    VarHandle word = JAVA_INT.varHandle();
    try (Arena arena = Arena.ofShared()) {
      MemorySegment s = arena.allocate(64, 64);
      boolean timedOut = !Futex.await(s, 0, 0, TimeUnit.MILLISECONDS.toNanos(50));
      Thread waker = Thread.ofPlatform().start(() -> {
        word.setVolatile(s, 0, 1);
        Futex.wakeAll(s, 0);
      });
      boolean changed = Futex.await(s, 0, 0, TimeUnit.SECONDS.toNanos(60));
      waker.join();
      System.out.println("usesFutex=" + Futex.usesFutex() + " timedOut=" + timedOut + " changed=" + changed);
    }
  }
}
