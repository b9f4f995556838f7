package org.multiprocessing4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table of phases (rows) by configuration (columns), medians only: where the time of a figure
 * goes, e.g. "start() returns", "target returns → join() returns", for Java warm, Java spawn and
 * each CPython start method. Columns and phases keep the order they were first added in.
 */
public final class Breakdown {
  private final String title;
  private final Map<String, Map<String, Samples>> byPhase = new LinkedHashMap<>();
  private final List<String> columns = new ArrayList<>();

  /** An empty breakdown with a title printed above it. */
  public Breakdown(String title) {
    this.title = title;
  }

  /** Adds the samples of one phase in one column; returns this. */
  public Breakdown add(String phase, String column, Samples samples) {
    if (!columns.contains(column)) {
      columns.add(column);
    }
    byPhase.computeIfAbsent(phase, k -> new LinkedHashMap<>()).put(column, samples);
    return this;
  }

  public String title() {
    return title;
  }

  public List<String> columns() {
    return List.copyOf(columns);
  }

  public List<String> phases() {
    return List.copyOf(byPhase.keySet());
  }

  /** The samples of a phase in a column, or null when that column has no such phase. */
  public Samples get(String phase, String column) {
    return byPhase.getOrDefault(phase, Map.of()).get(column);
  }
}
