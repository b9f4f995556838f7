package org.multiprocessing4j.internal.shm;

/** Helper JVM of {@link ShmSweepTest}: a new program whose first use of the layer sweeps. */
public final class StartUpMain {
  private StartUpMain() {}

  public static void main(String[] args) {
    try (ShmSegment s = ShmSegment.create(8)) {
      System.out.println("started " + s.name());
    }
  }
}
