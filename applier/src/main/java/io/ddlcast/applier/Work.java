package io.ddlcast.applier;

import io.ddlcast.common.catalog.SchemaFingerprint;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.InvalidEventException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One record of the topic on its way to a lane: where it is, its lane, and the decoded event, or why it could not be
 * decoded or was refused ({@link RecordGate}; then the lane stops on it rather than skip it), or why it is a
 * zombie's ({@link Generations}: then it is reported and passed, never applied).
 */
record Work(TopicPartition partition, long offset, Lane lane, DdlEvent event, String invalid, String zombie,
    SchemaFingerprint fingerprint) {
  Work(TopicPartition partition, long offset, Lane lane, DdlEvent event, String invalid) {
    this(partition, offset, lane, event, invalid, null, null);
  }

  /**
   * The record, if the gate lets it through, decoded, in the lane {@link Lane#of} gives it; a refused record is not
   * decoded and stays in its key's lane.
   */
  static Work of(ConsumerRecord<String, byte[]> record, RecordGate gate) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    String refused = gate.signatureRefusal(record);
    if (refused != null) {
      return new Work(tp, record.offset(), Lane.of(null, record.key()), null, refused);
    }
    if (SchemaFingerprint.is(record)) { // the primary's schema at this point, for the drift alarm: in its lane
      try {
        return new Work(tp, record.offset(), Lane.of(null, record.key()), null, null, null,
            SchemaFingerprint.decode(record.value()));
      } catch (IllegalArgumentException e) {
        return new Work(tp, record.offset(), Lane.of(null, record.key()), null, null, "not a fingerprint this "
            + "applier reads (" + e.getMessage() + "): the drift alarm passes it", null);
      }
    }
    try {
      DdlEvent event = EventCodec.decode(record.value());
      String foreign = gate.sourceRefusal(event);
      if (foreign != null) {
        return new Work(tp, record.offset(), Lane.of(null, record.key()), null, foreign);
      }
      String generation = gate.generationRefusal(record.partition(), record.offset(), event);
      if (generation != null) {
        return generation.startsWith(RecordGate.ZOMBIE)
            ? new Work(tp, record.offset(), Lane.of(null, record.key()), null, null,
                generation.substring(RecordGate.ZOMBIE.length()), null)
            : new Work(tp, record.offset(), Lane.of(null, record.key()), null, generation);
      }
      return new Work(tp, record.offset(), Lane.of(event, record.key()), event, null);
    } catch (InvalidEventException e) {
      return new Work(tp, record.offset(), Lane.of(null, record.key()), null, e.getMessage());
    }
  }

  String where() {
    return "topic " + partition.topic() + " partition " + partition.partition() + " offset " + offset;
  }
}
