package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.catalog.CatalogObject;
import io.ddlcast.common.catalog.SchemaFingerprint;
import io.ddlcast.common.event.EventFilter;
import io.ddlcast.common.status.ApplyResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The drift alarm in a lane: a fingerprint is compared with the standby's listing of its database; a difference is
 * reported (result, metric) and the stream goes on; a fingerprint never runs anything and counts as done.
 */
class DriftAlarmTest {
  private static final TopicPartition TP = new TopicPartition("ddlcast.ddl", 0);
  private static final CatalogObject TABLE = new CatalogObject("table", "public.t", "alice", "heap", null, null);
  private static final CatalogObject COLUMN = new CatalogObject("column", "public.t.c", null, "integer", null, null);

  private final OffsetLedger ledger = new OffsetLedger();
  private final List<ApplyResult> results = new ArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private ApplyLane lane(List<CatalogObject> standby) {
    ledger.assigned(TP, null);
    EventExecutor executor = new EventExecutor() {
      @Override
      public StatementExecutor.Result execute(Work work) throws SQLException {
        throw new SQLException("a fingerprint must not run anything");
      }

      @Override
      public List<CatalogObject> listing(String database, boolean globals) {
        return standby;
      }

      @Override
      public void close() {}
    };
    ResultSink sink = new ResultSink() {
      @Override
      public void publish(ApplyResult result) {
        results.add(result);
      }

      @Override
      public void deadLetter(Work work, ApplyResult result) {}
    };
    return new ApplyLane(Lane.database("app"), "s1", executor, ledger, Runnable::run, () -> true, new AtomicInteger(),
        sink, new OperatorDecisions(OperatorDecisions.OnError.STOP), new ApplierMetrics(registry, "s1"),
        EventFilter.ALL);
  }

  private static Work fingerprint(long offset) {
    SchemaFingerprint f = SchemaFingerprint.of("app", "src", 1, Instant.now(), List.of(TABLE));
    return new Work(TP, offset, Lane.database("app"), null, null, null, f);
  }

  @Test
  void aStandbyThatMatchesReportsNoDrift() {
    lane(List.of(TABLE)).submit(fingerprint(0));
    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.outcome()).isEqualTo(ApplyResult.Outcome.FINGERPRINT);
      assertThat(r.message()).isNull();
    });
    assertThat(registry.get("ddlcast_applier_drift").tag("database", "app").gauge().value()).isZero();
    assertThat(ledger.committable().get(TP)).isEqualTo(new OffsetAndMetadata(1, ""));
  }

  @Test
  void aChangeByHandIsDriftNamedInTheResultAndTheMetric() {
    lane(List.of(TABLE, COLUMN)).submit(fingerprint(0));
    assertThat(results).singleElement().satisfies(r -> assertThat(r.message())
        .contains("1 object(s) differ", "extra column public.t.c"));
    assertThat(registry.get("ddlcast_applier_drift").tag("database", "app").gauge().value()).isEqualTo(1.0);
    assertThat(ledger.committable().get(TP)).isEqualTo(new OffsetAndMetadata(1, ""));
  }
}
