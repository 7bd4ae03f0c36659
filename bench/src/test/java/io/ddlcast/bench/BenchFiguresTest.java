package io.ddlcast.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.producer.primary.PrimarySettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchFiguresTest {

  @Test
  void pgbenchThroughputIsTheFigureWithoutConnectionTime() {
    String output = """
        pgbench (15.18 (Debian 15.18-0+deb12u1))
        transaction type: <builtin: TPC-B (sort of)>
        number of transactions actually processed: 12034
        latency average = 6.647 ms
        initial connection time = 9.811 ms
        tps = 601.774209 (without initial connection time)
        """;
    assertThat(PrimaryCostScenario.parseTps(output)).isEqualTo(601.774209);
    assertThatThrownBy(() -> PrimaryCostScenario.parseTps("pgbench: error: connection failed"))
        .isInstanceOf(BenchException.class).hasMessageContaining("no tps line");
  }

  @Test
  void thePrimaryGetsEverySettingTheProducerRequiresAndEveryServerIsDurable() {
    assertThat(ServerSetup.required().keySet()).containsExactlyElementsOf(PrimarySettings.names());
    for (var options : List.of(ServerSetup.primary(), ServerSetup.plain())) {
      assertThat(options.setting("fsync")).contains("on");
      assertThat(options.setting("synchronous_commit")).contains("on");
      assertThat(options.setting("full_page_writes")).contains("on");
    }
    ServerSetup.required().forEach((name, value) -> assertThat(ServerSetup.primary().setting(name)).contains(value));
    assertThat(ServerSetup.primary().csvlogEnabled()).isTrue();
    assertThat(ServerSetup.plain().csvlogEnabled()).isFalse();
  }

  @Test
  void targetsAreJudgedOnTheMedianEitherWay() {
    Report report = new Report();
    report.add("primary", "TPS lost", "%", Stats.spread(List.of(1.0, 2.5, 9.0)), Report.Goal.AT_MOST, 3, "");
    report.add("primary", "TPS lost", "%", Stats.spread(List.of(3.5, 2.0, 4.0)), Report.Goal.AT_MOST, 3, "");
    report.add("log", "ratio", "×", Stats.spread(List.of(0.79, 0.85, 0.9)), Report.Goal.AT_LEAST, 0.8, "");
    report.add("log", "ratio", "×", Stats.spread(List.of(0.8)), Report.Goal.AT_LEAST, 0.8, "");
    report.add("backlog", "no run", "s", Stats.spread(List.of(Double.NaN)), Report.Goal.AT_MOST, 1, "");
    assertThat(report.rows()).extracting(Report.Row::verdict).containsExactly("PASS", "MISS", "PASS", "PASS",
        "n/a");
    assertThat(report.rows().get(0).targetText()).isEqualTo("≤ 3.00 %");
  }

  @Test
  void notesFollowTheTable() {
    Report report = new Report();
    report.add("standbys", "applier CPU", "% of a core", Stats.spread(List.of(1.0, 2.0)), "");
    report.note("standbys: applier s1: CPU 1.0%");
    assertThat(report.markdown()).endsWith("|\n\n- standbys: applier s1: CPU 1.0%\n");
    assertThat(report.text()).endsWith("  standbys: applier s1: CPU 1.0%\n");
  }

  @Test
  void logReadingPassesAreSplitByReaderAndTheWarmUpIsNotCounted() {
    String output = """
        pass 0 producer 1000 2097152 2000000000 1 7 0
        pass 0 commons-csv 1000 2097152 1000000000 1 0 0
        pass 1 producer 1000 2097152 500000000 1 7 0
        pass 1 commons-csv 1000 2097152 400000000 1 0 0
        """;
    LogReadingScenario.Passes producer = LogReadingScenario.passes(output, LogReadMain.PRODUCER, 1);
    LogReadingScenario.Passes csv = LogReadingScenario.passes(output, LogReadMain.COMMONS_CSV, 1);
    assertThat(producer.recordsPerSecond()).containsExactly(2000.0);
    assertThat(producer.mbPerSecond()).containsExactly(4.0);
    assertThat(producer.published()).isEqualTo(7);
    assertThat(csv.mbPerSecond()).containsExactly(5.0);
    assertThatThrownBy(() -> LogReadingScenario.passes(output, LogReadMain.PRODUCER, 2))
        .isInstanceOf(BenchException.class).hasMessageContaining("1 timed passes of producer, expected 2");
  }
}
