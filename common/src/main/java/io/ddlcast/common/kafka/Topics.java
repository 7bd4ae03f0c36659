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
 *   <li>{@code <topic>.results}: what each applier did with each event (applied, failed, skipped, ...) and its
 *       heartbeats, keyed by standby.
 *   <li>{@code <topic>.standbys}: the per-standby view folded from the results by Kafka Streams (compacted: the
 *       latest view per standby); {@code ddlcast status} reads it.
 *   <li>{@code <topic>.control}: operator commands for the appliers ({@code retry}, {@code skip}), keyed by standby.
 *   <li>{@code <topic>.dead-letter}: events a standby skipped, with the error they had there.
 *   <li>{@code <topic>.generations}: the source's generations, promotions and switchovers (compacted, one
 *       partition; see {@code io.ddlcast.common.generation.GenerationLog}).
 *   <li>{@code <topic>.snapshots}: baselines of the primary's schema at one point of the stream, for a new standby
 *       to start from instead of replaying everything (compacted, one partition, the latest per source; see
 *       {@code io.ddlcast.common.snapshot.Baseline}).
 * </ul>
 */
public final class Topics {
  public static final String DEFAULT_TOPIC = "ddlcast.ddl";

  private Topics() {}

  public static String checkpointTopic(String topic) {
    return topic + ".checkpoints";
  }

  public static String resultsTopic(String topic) {
    return topic + ".results";
  }

  public static String standbysTopic(String topic) {
    return topic + ".standbys";
  }

  public static String controlTopic(String topic) {
    return topic + ".control";
  }

  public static String deadLetterTopic(String topic) {
    return topic + ".dead-letter";
  }

  public static String generationsTopic(String topic) {
    return topic + ".generations";
  }

  public static String snapshotsTopic(String topic) {
    return topic + ".snapshots";
  }

  /** The one transactional id that writes generations: two promotions fence each other, one wins. */
  public static String generationsTransactionalId(String topic) {
    return "ddlcast.generations." + topic;
  }

  /** The Kafka Streams application that folds one standby's results into its view. */
  public static String statusApplication(String topic, String standbyName) {
    return "ddlcast.status." + topic + "." + standbyName;
  }

  public static final String APPLIER_GROUP_PREFIX = "ddlcast.applier.";

  public static String applierGroup(String standbyName) {
    return APPLIER_GROUP_PREFIX + standbyName;
  }

  public static String producerTransactionalId(String topic, String source) {
    return "ddlcast.producer." + topic + "." + source;
  }
}
