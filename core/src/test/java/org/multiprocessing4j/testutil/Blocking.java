package org.multiprocessing4j.testutil;

/** Targets for children that must keep running until the test ends them. */
public final class Blocking {
  private Blocking() {}

  /** Sleeps until interrupted or the process is ended by a signal (terminate/kill). */
  public static void forever() {
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
