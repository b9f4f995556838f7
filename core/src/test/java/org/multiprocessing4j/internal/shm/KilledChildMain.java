package org.multiprocessing4j.internal.shm;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.internal.futex.Futex;

/**
 * Helper JVM of {@link ShmSegmentTest}: a root whose child is killed while it holds a segment,
 * so the child's owner count is never given back. Prints {@code SEGMENT <name> owners=<n>
 * exists=<bool>} after closing its own handle, then exits normally; its exit sweep must remove
 * the segment.
 */
public final class KilledChildMain {
  private static final VarHandle WORD = JAVA_INT.varHandle();

  private KilledChildMain() {}

  public static void main(String[] args) throws Exception {
    ShmSegment seg = ShmSegment.create(64);
    String name = seg.name();
    var child = new Process(() -> {
      ShmSegment s = ShmSegment.attach(name);
      WORD.setVolatile(s.payload(), 0L, 1);
      Futex.wakeAll(s.payload(), 0L);
      try {
        Futex.await(s.payload(), 4L, 0, -1L);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    child.start();
    Futex.await(seg.payload(), 0L, 0, -1L);
    child.kill();
    child.join();
    int owners = seg.owners();
    seg.close();
    System.out.println("SEGMENT " + name + " owners=" + owners + " exists=" + Files.exists(ShmFiles.path(name)));
  }
}
