package io.ddlcast.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results table: each figure as the median of its runs with the smallest and largest run beside it, the target
 * where the issue sets one, and PASS or MISS (judged on the median). Printed as text and written as Markdown.
 */
final class Report {
  /** How a figure compares with its target. */
  enum Goal { AT_MOST, AT_LEAST, NONE }

  /** One line of the table. */
  record Row(String scenario, String figure, String unit, Stats.Spread spread, Goal goal, double target, String note) {
    String verdict() {
      if (goal == Goal.NONE) {
        return "";
      }
      if (spread.isEmpty()) {
        return "n/a";
      }
      boolean pass = goal == Goal.AT_MOST ? spread.median() <= target : spread.median() >= target;
      return pass ? "PASS" : "MISS";
    }

    String targetText() {
      return switch (goal) {
        case AT_MOST -> "≤ " + format(target) + " " + unit;
        case AT_LEAST -> "≥ " + format(target) + " " + unit;
        case NONE -> "";
      };
    }

    String medianText() {
      return spread.isEmpty() ? "n/a" : format(spread.median()) + " " + unit;
    }

    String spreadText() {
      if (spread.isEmpty()) {
        return "";
      }
      return format(spread.min()) + " – " + format(spread.max());
    }
  }

  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  void add(String scenario, String figure, String unit, Stats.Spread spread, Goal goal, double target, String note) {
    rows.add(new Row(scenario, figure, unit, spread, goal, target, note));
  }

  void add(String scenario, String figure, String unit, Stats.Spread spread, String note) {
    add(scenario, figure, unit, spread, Goal.NONE, 0, note);
  }

  void note(String note) {
    notes.add(note);
  }

  List<Row> rows() {
    return rows;
  }

  List<String> notes() {
    return notes;
  }

  /** The table as fixed-width text for the terminal. */
  String text() {
    String[] header = {"scenario", "figure", "median", "min – max", "runs", "target", ""};
    List<String[]> lines = new ArrayList<>();
    lines.add(header);
    for (Row r : rows) {
      lines.add(new String[] {r.scenario(), r.figure(), r.medianText(), r.spreadText(),
          Integer.toString(r.spread().runs()), r.targetText(), r.verdict()});
    }
    int[] widths = new int[header.length];
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] line : lines) {
      StringBuilder l = new StringBuilder();
      for (int i = 0; i < line.length; i++) {
        String cell = line[i];
        boolean right = i == 2 || i == 3 || i == 4;
        String pad = " ".repeat(widths[i] - cell.length());
        l.append(right ? pad + cell : cell + pad).append(i + 1 < line.length ? "  " : "");
      }
      out.append(l.toString().stripTrailing()).append('\n');
    }
    notes.forEach(n -> out.append("  ").append(n).append('\n'));
    return out.toString();
  }

  /** The table as Markdown. */
  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("| scenario | figure | median | min – max | runs | target | |\n");
    md.append("| --- | --- | ---: | ---: | ---: | --- | --- |\n");
    for (Row r : rows) {
      md.append("| ").append(r.scenario()).append(" | ").append(r.figure())
          .append(r.note() == null || r.note().isEmpty() ? "" : " (" + r.note() + ")")
          .append(" | ").append(r.medianText()).append(" | ").append(r.spreadText()).append(" | ")
          .append(r.spread().runs()).append(" | ").append(r.targetText()).append(" | ")
          .append(r.verdict().isEmpty() ? "" : "**" + r.verdict() + "**").append(" |\n");
    }
    if (!notes.isEmpty()) {
      md.append('\n');
      notes.forEach(n -> md.append("- ").append(n).append('\n'));
    }
    return md.toString();
  }

  /** Three significant digits, thousands grouped, no exponent. */
  static String format(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    double abs = Math.abs(value);
    if (abs >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (abs >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    if (abs >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    if (abs >= 1) {
      return String.format(Locale.ROOT, "%.2f", value);
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }
}
