package org.multiprocessing4j.bench;

import java.util.Arrays;

/**
 * The values measured over the runs of one figure (one workload, one language, one start method),
 * with the statistics the table shows. Java and CPython samples go through the same code, so both
 * sides are summarised alike: median and p90 by linear interpolation between closest ranks (as
 * numpy's default percentile).
 */
public record Samples(Unit unit, long[] values) {
  public Samples {
    if (values.length == 0) {
      throw new IllegalArgumentException("a figure needs at least one sample");
    }
    values = values.clone();
    Arrays.sort(values);
  }

  /** The median. */
  public double median() {
    return percentile(50);
  }

  /** The 90th percentile. */
  public double p90() {
    return percentile(90);
  }

  /** The p-th percentile, 0 ≤ p ≤ 100, interpolated between closest ranks. */
  public double percentile(double p) {
    double rank = p / 100.0 * (values.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = (int) Math.ceil(rank);
    return values[lo] + (rank - lo) * (values[hi] - values[lo]);
  }

  /** How many runs. */
  public int count() {
    return values.length;
  }

  /** {@code median [p90]} in the display unit, without the unit symbol. */
  public String medianAndP90() {
    return unit.format(median()) + " [" + unit.format(p90()) + "]";
  }

  /** A copy of the sorted values. */
  @Override
  public long[] values() {
    return values.clone();
  }

  @Override
  public String toString() {
    return medianAndP90() + " " + unit.symbol() + " (n=" + values.length + ")";
  }
}
