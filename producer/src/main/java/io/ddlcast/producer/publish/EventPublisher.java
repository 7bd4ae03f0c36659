package io.ddlcast.producer.publish;

import io.ddlcast.common.catalog.SchemaFingerprint;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.SessionSetting;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.TopicReader;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.trust.SigningKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events and the producer's checkpoint to Kafka, together, in one transaction per batch: either both are
 * visible to {@code read_committed} readers (the appliers) or neither is. The transactional id is derived from the
 * topic and the source, so a second producer for the same primary fences the first instead of duplicating events.
 *
 * <p>It applies the size rule last: no record it writes is larger than {@link #MAX_RECORD_BYTES}, the largest the
 * topics it creates ({@link TopicSetup}) take. Events are held to it long before (a statement is never longer than
 * {@code DdlEvent.MAX_STATEMENT_CHARS}); a checkpoint can outgrow it while much DDL waits for its transactions' ends,
 * and then it is not written ({@link CheckpointTooLargeException}) and the events wait with it.
 *
 * <p>With a signing key ({@link #signingWith}) each event record carries an Ed25519 signature over its topic, key and
 * value in its headers ({@code SigningKey}), which appliers given {@code --trusted-keys} verify. Checkpoints are not
 * signed: only this producer reads them, and it could not tell an old checkpoint of its own from a forged one by a
 * signature alone (see README, Signed events).
 */
public final class EventPublisher implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
  /**
   * The largest record ddlcast writes: a statement can be megabytes (a function body, a long COMMENT); Kafka's
   * default of 1 MB would refuse it. Events larger than this are not published and reported with their position.
   */
  public static final int MAX_RECORD_BYTES = DdlEvent.MAX_RECORD_BYTES;

  private final KafkaAccess kafka;
  private final String topic;
  private final String checkpointTopic;
  private final String source;
  private final Function<Properties, Producer<String, byte[]>> producers;
  private Producer<String, byte[]> producer;
  private SigningKey signingKey;

  public EventPublisher(KafkaAccess kafka, String topic, String source) {
    this(kafka, topic, source, KafkaProducer::new);
  }

  /** With the Kafka producer made by {@code producers} from its settings (a {@code MockProducer} in tests). */
  EventPublisher(KafkaAccess kafka, String topic, String source,
      Function<Properties, Producer<String, byte[]>> producers) {
    this.kafka = kafka;
    this.topic = topic;
    this.checkpointTopic = Topics.checkpointTopic(topic);
    this.source = source;
    this.producers = producers;
  }

  /** Signs every event it publishes with {@code key} (null: unsigned). */
  public EventPublisher signingWith(SigningKey key) {
    this.signingKey = key;
    return this;
  }

  @Override
  public boolean signs() {
    return signingKey != null;
  }

  /**
   * True if the event can be published: it fits in a record, as JSON. Encoded only when the bound of 6 bytes per
   * character of its texts ({@code \u0001}) says it might not: never at the statement limit alone.
   */
  public static boolean fits(DdlEvent event) {
    if (event.statement().length() > DdlEvent.MAX_STATEMENT_CHARS) {
      return false;
    }
    return 6L * textLength(event) + 4096 <= MAX_RECORD_BYTES || EventCodec.encode(event).length <= MAX_RECORD_BYTES;
  }

  private static long textLength(DdlEvent e) {
    long n = length(e.id()) + length(e.source()) + length(e.database()) + length(e.key()) + length(e.user())
        + length(e.command()) + length(e.statement()) + length(e.position().file()) + length(e.position().session())
        + length(e.sealed());
    if (e.context() != null) {
      n += length(e.context().role()) + length(e.context().sessionRole()) + length(e.context().searchPath());
      if (e.context().settings() != null) {
        for (Map.Entry<SessionSetting, String> s : e.context().settings().entrySet()) {
          n += s.getKey().guc().length() + length(s.getValue()) + 8;
        }
      }
    }
    for (String schema : e.schemas()) {
      n += length(schema) + 8;
    }
    return n;
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }

  /**
   * Opens the transactional producer (fencing any earlier instance for this source and aborting its open
   * transaction), then reads the latest committed checkpoint.
   */
  @Override
  public Optional<Checkpoint> start() {
    open();
    return readCheckpoint();
  }

  /** Opens the transactional producer: from here on, an earlier instance for this source is fenced. */
  void open() {
    close();
    producer = producers.apply(settings());
    producer.initTransactions();
  }

  /** The Kafka producer's settings: transactional, idempotent, acknowledged by every in-sync replica. */
  Properties settings() {
    Properties props = kafka.clientProperties("ddlcast-producer-" + source);
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
    return props;
  }

  /** Publishes the events, in order, keyed by database, and the checkpoint that follows them, atomically. */
  @Override
  public void publish(List<DdlEvent> events, Checkpoint checkpoint) {
    byte[] state = checkpoint.encode();
    if (state.length > MAX_RECORD_BYTES) {
      throw new CheckpointTooLargeException(state.length, MAX_RECORD_BYTES);
    }
    producer.beginTransaction();
    for (DdlEvent event : events) {
      ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, event.key(), EventCodec.encode(event));
      producer.send(signingKey == null ? record : signingKey.sign(record));
    }
    producer.send(new ProducerRecord<>(checkpointTopic, source, state));
    producer.commitTransaction();
  }

  @Override
  public void publishFingerprints(List<SchemaFingerprint> fingerprints) {
    producer.beginTransaction();
    for (SchemaFingerprint f : fingerprints) {
      ProducerRecord<String, byte[]> record = f.record(topic);
      producer.send(signingKey == null ? record : signingKey.sign(record));
    }
    producer.commitTransaction();
  }

  /** The newest committed checkpoint of this source (the topic is compacted by source; a tombstone deletes it). */
  Optional<Checkpoint> readCheckpoint() {
    ConsumerRecord<String, byte[]> latest = TopicReader.latestByKey(kafka, checkpointTopic).get(source);
    if (latest == null) {
      return Optional.empty();
    }
    Checkpoint checkpoint;
    try {
      checkpoint = Checkpoint.decode(latest.value());
    } catch (UnreadableCheckpointException e) {
      throw new UnreadableCheckpointException("the checkpoint of source " + source + " (" + checkpointTopic
          + " partition " + latest.partition() + " offset " + latest.offset() + ") is unreadable: " + e.getMessage(),
          e);
    }
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
