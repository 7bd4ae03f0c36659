package io.ddlcast.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.error.ErrorKind;
import io.ddlcast.common.event.EventFilter;
import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.capture.EventFactory;
import io.ddlcast.producer.capture.HelperTrust;
import io.ddlcast.producer.csvlog.Csvlog;
import io.ddlcast.producer.csvlog.CsvlogParser;
import io.ddlcast.producer.csvlog.LogFollower;
import io.ddlcast.producer.csvlog.LogRecord;
import io.ddlcast.producer.csvlog.LogSource;
import io.ddlcast.producer.settle.Outcome;
import io.ddlcast.producer.settle.SessionTracker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerMetricsTest {
  @TempDir
  Path dir;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private static String statement(long line, String sql) {
    return Csvlog.record("s.1", line, "3/" + line, "LOG", "00000", "idle", "statement: " + sql, "");
  }

  private long append(String file, String text) throws IOException {
    Files.writeString(dir.resolve(file), text, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  private double value(String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void lagIsTheUnreadBytesUpToTheEndOfTheNewestFileAndReadsAreCounted() throws IOException {
    ProducerMetrics metrics = new ProducerMetrics(registry, LogSource.ofLogDir(dir));
    assertThat(value("ddlcast_producer_lag")).isNaN(); // no file yet, nothing read

    long first = append("postgresql-2026-11-23_100000.csv", statement(1, "CREATE TABLE a()"));
    long second = append("postgresql-2026-11-23_100000.csv", statement(2, "CREATE TABLE b()"));
    assertThat(value("ddlcast_producer_lag")).isEqualTo(first + second); // nothing read: all of it

    LogFollower follower = new LogFollower(LogSource.ofLogDir(dir), null, 1 << 20);
    LogFollower.Batch batch = follower.poll();
    metrics.read(batch.records(), follower.cursor());
    assertThat(value("ddlcast_producer_lag")).isZero();
    assertThat(registry.get("ddlcast_producer_records_read").counter().count()).isEqualTo(2);
    assertThat(registry.get("ddlcast_producer_csvlog_read").counter().count()).isEqualTo(first + second);
    assertThat(value("ddlcast_producer_last_record_time_seconds"))
        .isEqualTo(Instant.parse("2026-11-23T18:54:13.190Z").toEpochMilli() / 1000.0);

    long third = append("postgresql-2026-11-23_100000.csv", statement(3, "CREATE TABLE c()"));
    long rotated = append("postgresql-2026-11-23_100100.csv", statement(4, "CREATE TABLE d()"));
    assertThat(value("ddlcast_producer_lag")).isEqualTo(third + rotated);

    for (LogFollower.Batch b = follower.poll(); !b.isEmpty() || b.more(); b = follower.poll()) {
      metrics.read(b.records(), follower.cursor());
    }
    assertThat(value("ddlcast_producer_lag")).isZero();
    assertThat(registry.get("ddlcast_producer_records_read").counter().count()).isEqualTo(4);
  }

  @Test
  void dropsAreCountedByReasonKindAndErrorsByKindAndTarget() {
    ProducerMetrics metrics = new ProducerMetrics(registry, LogSource.ofLogDir(dir));
    metrics.dropped(DropKind.ROLLED_BACK); // rolled back on the primary
    metrics.dropped(DropKind.ROLLED_BACK); // rolled back on the primary with its savepoint
    metrics.dropped(DropKind.FAILED); // failed on the primary: ERROR 42P07 relation exists
    metrics.dropped(DropKind.UNDECIDED); // undecided: prepared for two-phase commit, ...
    metrics.dropped(DropKind.NOT_REPLICATED); // temporary object (exists only in its session)
    metrics.dropped(DropKind.TOO_LARGE);
    metrics.error(ErrorKind.RETRIABLE, "kafka");
    metrics.error(ErrorKind.RETRIABLE, "kafka");
    metrics.error(ErrorKind.PERMANENT, "primary");
    metrics.published(3);

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("ddlcast_producer_records_dropped_total{reason=\"rolled_back\"} 2.0")
        .contains("ddlcast_producer_records_dropped_total{reason=\"failed\"} 1.0")
        .contains("ddlcast_producer_records_dropped_total{reason=\"undecided\"} 1.0")
        .contains("ddlcast_producer_records_dropped_total{reason=\"not_replicated\"} 1.0")
        .contains("ddlcast_producer_records_dropped_total{reason=\"too_large\"} 1.0")
        .contains("ddlcast_producer_errors_total{kind=\"retriable\",target=\"kafka\"} 2.0")
        .contains("ddlcast_producer_errors_total{kind=\"permanent\",target=\"primary\"} 1.0")
        .contains("ddlcast_producer_errors_total{kind=\"retriable\",target=\"csvlog\"} 0.0")
        .contains("ddlcast_producer_events_published_total 3.0")
        .contains("ddlcast_producer_csvlog_read_bytes_total 0.0")
        .contains("ddlcast_producer_lag_bytes ");
  }

  private static List<LogRecord> fixture(String name) throws IOException {
    try (InputStream in = ProducerMetricsTest.class.getResourceAsStream("/csvlog/capture/" + name + ".csv")) {
      byte[] bytes = in.readAllBytes();
      return CsvlogParser.parse(name, 0, bytes, bytes.length).records();
    }
  }

  @Test
  void aSessionThatEndsOrIsTerminatedInsideItsTransactionCountsAsRolledBack() throws IOException {
    ProducerMetrics metrics = new ProducerMetrics(registry, LogSource.ofLogDir(dir));
    OutcomeRouter router = new OutcomeRouter(EventFilter.of(EventFilter.Options.NONE, new Problems()), metrics,
        database -> { });
    SessionTracker tracker = new SessionTracker(new EventFactory("metrics"), false, HelperTrust.FRAMES_ONLY);
    List<Outcome> outcomes = new ArrayList<>();
    for (String name : List.of("05-disconnect-open-tx", "06-terminated")) {
      fixture(name).forEach(r -> outcomes.addAll(tracker.accept(r)));
    }
    assertThat(outcomes).extracting(o -> ((Outcome.Drop) o).reason()).containsExactly(
        "the session ended with its transaction open: rolled back on the primary",
        "the session was terminated (57P01 terminating connection due to administrator command) with its "
            + "transaction open: rolled back on the primary");
    assertThat(router.route(outcomes)).isEmpty();
    assertThat(registry.scrape())
        .contains("ddlcast_producer_records_dropped_total{reason=\"rolled_back\"} 2.0")
        .contains("ddlcast_producer_records_dropped_total{reason=\"not_replicated\"} 0.0");
  }
}
