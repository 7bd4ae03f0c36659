package io.ddlcast.common.kafka;

/**
 * Naming conventions shared by the producer, the appliers and the tools, so that each finds what the others wrote.
 *
 * <ul>
 *   <li>{@code <topic>} (default {@value #DEFAULT_TOPIC}): the DDL events, keyed by database, kept forever.
 *   <li>{@code <topic>.checkpoints}: the producer's position in the csvlog and its undecided statements, per
 *       source, written in the same Kafka transaction as the events (compacted: only the latest matters).
 *   <li>consumer group {@code ddlcast.applier.<standby>}: one per standby; its committed offsets are the standby's
 *       checkpoint.
 * </ul>
 */
public final class Topics {
  public static final String DEFAULT_TOPIC = "ddlcast.ddl";

  private Topics() {}

  public static String checkpointTopic(String topic) {
    return topic + ".checkpoints";
  }

  public static String applierGroup(String standbyName) {
    return "ddlcast.applier." + standbyName;
  }

  public static String producerTransactionalId(String topic, String source) {
    return "ddlcast.producer." + topic + "." + source;
  }
}
