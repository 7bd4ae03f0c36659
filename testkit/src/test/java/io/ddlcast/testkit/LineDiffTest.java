package io.ddlcast.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LineDiffTest {

  @Test
  void showsOnlyTheDifferingLinesWithTheirNumbers() {
    List<String> left = List.of("a", "b", "c", "d", "e");
    List<String> right = List.of("a", "c", "d", "x", "e");

    List<LineDiff.Edit> edits = LineDiff.diff(left, right);

    assertThat(edits).containsExactly(new LineDiff.Edit('-', 2, "b"), new LineDiff.Edit('+', 4, "x"));
  }

  @Test
  void equalInputsHaveNoEdits() {
    assertThat(LineDiff.diff(List.of("a", "b"), List.of("a", "b"))).isEmpty();
  }

  @Test
  void formatLimitsTheNumberOfLines() {
    List<LineDiff.Edit> edits = LineDiff.diff(List.of(), List.of("1", "2", "3"));

    String text = LineDiff.format(edits, 2, "  ");

    assertThat(text).isEqualTo("  +    1 | 1\n  +    2 | 2\n  ... 1 more differing lines\n");
  }
}
