package io.ddlcast.producer;

import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.kafka.KafkaCluster;
import io.ddlcast.common.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events and the producer's checkpoint to Kafka, together, in one transaction per batch: either both are
 * visible to {@code read_committed} readers (the appliers) or neither is. The transactional id is derived from the
 * topic and the source, so a second producer for the same primary fences the first instead of duplicating events.
 *
 * <p>Also creates what it writes to when missing: the event topic with infinite retention (events are the history
 * a new standby replays), and the compacted checkpoint topic. An existing event topic that would delete history is
 * refused unless the operator accepts it.
 */
final class EventPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
  /**
   * The largest record ddlcast writes: a statement can be megabytes (a function body, a long COMMENT); Kafka's
   * default of 1 MB would refuse it. Events larger than this are not published and reported with their position.
   */
  static final int MAX_RECORD_BYTES = 64 << 20;

  private final String bootstrapServers;
  private final String topic;
  private final String checkpointTopic;
  private final String source;
  private KafkaProducer<String, byte[]> producer;

  EventPublisher(String bootstrapServers, String topic, String source) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.checkpointTopic = Topics.checkpointTopic(topic);
    this.source = source;
  }

  /**
   * Creates the event topic and the checkpoint topic if they do not exist. An event topic that would delete history
   * (see {@link #historyRisks}) is refused, with the fix, unless {@code acceptFiniteRetention}: then a warning.
   */
  static void ensureTopics(Admin admin, String topic, int partitions, short replicationFactor,
      boolean acceptFiniteRetention)
      throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
    Optional<Short> rf = replicationFactor < 1 ? Optional.empty() : Optional.of(replicationFactor);
    NewTopic events = new NewTopic(topic, Optional.of(partitions), rf)
        .configs(Map.of(
            TopicConfig.RETENTION_MS_CONFIG, "-1",
            TopicConfig.RETENTION_BYTES_CONFIG, "-1",
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_RECORD_BYTES)));
    NewTopic checkpoints = new NewTopic(Topics.checkpointTopic(topic), Optional.of(1), rf)
        .configs(Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.SEGMENT_MS_CONFIG, "3600000",
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1",
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_RECORD_BYTES)));
    for (NewTopic t : List.of(events, checkpoints)) {
      try {
        admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
        LOG.info("created topic {} ({} partition(s){})", t.name(), t.numPartitions(),
            t.name().equals(topic) ? ", retention.ms=-1" : ", compacted");
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    Map<String, String> risks = historyRisks(config);
    if (risks.isEmpty()) {
      return;
    }
    String settings = describe(risks);
    if (acceptFiniteRetention) {
      LOG.warn("topic {} has {}: Kafka will delete DDL history, and a standby rebuilt by replaying the topic would "
          + "miss it. Going on because of --accept-finite-retention.", topic, settings);
      return;
    }
    throw new DdlcastException(ExitCode.FAILED, "topic " + topic + " would delete DDL history: it has " + settings
        + ". A standby rebuilt by replaying the topic would miss what Kafka deleted. Fix the topic:\n"
        + "  kafka-configs.sh --bootstrap-server HOST:PORT --alter --entity-type topics --entity-name " + topic
        + " --add-config " + fixes(risks) + "\n"
        + "or start the producer with --accept-finite-retention to run on it anyway.");
  }

  /**
   * The settings of the event topic that delete history, with their values: {@code retention.ms} or
   * {@code retention.bytes} other than -1, a {@code cleanup.policy} with {@code compact}. Empty if none.
   */
  static Map<String, String> historyRisks(Config config) {
    Map<String, String> risks = new java.util.LinkedHashMap<>();
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

  /**
   * Opens the transactional producer (fencing any earlier instance for this source and aborting its open
   * transaction), then reads the latest committed checkpoint.
   */
  Optional<Checkpoint> start() {
    close();
    Properties props = KafkaCluster.clientProperties(bootstrapServers, "ddlcast-producer-" + source);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, Topics.producerTransactionalId(topic, source));
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_RECORD_BYTES));
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Integer.toString(2 * MAX_RECORD_BYTES));
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(props);
    producer.initTransactions();
    return readCheckpoint();
  }

  /** Publishes the events, in order, and the checkpoint that follows them, atomically. */
  void publish(List<DdlEvent> events, Checkpoint checkpoint) {
    producer.beginTransaction();
    for (DdlEvent event : events) {
      producer.send(new ProducerRecord<>(topic, event.key(), EventCodec.encode(event)));
    }
    producer.send(new ProducerRecord<>(checkpointTopic, source, checkpoint.encode()));
    producer.commitTransaction();
  }

  private Optional<Checkpoint> readCheckpoint() {
    Properties props = KafkaCluster.clientProperties(bootstrapServers, "ddlcast-producer-checkpoint-" + source);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    byte[] latest = null;
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(checkpointTopic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      while (partitions.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (source.equals(r.key())) {
            latest = r.value();
          }
        }
      }
    }
    if (latest == null) {
      return Optional.empty();
    }
    Checkpoint checkpoint = Checkpoint.decode(latest);
    LOG.info("resuming source {} at {} ({} events published so far)", source, checkpoint.cursor(),
        checkpoint.published());
    return Optional.of(checkpoint);
  }

  @Override
  public void close() {
    if (producer != null) {
      try {
        producer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.debug("closing the Kafka producer: {}", e.toString());
      }
      producer = null;
    }
  }
}
