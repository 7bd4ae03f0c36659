package io.ddlcast.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.producer.SnapshotPoint.Observation;
import io.ddlcast.producer.csvlog.LogCursor;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SnapshotPointTest {
  private static final Map<String, String> DIGESTS = Map.of(SnapshotPoint.GLOBALS, "g1", "shop", "d1");

  private static TreeMap<Integer, Long> offsets(long p0, long p1) {
    return new TreeMap<>(Map.of(0, p0, 1, p1));
  }

  @Test
  void anAttemptIsExactWhenNothingMovedAndNothingWaits() {
    assertThat(SnapshotPoint.whyNotExact(new Observation(offsets(20, 3), offsets(20, 3), DIGESTS, DIGESTS, false)))
        .isEmpty();
  }

  @Test
  void eachWitnessOfDdlInTheWindowIsNamed() {
    assertThat(SnapshotPoint.whyNotExact(new Observation(offsets(20, 3), offsets(22, 4), DIGESTS, DIGESTS, false)))
        .hasValueSatisfying(r -> assertThat(r).startsWith("the events topic grew by 3 record(s) meanwhile"));
    assertThat(SnapshotPoint.whyNotExact(new Observation(offsets(20, 3), offsets(20, 3), DIGESTS, DIGESTS, true)))
        .hasValueSatisfying(r -> assertThat(r).contains("holds DDL waiting"));
    Map<String, String> after = Map.of(SnapshotPoint.GLOBALS, "g1", "shop", "d2", "new_db", "d3");
    assertThat(SnapshotPoint.whyNotExact(new Observation(offsets(20, 3), offsets(20, 3), DIGESTS, after, false)))
        .hasValue("the schema changed while it was dumped: new_db, shop");
  }

  @Test
  void theBarrierIsReadWhenTheCursorIsPastItOrInALaterFile() {
    String file = "postgresql-2026-12-02_030000.csv";
    assertThat(SnapshotPoint.readPast(new LogCursor(file, 500), file, 400)).isTrue();
    assertThat(SnapshotPoint.readPast(new LogCursor(file, 400), file, 400)).isFalse();
    assertThat(SnapshotPoint.readPast(new LogCursor("postgresql-2026-12-02_040000.csv", 0), file, 400)).isTrue();
    assertThat(SnapshotPoint.readPast(new LogCursor("postgresql-2026-12-02_020000.csv", 9999), file, 400)).isFalse();
    assertThat(SnapshotPoint.readPast(null, file, 400)).isFalse();
  }

  @Test
  void theHelpersEventTriggersLeaveTheTableOfContents() {
    String toc = """
        ;     dbname: shop
        216; 1259 16390 TABLE public t postgres
        3208; 3466 16389 EVENT TRIGGER - ddlcast_ddl_command_end postgres
        3209; 3466 16391 EVENT TRIGGER - audit postgres
        """;
    assertThat(PgDump.withoutHelper(toc)).contains("TABLE public t").contains("EVENT TRIGGER - audit")
        .doesNotContain("ddlcast_ddl_command_end");
  }
}
