package io.ddlcast.producer.publish;

import io.ddlcast.common.catalog.SchemaFingerprint;
import io.ddlcast.common.event.DdlEvent;
import java.util.List;
import java.util.Optional;

/**
 * Where the producer's loop puts what it decided: events and the checkpoint that follows them, together or not at
 * all. {@link EventPublisher} is the Kafka one.
 */
public interface EventSink extends AutoCloseable {
  /** (Re)opens the sink, fencing any earlier writer for this source, and reads the last committed checkpoint. */
  Optional<Checkpoint> start();

  /**
   * Publishes the events, in order, and the checkpoint after them, atomically; throws a KafkaException if not, and
   * a {@link CheckpointTooLargeException}, having written nothing, when the checkpoint cannot be one record.
   */
  void publish(List<DdlEvent> events, Checkpoint checkpoint);

  /** Publishes schema fingerprints, each in its database's place of the events topic, in one transaction. */
  void publishFingerprints(List<SchemaFingerprint> fingerprints);

  /** Whether the events it publishes are signed (the checkpoint says so, for {@code status}). */
  default boolean signs() {
    return false;
  }

  @Override
  void close();
}
