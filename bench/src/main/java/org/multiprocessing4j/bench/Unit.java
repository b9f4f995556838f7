package org.multiprocessing4j.bench;

/** The unit a workload's samples are recorded in, and the unit they are shown in. */
public enum Unit {
  /** Durations, recorded in nanoseconds and shown in milliseconds. */
  NANOS("ms", 1_000_000.0),
  /** Sizes, recorded in bytes and shown in MiB. */
  BYTES("MiB", 1024.0 * 1024.0),
  /** Short durations, recorded in nanoseconds and shown in microseconds. */
  MICROS("µs", 1_000.0),
  /** Rates (items, messages, round trips per second), recorded per second and shown in thousands per second. */
  PER_SECOND("k/s", 1_000.0);

  private final String shownAs;
  private final double perShown;

  Unit(String shownAs, double perShown) {
    this.shownAs = shownAs;
    this.perShown = perShown;
  }

  /** The display unit's symbol: {@code ms}, {@code MiB}, {@code µs} or {@code k/s}. */
  public String symbol() {
    return shownAs;
  }

  /** A recorded value in the display unit. */
  public double shown(double recorded) {
    return recorded / perShown;
  }

  /** A value in the display unit, with three significant digits or so, without the symbol. */
  public String format(double recorded) {
    double v = shown(recorded);
    double abs = Math.abs(v);
    if (abs >= 100) {
      return String.format("%.0f", v);
    } else if (abs >= 10) {
      return String.format("%.1f", v);
    } else if (abs >= 1) {
      return String.format("%.2f", v);
    }
    return String.format("%.3f", v);
  }
}
