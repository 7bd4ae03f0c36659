package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventFilter;
import io.ddlcast.common.event.LogPosition;
import io.ddlcast.common.event.Scope;
import io.ddlcast.common.jdbc.PgUrl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A lane's filter: what it leaves out is never run and counts as done for offset commits; what it takes is run as
 * before. The standby here is unreachable and the lane runs inline, so an event handed to the executor would be
 * retried, not finished.
 */
class ApplyLaneFilterTest {
  private static final TopicPartition TP = new TopicPartition("ddlcast.ddl", 0);

  private final OffsetLedger ledger = new OffsetLedger();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final StatementExecutor executor = new StatementExecutor(
      new StandbyConnections(PgUrl.parse("jdbc:postgresql://127.0.0.1:1/postgres?user=nobody"), "s1",
          StandbyLimits.DEFAULT), Map.of());

  private ApplyLane lane(EventFilter filter) {
    ledger.assigned(TP, null);
    return new ApplyLane(Lane.database("app"), "s1", executor, ledger, Runnable::run, running::get, new AtomicInteger(),
        ResultSink.NONE, new OperatorDecisions(OperatorDecisions.OnError.STOP),
        new ApplierMetrics(new SimpleMeterRegistry(), "s1"), filter);
  }

  private static Work work(long offset, String command, String... schemas) {
    DdlEvent event = new DdlEvent(1, "s:" + offset, "src", "app", "app", Scope.DATABASE, "u", null, command,
        command + " x", null, new LogPosition("f.csv", offset, "s", offset), List.of(schemas));
    return new Work(TP, offset, Lane.database("app"), event, null);
  }

  @Test
  void aFilteredEventIsNotRunAndCountsAsDone() {
    ApplyLane lane = lane(EventFilter.parse(new EventFilter.Options(null, null, null, "audit", null,
        "CREATE INDEX")));
    lane.submit(work(0, "CREATE TABLE", "audit"));
    lane.submit(work(1, "CREATE INDEX", "app"));
    assertThat(lane.filtered()).isEqualTo(2);
    assertThat(lane.applied()).isZero();
    assertThat(ledger.committable().get(TP)).isEqualTo(new OffsetAndMetadata(2, ""));
  }

  @Test
  void anEventTheFilterTakesIsNotPassedOver() {
    running.set(false); // the lane keeps what it is given instead of running it
    ApplyLane lane = lane(EventFilter.parse(new EventFilter.Options(null, null, null, "audit", null, null)));
    lane.submit(work(0, "CREATE TABLE", "app"));
    assertThat(lane.filtered()).isZero();
    assertThat(ledger.committable().get(TP)).isEqualTo(new OffsetAndMetadata(0, ""));
    assertThat(ledger.settled(TP, 0)).isFalse();
  }
}
