package org.multiprocessing4j.internal.shm;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.invoke.VarHandle;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.internal.futex.Futex;

/**
 * Helper JVM of {@link ShmSweepTest}: the root of a tree that the test kills with SIGKILL.
 * Creates two segments, starts a child that attaches both, and once the child holds them prints
 * {@code TREE <root pid> <child pid> <name> <name>}; then both wait until killed.
 */
public final class KilledTreeMain {
  private static final VarHandle WORD = JAVA_INT.varHandle();
  private static final long ATTACHED = 0;

  private KilledTreeMain() {}

  public static void main(String[] args) throws Exception {
    ShmSegment a = ShmSegment.create(64);
    ShmSegment b = ShmSegment.create(4096);
    String first = a.name();
    String second = b.name();
    var child = new Process(() -> {
      ShmSegment x = ShmSegment.attach(first);
      ShmSegment y = ShmSegment.attach(second);
      WORD.setVolatile(x.payload(), ATTACHED, 1);
      Futex.wakeAll(x.payload(), ATTACHED);
      try {
        Futex.await(y.payload(), ATTACHED, 0, -1L); // nobody changes it: hold on until killed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    child.start();
    Futex.await(a.payload(), ATTACHED, 0, -1L);
    System.out.println("TREE " + ProcessHandle.current().pid() + " " + child.pid() + " " + first + " " + second);
    System.out.flush();
    Thread.currentThread().join();
  }
}
