package io.ddlcast.producer.publish;

import io.ddlcast.common.error.Backoff;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ErrorClassifier;
import io.ddlcast.common.error.ErrorKind;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.error.Retry;
import io.ddlcast.common.generation.GenerationLog;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaCluster;
import io.ddlcast.common.kafka.TopicReader;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.snapshot.Baseline;
import io.ddlcast.common.snapshot.UnreadableBaselineException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates what the producer writes to when missing: the event topic with infinite retention (events are the history
 * a new standby replays), and the compacted checkpoint topic. An existing event topic that would delete history is
 * refused unless the operator accepts it, or unless a snapshot covers what it still keeps: finite retention
 * ({@code retention.ms}, {@code retention.bytes}) is accepted once the newest snapshot on {@code <topic>.snapshots}
 * is at or after the oldest kept event of every partition, since a new standby then loads that snapshot and replays
 * from there. Compaction is never accepted: it deletes events after any snapshot too.
 */
public final class TopicSetup {
  private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

  /** The topics of one producer: names, partitions, replication factor (below 1: the broker's default). */
  public record Topic(String name, int partitions, short replicationFactor, boolean acceptFiniteRetention) {}

  private TopicSetup() {}

  /** Waits for the brokers and creates the topics; false if stopped first. Permanent refusals stop the producer. */
  public static boolean await(KafkaAccess kafka, Topic topic, BooleanSupplier running) {
    try (Admin admin = KafkaCluster.admin(kafka, "ddlcast-producer-admin")) {
      if (!KafkaCluster.awaitReachable(admin, kafka.bootstrapServers(), running)) {
        return false;
      }
      return Retry.until(running, Backoff.startup(), () -> {
        ensureTopics(admin, topic, () -> latestSnapshot(kafka, topic.name()));
        return Boolean.TRUE;
      }, (e, wait) -> {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (!(e instanceof ExecutionException || e instanceof TimeoutException)) {
          throw Retry.unchecked(e);
        }
        if (ErrorClassifier.classify(cause) == ErrorKind.PERMANENT) {
          throw new DdlcastException(ExitCode.FAILED, "cannot create topics " + topic.name() + " and "
              + Topics.checkpointTopic(topic.name()) + ": " + cause.getMessage(), cause);
        }
        LOG.warn("creating topics failed ({}); retrying", cause.toString());
      }).isPresent();
    }
  }

