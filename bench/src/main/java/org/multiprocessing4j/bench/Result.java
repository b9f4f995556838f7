package org.multiprocessing4j.bench;

import java.util.List;

/**
 * What a workload measured: its lines of the main table, optional breakdowns of where the time
 * goes, and notes (how it was measured, anything unusual) printed under the table.
 */
public record Result(List<Row> rows, List<Breakdown> breakdowns, List<String> notes) {
  public Result {
    rows = List.copyOf(rows);
    breakdowns = List.copyOf(breakdowns);
    notes = List.copyOf(notes);
  }
}
