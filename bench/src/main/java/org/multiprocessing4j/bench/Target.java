package org.multiprocessing4j.bench;

import java.util.Locale;

/** A goal a Java figure should meet; judged on the median. */
public sealed interface Target {
  /** Whether the Java figure meets the target, or null when it cannot be judged (no CPython figure). */
  Boolean met(Row row);

  /** How the target reads in the table, e.g. {@code <= 0.6x CPython spawn} or {@code <= 1 ms}. */
  String describe(Unit unit);

  /** Java median ≤ {@code factor} × the CPython median of {@code method}. */
  record RelativeTo(String method, double factor) implements Target {
    @Override
    public Boolean met(Row row) {
      Double ratio = row.ratio(method);
      return ratio == null ? null : ratio <= factor;
    }

    @Override
    public String describe(Unit unit) {
      return "<= " + trim(factor) + "x CPython " + method;
    }
  }

  /** Java median ≥ {@code factor} × the CPython median of {@code method}: for rates, where more is better. */
  record AtLeastTimes(String method, double factor) implements Target {
    @Override
    public Boolean met(Row row) {
      Double ratio = row.ratio(method);
      return ratio == null ? null : ratio >= factor;
    }

    @Override
    public String describe(Unit unit) {
      return ">= " + trim(factor) + "x CPython " + method;
    }
  }

  /** Java median ≤ {@code limit}, given in the display unit (ms, MiB). */
  record AtMost(double limit) implements Target {
    @Override
    public Boolean met(Row row) {
      Samples java = row.java();
      return java.unit().shown(java.median()) <= limit;
    }

    @Override
    public String describe(Unit unit) {
      return "<= " + trim(limit) + " " + unit.symbol();
    }
  }

  /** No goal: the figure is shown for comparison. */
  record None() implements Target {
    @Override
    public Boolean met(Row row) {
      return null;
    }

    @Override
    public String describe(Unit unit) {
      return "-";
    }
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%s", d);
  }
}
