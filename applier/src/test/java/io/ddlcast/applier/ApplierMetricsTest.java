package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.error.ErrorKind;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.LogPosition;
import io.ddlcast.common.event.Scope;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ApplierMetricsTest {
  private static final TopicPartition TP = new TopicPartition("ddlcast.ddl", 0);
  private static final Instant T0 = Instant.parse("2026-11-23T18:00:00Z");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Instant now = T0.plusSeconds(5);
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  private final ApplierMetrics metrics = new ApplierMetrics(registry, "standby1", clock);

  private static Work work(long offset, Instant logTime) {
    DdlEvent event = new DdlEvent(DdlEvent.SCHEMA_VERSION, "s.1:" + offset, "src", "app", "app", Scope.DATABASE,
        "postgres", null, "CREATE TABLE", "CREATE TABLE t" + offset + " ()", logTime,
        new LogPosition("postgresql.csv", offset * 100, "s.1", offset));
    return new Work(TP, offset, Lane.database("app"), event, null);
  }

  private double lagEvents() {
    return registry.get("ddlcast_applier_lag_events").tag("standby", "standby1").gauge().value();
  }

  private double lagSeconds() {
    return registry.get("ddlcast_applier_lag_seconds").tag("standby", "standby1").gauge().value();
  }

  @Test
  void lagGrowsWhileEventsWaitAndIsZeroOnceTheyAreApplied() {
    assertThat(lagEvents()).isZero();
    assertThat(lagSeconds()).isZero();

    Work first = work(10, T0);
    Work second = work(11, T0.plusSeconds(2));
    metrics.received(first);
    metrics.received(second);
    metrics.polled(3, 4); // 3 held behind a cluster-wide event, 4 not fetched yet
    assertThat(lagEvents()).isEqualTo(2 + 3 + 4);
    assertThat(lagSeconds()).isEqualTo(5.0); // the oldest waiting event, not the newest

    now = now.plusMillis(1500); // the standby is down: nothing moves, the lag in seconds grows
    assertThat(lagSeconds()).isEqualTo(6.5);

    metrics.settled(first, StatementExecutor.Result.APPLIED, TimeUnit.MILLISECONDS.toNanos(12));
    metrics.polled(0, 0);
    assertThat(lagEvents()).isEqualTo(1);
    assertThat(lagSeconds()).isEqualTo(4.5);

    metrics.settled(second, StatementExecutor.Result.ALREADY_APPLIED, 1);
    assertThat(lagEvents()).isZero();
    assertThat(lagSeconds()).isZero();

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("ddlcast_applier_events_applied_total{standby=\"standby1\"} 1.0")
        .contains("ddlcast_applier_events_already_applied_total{standby=\"standby1\"} 1.0")
        .contains("ddlcast_applier_apply_latency_seconds_count{standby=\"standby1\"} 1")
        .contains("ddlcast_applier_apply_latency_seconds_sum{standby=\"standby1\"} 0.012")
        .contains("ddlcast_applier_apply_latency_seconds_bucket{standby=\"standby1\",le=\"+Inf\"} 1");
  }

  @Test
  void aFailedEventStaysBehindWhileTheEventsQueuedAfterItAreGivenUp() {
    Work failed = work(20, T0);
    Work queued = work(21, T0.plusSeconds(1));
    metrics.received(failed);
    metrics.received(queued);
    metrics.failed(failed);
    metrics.abandoned(queued);
    assertThat(lagEvents()).isEqualTo(1);
    assertThat(lagSeconds()).isEqualTo(5.0);

    Work skipped = work(22, T0);
    metrics.received(skipped);
    metrics.settled(skipped, StatementExecutor.Result.skipped("no --tablespace-map entry"), 1);
    metrics.error(ErrorKind.RETRIABLE, "standby");
    metrics.alreadyApplied();

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("ddlcast_applier_events_failed_total{standby=\"standby1\"} 1.0")
        .contains("ddlcast_applier_events_skipped_total{standby=\"standby1\"} 1.0")
        .contains("ddlcast_applier_events_already_applied_total{standby=\"standby1\"} 1.0")
        .contains("ddlcast_applier_errors_total{kind=\"permanent\",standby=\"standby1\",target=\"standby\"} 1.0")
        .contains("ddlcast_applier_errors_total{kind=\"retriable\",standby=\"standby1\",target=\"standby\"} 1.0")
        .contains("ddlcast_applier_apply_latency_seconds_count{standby=\"standby1\"} 0");

    metrics.revoked(TP);
    assertThat(lagEvents()).isZero();
    assertThat(lagSeconds()).isZero();
  }

  @Test
  void anUndecodableEventCountsAsLagInEventsButHasNoTime() {
    Work invalid = new Work(TP, 30, Lane.database("app"), null, "not JSON");
    metrics.received(invalid);
    metrics.failed(invalid);
    assertThat(lagEvents()).isEqualTo(1);
    assertThat(lagSeconds()).isZero();
    assertThat(registry.scrape())
        .contains("ddlcast_applier_errors_total{kind=\"permanent\",standby=\"standby1\",target=\"event\"} 1.0");
  }
}
