package org.multiprocessing4j.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Prints results as Markdown tables: readable in a terminal, and pasted as is into bench/README.md. */
final class Table {
  /** CPython start methods in the order of the columns; others found in the results follow. */
  private static final List<String> METHOD_ORDER = List.of("fork", "spawn", "forkserver");

  private Table() {}

  /** The main table: one line per {@link Row}. */
  static void printRows(PrintStream out, List<Result> results, String cpythonVersion) {
    var methods = new LinkedHashSet<>(METHOD_ORDER);
    results.forEach(r -> r.rows().forEach(row -> methods.addAll(row.cpython().keySet())));
    String py = cpythonVersion == null ? "CPython" : "CPython " + cpythonVersion;
    var header = new ArrayList<>(List.of("workload", "Java", "Java median [p90]"));
    methods.forEach(m -> header.add(py + " " + m));
    header.addAll(List.of("ratio", "target", "met"));
    var lines = new ArrayList<List<String>>();
    for (Result r : results) {
      for (Row row : r.rows()) {
        var cells = new ArrayList<>(List.of(row.workload(), row.javaLabel(), cell(row.java())));
        methods.forEach(m -> cells.add(cell(row.cpython().get(m))));
        Double ratio = row.ratioAgainst() == null ? null : row.ratio(row.ratioAgainst());
        cells.add(ratio == null ? "-" : String.format("%.2fx %s", ratio, row.ratioAgainst()));
        cells.add(row.target().describe(row.java().unit()));
        Boolean met = row.target().met(row);
        cells.add(met == null ? "-" : met ? "yes" : "NO");
        lines.add(cells);
      }
    }
    print(out, header, lines);
  }

  /** Each breakdown: phases by column, medians in the unit of the samples. */
  static void printBreakdown(PrintStream out, Breakdown b) {
    out.println(b.title());
    out.println();
    var header = new ArrayList<>(List.of("phase"));
    header.addAll(b.columns());
    var lines = new ArrayList<List<String>>();
    for (String phase : b.phases()) {
      var cells = new ArrayList<>(List.of(phase));
      for (String column : b.columns()) {
        Samples s = b.get(phase, column);
        cells.add(s == null ? "-" : s.unit().format(s.median()));
      }
      lines.add(cells);
    }
    print(out, header, lines);
  }

  /** How many runs each figure of a result has, as one line. */
  static String runCounts(Result r) {
    var parts = new ArrayList<String>();
    for (Row row : r.rows()) {
      parts.add("Java " + row.javaLabel() + " " + row.java().count());
    }
    Map<String, Samples> py = r.rows().isEmpty() ? Map.of() : r.rows().getFirst().cpython();
    py.forEach((m, s) -> parts.add("CPython " + m + " " + s.count()));
    return String.join(", ", parts);
  }

  private static String cell(Samples s) {
    return s == null ? "n/a" : s.medianAndP90() + " " + s.unit().symbol();
  }

  private static void print(PrintStream out, List<String> header, List<List<String>> lines) {
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = header.get(i).length();
      for (List<String> l : lines) {
        width[i] = Math.max(width[i], l.get(i).length());
      }
    }
    out.println(line(header, width));
    var rule = new ArrayList<String>();
    for (int w : width) {
      rule.add("-".repeat(w));
    }
    out.println(line(rule, width));
    lines.forEach(l -> out.println(line(l, width)));
    out.println();
  }

  private static String line(List<String> cells, int[] width) {
    var sb = new StringBuilder("|");
    for (int i = 0; i < cells.size(); i++) {
      sb.append(' ').append(cells.get(i)).append(" ".repeat(width[i] - cells.get(i).length())).append(" |");
    }
    return sb.toString();
  }
}
