package org.multiprocessing4j.pool;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.pool.Jobs.Job;

/**
 * The progress line of a pool built with {@code progress(true)}: on a terminal one line on stderr
 * rewritten at most ten times a second; otherwise a plain line each time another tenth is done
 * (or every 1000 items when the total is not known, as for an imap over an iterator).
 */
final class Progress {
  private static final long REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long UNKNOWN_TOTAL_STEP = 1000;
  private final boolean terminal = System.console() != null;
  private long lastShownAt;
  private long lastStep = -1;
  private boolean lineOpen;

  synchronized void show(List<Job> jobs) {
    PrintStream err = System.err;
    if (jobs.isEmpty()) {
      if (lineOpen) {
        err.println();
        lineOpen = false;
      }
      lastStep = -1;
      return;
    }
    long done = 0;
    long total = 0;
    boolean known = true;
    for (Job job : jobs) {
      done += job.itemsDone();
      long t = job.itemsTotal();
      if (t < 0) {
        known = false;
      } else {
        total += t;
      }
    }
    String text = "[multiprocessing4j pool] " + done + (known ? "/" + total + " items (" + percent(done, total) + "%)" : " items");
    if (terminal) {
      long now = System.nanoTime();
      if (now - lastShownAt >= REFRESH_NANOS) {
        lastShownAt = now;
        err.print("\r" + text);
        err.flush();
        lineOpen = true;
      }
      return;
    }
    long step = known ? (total == 0 ? 10 : done * 10 / total) : done / UNKNOWN_TOTAL_STEP;
    if (step > lastStep) {
      lastStep = step;
      err.println(text);
    }
  }

  private static long percent(long done, long total) {
    return total == 0 ? 100 : done * 100 / total;
  }
}
