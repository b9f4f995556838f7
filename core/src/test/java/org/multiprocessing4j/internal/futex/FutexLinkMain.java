package org.multiprocessing4j.internal.futex;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * Helper JVM of {@link FutexNativeAccessTest}: a young JVM's futex downcall is linked on a daemon
 * thread from the first wake, and waits work before and after; prints what it saw.
 */
public final class FutexLinkMain {
  private FutexLinkMain() {}

  public static void main(String[] args) throws Exception {
    VarHandle word = JAVA_INT.varHandle();
    try (Arena arena = Arena.ofShared()) {
      MemorySegment s = arena.allocate(64, 64);
      boolean linkedAtStart = Futex.linkedYet();
      Futex.wakeAll(s, 0); // sets the linking off, and returns without waiting for it
      // the linking takes a young JVM tens of milliseconds on its own thread: not done yet here
      boolean linkedRightAfterTheWake = Futex.linkedYet();
      boolean before = wakesAWaiter(word, s, 1);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Futex.linkedYet() && System.nanoTime() < deadline) {
        Thread.sleep(1); // polling: the linking runs on its own thread
      }
      boolean linked = Futex.linkedYet();
      boolean after = wakesAWaiter(word, s, 2);
      System.out.println("linkedAtStart=" + linkedAtStart + " linkedRightAfterTheWake=" + linkedRightAfterTheWake
          + " before=" + before + " linked=" + linked + " after=" + after);
    }
  }

  /** Whether a wait for the word to leave {@code value - 1} ends when another thread sets it to {@code value} and wakes. */
  private static boolean wakesAWaiter(VarHandle word, MemorySegment s, int value) throws Exception {
    Thread waker = Thread.ofPlatform().start(() -> {
      word.setVolatile(s, 0L, value);
      Futex.wakeAll(s, 0);
    });
    boolean changed = Futex.await(s, 0, value - 1, TimeUnit.SECONDS.toNanos(60));
    waker.join();
    return changed && (int) word.getVolatile(s, 0L) == value;
  }
}
