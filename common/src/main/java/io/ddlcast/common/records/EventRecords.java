package io.ddlcast.common.records;

import io.ddlcast.common.catalog.SchemaFingerprint;
import io.ddlcast.common.generation.GenerationMarker;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a record of the events topic is: an event, or one of the records that travel between events without being
 * one (a generation's marker, a database's schema fingerprint). Every reader that decodes the topic's records as
 * events asks here first.
 */
public final class EventRecords {
  private EventRecords() {}

  /** True unless the record is a marker or a fingerprint. */
  public static boolean isEvent(ConsumerRecord<String, byte[]> record) {
    return GenerationMarker.of(record).isEmpty() && !SchemaFingerprint.is(record);
  }
}
