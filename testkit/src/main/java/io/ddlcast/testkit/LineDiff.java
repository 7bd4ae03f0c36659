package io.ddlcast.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * A small line diff for schema dumps: a human needs to see which lines differ, not a patch. Common leading and
 * trailing lines are skipped; the rest is aligned by longest common subsequence when that is affordable, or shown
 * as replaced when the differing middle is very large.
 */
final class LineDiff {

  private static final long MAX_CELLS = 4_000_000L;

  /** A line only on the left ({@code '-'}) or only on the right ({@code '+'}), with its 1-based line number there. */
  record Edit(char side, int lineNumber, String text) {

    @Override
    public String toString() {
      return side + String.format("%5d", lineNumber) + " | " + text;
    }
  }

  private LineDiff() {
  }

  static List<Edit> diff(List<String> left, List<String> right) {
    int prefix = 0;
    while (prefix < left.size() && prefix < right.size() && left.get(prefix).equals(right.get(prefix))) {
      prefix++;
    }
    int leftEnd = left.size();
    int rightEnd = right.size();
    while (leftEnd > prefix && rightEnd > prefix && left.get(leftEnd - 1).equals(right.get(rightEnd - 1))) {
      leftEnd--;
      rightEnd--;
    }
    List<String> a = left.subList(prefix, leftEnd);
    List<String> b = right.subList(prefix, rightEnd);
    if ((long) (a.size() + 1) * (b.size() + 1) > MAX_CELLS) {
      return replaced(a, b, prefix);
    }
    return aligned(a, b, prefix);
  }

  /** Formats at most {@code limit} edits, one per line, with a count of the rest. */
  static String format(List<Edit> edits, int limit, String indent) {
    StringBuilder text = new StringBuilder();
    edits.stream().limit(limit).forEach(edit -> text.append(indent).append(edit).append('\n'));
    if (edits.size() > limit) {
      text.append(indent).append("... ").append(edits.size() - limit).append(" more differing lines\n");
    }
    return text.toString();
  }

  private static List<Edit> replaced(List<String> a, List<String> b, int offset) {
    List<Edit> edits = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      edits.add(new Edit('-', offset + i + 1, a.get(i)));
    }
    for (int j = 0; j < b.size(); j++) {
      edits.add(new Edit('+', offset + j + 1, b.get(j)));
    }
    return edits;
  }

  private static List<Edit> aligned(List<String> a, List<String> b, int offset) {
    int[][] common = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        common[i][j] = a.get(i).equals(b.get(j))
            ? common[i + 1][j + 1] + 1
            : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    List<Edit> edits = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        i++;
        j++;
      } else if (j == b.size() || (i < a.size() && common[i + 1][j] >= common[i][j + 1])) {
        edits.add(new Edit('-', offset + i + 1, a.get(i)));
        i++;
      } else {
        edits.add(new Edit('+', offset + j + 1, b.get(j)));
        j++;
      }
    }
    return edits;
  }
}
