package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.LogPosition;
import io.ddlcast.common.event.Scope;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** Events and topic records as the producer writes them, for the applier's unit tests. */
final class TestEvents {
  static final String TOPIC = "ddlcast.ddl";
  static final TopicPartition TP = new TopicPartition(TOPIC, 0);
  static final Instant LOG_TIME = Instant.parse("2026-11-23T18:00:00Z");

  private TestEvents() {}

  /** A statement in a database, keyed by it; the id is {@code s:<n>}. */
  static DdlEvent inDatabase(String database, long n, String command, String statement) {
    return new DdlEvent(DdlEvent.SCHEMA_VERSION, "s:" + n, "src", database, database, Scope.DATABASE, "postgres",
        null, command, statement, LOG_TIME.plusSeconds(n), new LogPosition("f.csv", n * 100, "s", n));
  }

  /** The same, run under a role and search_path on the primary. */
  static DdlEvent inDatabase(String database, long n, String command, String statement, ExecutionContext context) {
    return new DdlEvent(DdlEvent.SCHEMA_VERSION, "s:" + n, "src", database, database, Scope.DATABASE, "postgres",
        context, command, statement, LOG_TIME.plusSeconds(n), new LogPosition("f.csv", n * 100, "s", n));
  }

  /** A statement on cluster-wide objects (run from the maintenance database), keyed by {@code key}. */
  static DdlEvent clusterWide(String key, long n, String command, String statement) {
    return new DdlEvent(DdlEvent.SCHEMA_VERSION, "s:" + n, "src", "postgres", key, Scope.CLUSTER, "postgres", null,
        command, statement, LOG_TIME.plusSeconds(n), new LogPosition("f.csv", n * 100, "s", n));
  }

  /** The record of an event at an offset of partition 0, with the record key given (null: none). */
  static ConsumerRecord<String, byte[]> record(long offset, String key, DdlEvent event) {
    return new ConsumerRecord<>(TOPIC, TP.partition(), offset, key, EventCodec.encode(event));
  }

  /** The record of an event at an offset of partition 0, keyed as the producer keys it. */
  static ConsumerRecord<String, byte[]> record(long offset, DdlEvent event) {
    return record(offset, event.key(), event);
  }
}
