package io.ddlcast.producer;

import io.ddlcast.common.error.ErrorKind;
import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.csvlog.LogCursor;
import io.ddlcast.producer.csvlog.LogRecord;
import io.ddlcast.producer.csvlog.LogSource;
import io.ddlcast.producer.csvlog.LogTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The producer's meters, defined in one place so that the loop only says what happened ({@link #read},
 * {@link #published}, {@link #dropped}, {@link #error}). Counting costs an add per batch; the lag is computed when
 * scraped, from the reader's last position and the csvlog files' sizes, so reading the log pays nothing for it.
 *
 * <pre>
 * ddlcast_producer_records_read_total             csvlog records read (complete records, re-reads after a Kafka
 *                                                 failure included)
 * ddlcast_producer_csvlog_read_bytes_total        bytes of those records
 * ddlcast_producer_events_published_total         events committed to the topic
 * ddlcast_producer_records_dropped_total{reason}  DDL not published, by {@link DropKind#label()}: rolled_back,
 *                                                 failed, undecided, not_replicated (temporary, ddlcast's own,
 *                                                 ALTER SYSTEM, DDL in SQL functions, data such as REFRESH and
 *                                                 large objects, ...), too_large, unsafe (its strings read
 *                                                 differently with standard_conforming_strings off, and the
 *                                                 session's setting was not known to be on), refused (cannot be
 *                                                 replicated exactly: EXPLAIN ANALYZE of a CREATE, CREATE TABLE AS
 *                                                 EXECUTE, a table with a column of a temporary row type)
 * ddlcast_producer_errors_total{kind,target}      kind retriable|permanent; target csvlog|kafka|primary
 * ddlcast_producer_lag_bytes                      csvlog bytes not read yet: from the reader's position to the end
 *                                                 of the newest csv file (NaN until the first file is found)
 * ddlcast_producer_last_record_time_seconds       primary log time of the newest record read (epoch seconds)
 * </pre>
 *
 * <p>Why bytes and not seconds for the lag: a primary that runs no statement writes nothing, so "now minus the
 * newest record's time" grows on an idle primary although the producer is not behind at all. Bytes behind the end
 * of the log are zero whenever everything written was read. The newest record's time is still exported, for
 * dashboards that want to show it.
 */
final class ProducerMetrics {
  private final LogSource source;
  private final Counter recordsRead;
  private final Counter bytesRead;
  private final Counter published;
  private volatile int generation;
  private final Map<DropKind, Counter> dropped = new EnumMap<>(DropKind.class);
  private final Map<ErrorKind, Map<String, Counter>> errors = new EnumMap<>(ErrorKind.class);
  private volatile LogCursor position;
  private volatile String newestLogTime;

  ProducerMetrics(MeterRegistry registry, LogSource source) {
    this.source = source;
    recordsRead = Counter.builder("ddlcast_producer_records_read").description("csvlog records read")
        .register(registry);
    bytesRead = Counter.builder("ddlcast_producer_csvlog_read").baseUnit("bytes")
        .description("bytes of csvlog records read").register(registry);
    published = Counter.builder("ddlcast_producer_events_published")
        .description("DDL events committed to the topic").register(registry);
    for (DropKind kind : DropKind.values()) { // kinds that share a label share its counter
      dropped.put(kind, Counter.builder("ddlcast_producer_records_dropped").tag("reason", kind.label())
          .description("DDL statements seen in the log and not published").register(registry));
    }
    for (ErrorKind kind : ErrorKind.values()) {
      Map<String, Counter> byTarget = new HashMap<>();
      for (String target : List.of("csvlog", "kafka", "primary")) {
        byTarget.put(target, Counter.builder("ddlcast_producer_errors").tag("kind", kind.name().toLowerCase(
            Locale.ROOT)).tag("target", target).description("errors met, by kind and by what failed")
            .register(registry));
      }
      errors.put(kind, byTarget);
    }
    Gauge.builder("ddlcast_producer_lag", this, ProducerMetrics::lagBytes).baseUnit("bytes")
        .description("csvlog bytes written by the primary and not read yet").register(registry);
    Gauge.builder("ddlcast_producer_last_record_time_seconds", this, ProducerMetrics::newestRecordSeconds)
        .description("primary log time of the newest csvlog record read, in seconds since the epoch")
        .register(registry);
    Gauge.builder("ddlcast_producer_generation", this, m -> m.generation)
        .description("the generation of the topic's source this producer publishes in (0 before it knows)")
        .register(registry);
  }


  /** The producer publishes in generation {@code n}. */
  void generation(int n) {
    generation = n;
  }

  /** A batch of records read; {@code after} is the reader's position after it. */
  void read(List<LogRecord> records, LogCursor after) {
    if (!records.isEmpty()) {
      long bytes = 0;
      for (LogRecord record : records) {
        bytes += record.length();
      }
      recordsRead.increment(records.size());
      bytesRead.increment(bytes);
      newestLogTime = records.get(records.size() - 1).logTime();
    }
    position = after;
  }

  void published(int events) {
    published.increment(events);
  }

  void dropped(DropKind kind) {
    dropped.get(kind).increment();
  }

  void error(ErrorKind kind, String target) {
    errors.get(kind).get(target).increment();
  }

  /** Bytes from the reader's position to the end of the newest csv file; NaN while unknown. */
  double lagBytes() {
    LogCursor at = position;
    try {
      if (source.files().isEmpty()) {
        return at == null ? Double.NaN : 0;
      }
      return source.bytesAfter(at);
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  double newestRecordSeconds() {
    String text = newestLogTime;
    if (text == null) {
      return Double.NaN;
    }
    Instant time = LogTime.parse(text);
    return time == null ? Double.NaN : time.toEpochMilli() / 1000.0;
  }
}
