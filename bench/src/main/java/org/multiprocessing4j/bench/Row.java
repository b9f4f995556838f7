package org.multiprocessing4j.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the side-by-side table: a Java figure, the CPython figures of the same workload by
 * start method ({@code fork}, {@code spawn}, {@code forkserver}), the CPython method the ratio is
 * taken against, and the target.
 *
 * @param workload the workload's name
 * @param javaLabel what the Java figure is, e.g. {@code warm} or {@code spawn}
 * @param java the Java samples
 * @param cpython CPython samples by start method (empty when CPython did not run)
 * @param ratioAgainst the CPython method the ratio Java/CPython is given against, or null
 * @param target the goal for the Java figure
 */
public record Row(String workload, String javaLabel, Samples java, Map<String, Samples> cpython,
    String ratioAgainst, Target target) {
  public Row {
    cpython = Collections.unmodifiableMap(new LinkedHashMap<>(cpython));
  }

  /** Java median / CPython median of {@code method}, or null without that CPython figure. */
  public Double ratio(String method) {
    Samples py = cpython.get(method);
    if (py == null || py.median() == 0) {
      return null;
    }
    return java.median() / py.median();
  }
}