  /**
   * Creates the event topic and the checkpoint topic if they do not exist. An event topic that would delete history
   * (see {@link #historyRisks}) is refused, with the fix, unless the topic accepts finite retention: then a warning.
   */
  static void ensureTopics(Admin admin, Topic topic, Supplier<Optional<Baseline.Summary>> snapshot)
      throws ExecutionException, InterruptedException, TimeoutException {
    Optional<Short> rf = topic.replicationFactor() < 1 ? Optional.empty() : Optional.of(topic.replicationFactor());
    String maxBytes = Integer.toString(EventPublisher.MAX_RECORD_BYTES);
    NewTopic events = new NewTopic(topic.name(), Optional.of(topic.partitions()), rf)
        .configs(Map.of(
            TopicConfig.RETENTION_MS_CONFIG, "-1",
            TopicConfig.RETENTION_BYTES_CONFIG, "-1",
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxBytes));
    NewTopic checkpoints = new NewTopic(Topics.checkpointTopic(topic.name()), Optional.of(1), rf)
        .configs(Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.SEGMENT_MS_CONFIG, "3600000",
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1",
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxBytes));
    for (NewTopic t : List.of(events, checkpoints)) {
      try {
        admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
        LOG.info("created topic {} ({} partition(s){})", t.name(), t.numPartitions(),
            t.name().equals(topic.name()) ? ", retention.ms=-1" : ", compacted");
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
    GenerationLog.ensureTopic(admin, topic.name(), rf);
    refuseHistoryLoss(admin, topic, snapshot);
  }

  private static void refuseHistoryLoss(Admin admin, Topic topic, Supplier<Optional<Baseline.Summary>> snapshot)
      throws ExecutionException, InterruptedException, TimeoutException {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
    Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    Map<String, String> risks = historyRisks(config);
    if (risks.isEmpty()) {
      return;
    }
    String settings = describe(risks);
    String coverage = "";
    if (!risks.containsKey(TopicConfig.CLEANUP_POLICY_CONFIG)) {
      SortedMap<Integer, Long> earliest = earliestOffsets(admin, topic.name());
      Optional<Baseline.Summary> latest = snapshot.get();
      Optional<String> covered = latest.flatMap(s -> covers(s, earliest));
      if (covered.isPresent()) {
        LOG.info("topic {} has {}, and Kafka deletes old events; accepted: {}. A new standby starts from it "
            + "(applier run --from-snapshot); take snapshots more often than retention deletes.", topic.name(),
            settings, covered.get());
        return;
      }
      coverage = "\nor take a snapshot that covers the oldest event the topic keeps (earliest offsets " + earliest
          + "; " + latest.map(s -> "the latest, " + s.describe() + ", does not").orElse("there is none yet")
          + "): ddlcast producer snapshot";
    }
    if (topic.acceptFiniteRetention()) {
      LOG.warn("topic {} has {}: Kafka will delete DDL history, and a standby rebuilt by replaying the topic would "
          + "miss it. Going on because of --accept-finite-retention.", topic.name(), settings);
      return;
    }
    throw new DdlcastException(ExitCode.FAILED, "topic " + topic.name() + " would delete DDL history: it has "
        + settings + ". A standby rebuilt by replaying the topic would miss what Kafka deleted. Fix the topic:\n"
        + "  kafka-configs.sh --bootstrap-server HOST:PORT --alter --entity-type topics --entity-name "
        + topic.name() + " --add-config " + fixes(risks) + coverage + "\n"
        + "or start the producer with --accept-finite-retention to run on it anyway.");
  }

  /**
   * What the snapshot covers when every event the topic still keeps is either in it or after it (the earliest
   * offset of each partition at or before the snapshot's offset there): a standby loaded from it misses nothing
   * Kafka deleted. Empty when some partition's oldest kept event is past the snapshot (it would miss the events in
   * between) or the snapshot does not name the partition.
   */
  static Optional<String> covers(Baseline.Summary snapshot, SortedMap<Integer, Long> earliest) {
    for (Map.Entry<Integer, Long> e : earliest.entrySet()) {
      Long at = snapshot.offsets().get(e.getKey());
      if (at == null || e.getValue() > at) {
        return Optional.empty();
      }
    }
    return Optional.of(snapshot.describe() + " covers the oldest events the topic keeps (earliest offsets " + earliest
        + ")");
  }

  private static SortedMap<Integer, Long> earliestOffsets(Admin admin, String topic)
      throws ExecutionException, InterruptedException, TimeoutException {
    TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
        .get(topic);
    Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
    description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest()));
    SortedMap<Integer, Long> out = new TreeMap<>();
    admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp.partition(),
        info.offset()));
    return out;
  }

  /** The newest snapshot's summary (by the time it was taken), as {@code --from-snapshot} would load it. */
  static Optional<Baseline.Summary> latestSnapshot(KafkaAccess kafka, String topic) {
    Baseline.Summary newest = null;
    for (ConsumerRecord<String, byte[]> r : TopicReader.latestByKey(kafka, Topics.snapshotsTopic(topic)).values()) {
      try {
        Baseline.Summary s = Baseline.summary(r.value());
        if (newest == null || s.takenAt().isAfter(newest.takenAt())) {
          newest = s;
        }
      } catch (UnreadableBaselineException e) {
        LOG.warn("record at {} offset {} is not a snapshot this build reads: {}", r.topic(), r.offset(),
            e.getMessage());
      }
    }
    return Optional.ofNullable(newest);
  }

  /**
   * The settings of the event topic that delete history, with their values: {@code retention.ms} or
   * {@code retention.bytes} other than -1, a {@code cleanup.policy} with {@code compact}. Empty if none.
   */
  static Map<String, String> historyRisks(Config config) {
    Map<String, String> risks = new LinkedHashMap<>();
    for (String name : List.of(TopicConfig.RETENTION_MS_CONFIG, TopicConfig.RETENTION_BYTES_CONFIG)) {
      ConfigEntry entry = config.get(name);
      if (entry != null && entry.value() != null && !"-1".equals(entry.value().strip())) {
        risks.put(name, entry.value());
      }
    }
    ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
    if (policy != null && policy.value() != null && policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      risks.put(TopicConfig.CLEANUP_POLICY_CONFIG, policy.value());
    }
    return risks;
  }

  private static String describe(Map<String, String> risks) {
    List<String> parts = new ArrayList<>();
    risks.forEach((name, value) -> parts.add(name + "=" + value));
    return String.join(", ", parts);
  }

  /** The --add-config value that makes the topic keep everything. */
  static String fixes(Map<String, String> risks) {
    List<String> parts = new ArrayList<>();
    for (String name : risks.keySet()) {
      parts.add(name + "=" + (name.equals(TopicConfig.CLEANUP_POLICY_CONFIG) ? TopicConfig.CLEANUP_POLICY_DELETE
          : "-1"));
    }
    return String.join(",", parts);
  }
}
