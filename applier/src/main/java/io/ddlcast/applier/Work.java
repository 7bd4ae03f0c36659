package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.InvalidEventException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One record of the topic on its way to a lane: where it is, its lane, and the decoded event, or why it could not be
 * decoded (then the lane stops on it rather than skip it).
 */
record Work(TopicPartition partition, long offset, Lane lane, DdlEvent event, String invalid) {
  /** The record, decoded, in the lane {@link Lane#of} gives it. */
  static Work of(ConsumerRecord<String, byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    try {
      DdlEvent event = EventCodec.decode(record.value());
      return new Work(tp, record.offset(), Lane.of(event, record.key()), event, null);
    } catch (InvalidEventException e) {
      return new Work(tp, record.offset(), Lane.of(null, record.key()), null, e.getMessage());
    }
  }

  String where() {
    return "topic " + partition.topic() + " partition " + partition.partition() + " offset " + offset;
  }
}
