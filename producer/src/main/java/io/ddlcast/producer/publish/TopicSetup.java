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
import io.ddlcast.common.kafka.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates what the producer writes to when missing: the event topic with infinite retention (events are the history
 * a new standby replays), and the compacted checkpoint topic. An existing event topic that would delete history is
 * refused unless the operator accepts it.
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
        ensureTopics(admin, topic);
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
  static void ensureTopics(Admin admin, Topic topic)
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
    refuseHistoryLoss(admin, topic);
  }

  private static void refuseHistoryLoss(Admin admin, Topic topic)
      throws ExecutionException, InterruptedException, TimeoutException {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
    Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    Map<String, String> risks = historyRisks(config);
    if (risks.isEmpty()) {
      return;
    }
    String settings = describe(risks);
    if (topic.acceptFiniteRetention()) {
      LOG.warn("topic {} has {}: Kafka will delete DDL history, and a standby rebuilt by replaying the topic would "
          + "miss it. Going on because of --accept-finite-retention.", topic.name(), settings);
      return;
    }
    throw new DdlcastException(ExitCode.FAILED, "topic " + topic.name() + " would delete DDL history: it has "
        + settings + ". A standby rebuilt by replaying the topic would miss what Kafka deleted. Fix the topic:\n"
        + "  kafka-configs.sh --bootstrap-server HOST:PORT --alter --entity-type topics --entity-name "
        + topic.name() + " --add-config " + fixes(risks) + "\n"
        + "or start the producer with --accept-finite-retention to run on it anyway.");
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
