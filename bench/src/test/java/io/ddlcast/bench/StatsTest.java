package io.ddlcast.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void nearestRankPercentilesAreObservedValues() {
    double[] hundred = new double[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = 100 - i; // 100 .. 1, unsorted on purpose
    }
    assertThat(Stats.percentile(hundred, 50)).isEqualTo(50);
    assertThat(Stats.percentile(hundred, 95)).isEqualTo(95);
    assertThat(Stats.percentile(hundred, 99)).isEqualTo(99);
    assertThat(Stats.percentile(hundred, 100)).isEqualTo(100);
    assertThat(Stats.max(hundred)).isEqualTo(100);
    assertThat(hundred[0]).as("the input is not sorted in place").isEqualTo(100);
  }

  @Test
  void percentilesOfFewSamples() {
    double[] three = {30, 10, 20};
    assertThat(Stats.percentile(three, 50)).isEqualTo(20);
    assertThat(Stats.percentile(three, 99)).isEqualTo(30);
    assertThat(Stats.percentile(new double[] {7}, 1)).isEqualTo(7);
    assertThatThrownBy(() -> Stats.percentile(new double[0], 50)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Stats.percentile(three, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(Stats.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
  }

  @Test
  void spreadIsMedianMinMaxWithoutMissingRuns() {
    List<Double> runs = new ArrayList<>(List.of(12.0, 10.0, Double.NaN, 30.0));
    Stats.Spread s = Stats.spread(runs);
    assertThat(s.median()).isEqualTo(12);
    assertThat(s.min()).isEqualTo(10);
    assertThat(s.max()).isEqualTo(30);
    assertThat(s.runs()).isEqualTo(3);
    assertThat(Stats.spread(List.of(Double.NaN)).isEmpty()).isTrue();
  }

  @Test
  void verdictComparesTheMedianWithTheTarget() {
    Report report = new Report();
    report.add("latency", "p99", "ms", Stats.spread(List.of(250.0, 310.0, 290.0)), Report.Goal.AT_MOST, 300, "");
    report.add("log", "rate", "records/s", Stats.spread(List.of(150_000.0)), Report.Goal.AT_LEAST, 200_000, "");
    report.add("bulk", "time", "s", Stats.spread(List.of()), "");
    assertThat(report.rows()).extracting(Report.Row::verdict).containsExactly("PASS", "MISS", "");
    assertThat(report.markdown()).contains("| latency | p99 | 290 ms | 250 – 310 | 3 | ≤ 300 ms | **PASS** |");
  }

  @Test
  void gcLogGivesPeakAndLiveHeap() {
    String log = """
        [0.512s] Using G1
        [1.204s] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->6M(256M) 3.120ms
        [9.870s] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 40M->9M(256M) 2.010ms
        [12.001s] GC(2) Pause Full (System.gc()) 15M->8M(40M) 20.500ms
        """;
    Footprint.Heap heap = Footprint.heapOf(log);
    assertThat(heap.peakUsedMb()).isEqualTo(40);
    assertThat(heap.liveMb()).isEqualTo(9);
    assertThat(heap.collections()).isEqualTo(3);
    assertThat(Footprint.heapOf("").liveMb()).isNaN();
  }
}
