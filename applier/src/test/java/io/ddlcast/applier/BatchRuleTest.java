package io.ddlcast.applier;

import static io.ddlcast.applier.TestEvents.TOPIC;
import static io.ddlcast.applier.TestEvents.TP;
import static io.ddlcast.applier.TestEvents.clusterWide;
import static io.ddlcast.applier.TestEvents.inDatabase;
import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.applier.BatchRule.Fit;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.sql.SqlCommand;
import java.time.Duration;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** What may share a standby transaction with the events around it, and how many a batch takes. */
class BatchRuleTest {
  private static final Lane APP = Lane.database("app");

  private static Work work(long offset, String statement) {
    return new Work(TP, offset, APP, inDatabase("app", offset, SqlCommand.of(statement).tag(), statement), null);
  }

  private static Fit fit(String statement) {
    return BatchRule.fit(work(1, statement));
  }

  @Test
  void plainDdlJoinsABatch() {
    assertThat(fit("CREATE TABLE t (a int)")).isEqualTo(Fit.JOINS);
    assertThat(fit("CREATE INDEX i ON t (a)")).isEqualTo(Fit.JOINS);
    assertThat(fit("CREATE UNIQUE INDEX i ON t (a)")).isEqualTo(Fit.JOINS);
    assertThat(fit("DROP INDEX i")).isEqualTo(Fit.JOINS);
    assertThat(fit("ALTER TYPE mood RENAME VALUE 'a' TO 'b'")).isEqualTo(Fit.JOINS);
    assertThat(fit("CREATE VIEW v AS SELECT 1")).isEqualTo(Fit.JOINS);
    assertThat(fit("GRANT SELECT ON t TO r")).isEqualTo(Fit.JOINS);
  }

  @Test
  void whatCannotRunInATransactionBlockRunsAlone() {
    assertThat(fit("CREATE INDEX CONCURRENTLY i ON t (a)")).isEqualTo(Fit.ALONE);
    assertThat(fit("DROP INDEX CONCURRENTLY i")).isEqualTo(Fit.ALONE);
    assertThat(fit("REINDEX TABLE t")).as("REINDEX SCHEMA is refused in a block: no REINDEX joins")
        .isEqualTo(Fit.ALONE);
    assertThat(fit("CLUSTER t USING i")).isEqualTo(Fit.ALONE);
    assertThat(fit("VACUUM t")).isEqualTo(Fit.ALONE);
    assertThat(fit("ALTER TABLE p DETACH PARTITION c CONCURRENTLY")).isEqualTo(Fit.ALONE);
  }

  @Test
  void whatALaterEventCannotUseBeforeTheCommitEndsABatch() {
    assertThat(fit("ALTER TYPE mood ADD VALUE 'happy'")).isEqualTo(Fit.LAST);
    assertThat(fit("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy' BEFORE 'sad'")).isEqualTo(Fit.LAST);
    assertThat(fit("DROP OWNED BY r")).isEqualTo(Fit.LAST);
    assertThat(fit("REASSIGN OWNED BY r TO s")).isEqualTo(Fit.LAST);
  }

  @Test
  void barriersRecordsThatAreNotEventsAndSealedStatementsRunAlone() {
    DdlEvent role = clusterWide("(cluster)", 1, "CREATE ROLE", "CREATE ROLE r");
    assertThat(BatchRule.fit(new Work(TP, 1, Lane.CLUSTER, role, null))).isEqualTo(Fit.ALONE);
    assertThat(BatchRule.fit(new Work(TP, 1, APP, null, "not an event"))).isEqualTo(Fit.ALONE);
    DdlEvent server = inDatabase("app", 1, "CREATE SERVER", "CREATE SERVER s OPTIONS (password '********')");
    DdlEvent sealed = new DdlEvent(2, server.id(), server.source(), server.database(), server.key(),
        server.scope(), server.user(), server.context(), server.command(), server.statement(), server.logTime(),
        server.position(), server.schemas(), "k1:sealed");
    assertThat(BatchRule.fit(new Work(TP, 1, APP, sealed, null))).isEqualTo(Fit.ALONE);
  }

  @Test
  void aBatchTakesUpToItsEventsBytesAndTime() {
    BatchRule.Bounds bounds = new BatchRule.Bounds(3, 60, Duration.ofMillis(100));
    long t0 = 1_000_000_000L;
    BatchRule.Batch batch = new BatchRule.Batch(bounds, work(1, "CREATE TABLE a ()"), t0); // 17 bytes
    assertThat(batch.admits(work(2, "CREATE TABLE b ()"), t0)).isTrue();
    batch.add(work(2, "CREATE TABLE b ()"));
    assertThat(batch.admits(work(3, "CREATE TABLE " + "c".repeat(20) + " ()"), t0)).as("over 60 bytes").isFalse();
    assertThat(batch.admits(work(3, "CREATE TABLE c ()"), t0 + Duration.ofMillis(100).toNanos()))
        .as("its transaction took events for 100 ms").isFalse();
    assertThat(batch.admits(work(3, "CREATE TABLE c ()"), t0)).isTrue();
    batch.add(work(3, "CREATE TABLE c ()"));
    assertThat(batch.events()).isEqualTo(3);
    assertThat(batch.admits(work(4, "CREATE TABLE d ()"), t0)).as("three events").isFalse();
  }

  @Test
  void aBatchEndsBeforeWhatRunsAloneAndAfterWhatEndsIt() {
    long t0 = 0;
    BatchRule.Batch batch = new BatchRule.Batch(BatchRule.Bounds.DEFAULT, work(1, "CREATE TYPE mood AS ENUM ()"), t0);
    assertThat(batch.admits(work(2, "CREATE INDEX CONCURRENTLY i ON t (a)"), t0)).isFalse();
    assertThat(batch.admits(work(2, "ALTER TYPE mood ADD VALUE 'a'"), t0)).isTrue();
    batch.add(work(2, "ALTER TYPE mood ADD VALUE 'a'"));
    assertThat(batch.admits(work(3, "CREATE TABLE t (m mood DEFAULT 'a')"), t0)).isFalse();
  }

  @Test
  void aBatchHoldsOneLaneOfOnePartitionItsMarkerRow() {
    BatchRule.Batch batch = new BatchRule.Batch(BatchRule.Bounds.DEFAULT, work(1, "CREATE TABLE a ()"), 0);
    Work otherPartition = new Work(new TopicPartition(TOPIC, 1), 2, APP,
        inDatabase("app", 2, "CREATE TABLE", "CREATE TABLE b ()"), null);
    Work otherLane = new Work(TP, 2, Lane.database("shop"),
        inDatabase("shop", 2, "CREATE TABLE", "CREATE TABLE b ()"), null);
    assertThat(batch.admits(otherPartition, 0)).isFalse();
    assertThat(batch.admits(otherLane, 0)).isFalse();
    assertThat(BatchRule.Bounds.NONE.enabled()).isFalse();
    assertThat(BatchRule.Bounds.DEFAULT.enabled()).isTrue();
  }
}
