package io.ddlcast.common.generation;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.TopicReader;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.status.StatusJson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Reads and writes {@code <topic>.generations}. Generations are written by one authority only: a transactional
 * producer with the one id {@link Topics#generationsTransactionalId}, which reads the history after
 * {@code initTransactions} (so any earlier writer is fenced and its open transaction aborted) and writes only if the
 * current generation is still the one the caller decided from; two promotions cannot both win, the second one is
 * told which won ({@link ConflictException}). A later generation's record goes out in one transaction with its
 * markers on every partition of the events topic ({@link GenerationMarker}).
 *
 * <p>Before a failover the old producer's own transactional id is fenced too ({@link #fence}): its open
 * transaction is aborted, and it can commit nothing more, so no event of the old generation lands after the markers
 * from it. Kafka's fencing backs up the rule appliers enforce by offsets ({@link GenerationHistory#currentAt}).
 */
public final class GenerationLog {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private GenerationLog() {}

  /** Another generation became current meanwhile: the caller's decision no longer holds. */
  public static final class ConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
      super(message);
    }
  }

  public static GenerationHistory read(KafkaAccess kafka, String topic) {
    return GenerationHistory.of(values(kafka, topic));
  }

  /** The latest value per key of the generations topic (baselines included). */
  public static Map<String, byte[]> values(KafkaAccess kafka, String topic) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, ConsumerRecord<String, byte[]>> e
        : TopicReader.latestByKey(kafka, Topics.generationsTopic(topic)).entrySet()) {
      out.put(e.getKey(), e.getValue().value());
    }
    return out;
  }

  /** Creates the generations topic (compacted, one partition) if it is missing. */
  public static void ensureTopic(Admin admin, String topic, Optional<Short> replicationFactor)
      throws ExecutionException, InterruptedException, TimeoutException {
    NewTopic t = new NewTopic(Topics.generationsTopic(topic), Optional.of(1), replicationFactor)
        .configs(Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.SEGMENT_MS_CONFIG, "3600000",
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(DdlEvent.MAX_RECORD_BYTES)));
    try {
      admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  /** Generation 1, for the topic's first producer; the current history if another wrote it first. */
  public static GenerationHistory proposeFirst(KafkaAccess kafka, String topic, String source, String by) {
    try (Producer<String, byte[]> authority = authority(kafka, topic)) {
      GenerationHistory seen = read(kafka, topic);
      if (!seen.isEmpty()) {
        authority.abortTransaction();
        return seen;
      }
      Generation first = new Generation(1, null, source, null, Map.of(), Instant.now(), Generation.Reason.FIRST, by,
          null);
      byte[] value = StatusJson.encode(first);
      authority.send(record(topic, first.key(), value));
      authority.commitTransaction();
      // what was just committed, whether or not a reader sees it yet (the last stable offset moves on after the
      // commit returns): nothing else was on the topic when this writer fenced every other one
      return GenerationHistory.of(Map.of(first.key(), value));
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      throw new ConflictException("another writer of the generations took over while generation 1 was written");
    }
  }

  /**
   * Starts generation {@code expectedCurrent + 1} for standby {@code standby}: markers on every partition of the
   * events topic and the generation's record, in one transaction; refused if the current generation is no longer
   * {@code expectedCurrent}.
   */
  public static Generation proposeNext(KafkaAccess kafka, String topic, int expectedCurrent, String standby,
      Generation.Reason reason, String by, String endedSource) {
    try (Producer<String, byte[]> authority = authority(kafka, topic)) {
      GenerationHistory seen = read(kafka, topic);
      if (seen.currentNumber() != expectedCurrent) {
        authority.abortTransaction();
        throw new ConflictException("generation " + seen.currentNumber() + " is current now, not "
            + expectedCurrent + ": " + seen.current().map(Generation::describe).orElse("") + " won");
      }
      int next = expectedCurrent + 1;
      List<PartitionInfo> partitions = authority.partitionsFor(topic);
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (PartitionInfo p : partitions) {
        ProducerRecord<String, byte[]> marker = new ProducerRecord<>(topic, p.partition(), null,
            GenerationMarker.value(next));
        marker.headers().add(GenerationMarker.HEADER, GenerationMarker.header(next));
        sent.add(authority.send(marker));
      }
      authority.flush();
      Map<Integer, Long> start = new LinkedHashMap<>();
      for (Future<RecordMetadata> f : sent) {
        RecordMetadata m = f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        start.put(m.partition(), m.offset() + 1);
      }
      Generation generation = new Generation(next, expectedCurrent, null, standby, start, Instant.now(), reason, by,
          endedSource);
      authority.send(record(topic, generation.key(), StatusJson.encode(generation)));
      authority.commitTransaction();
      return generation;
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      throw new ConflictException("another promotion took over the generations while this one was written");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ProducerFencedException || e.getCause() instanceof InvalidProducerEpochException) {
        throw new ConflictException("another promotion took over the generations while this one was written");
      }
      throw new KafkaException("writing the markers of generation " + (expectedCurrent + 1) + " failed: "
          + e.getMessage(), e);
    } catch (TimeoutException e) {
      throw new KafkaException("writing the markers of generation " + (expectedCurrent + 1) + " failed: "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while writing generation " + (expectedCurrent + 1), e);
    }
  }

  /**
   * Fences the producer with {@code transactionalId}: its open transaction is aborted and it can commit no more
   * (until a producer with the same id starts, which is what the rule of generations then refuses).
   */
  public static void fence(KafkaAccess kafka, String transactionalId) {
    Properties props = settings(kafka, "ddlcast-fence");
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    try (Producer<String, byte[]> fencer = new KafkaProducer<>(props)) {
      fencer.initTransactions();
    }
  }

  /** Writes one record that is not a generation (a promotion, a request, an answer, a baseline). */
  public static void write(KafkaAccess kafka, String topic, String key, byte[] value) {
    Properties props = settings(kafka, "ddlcast-generations-writer");
    try (Producer<String, byte[]> producer = new KafkaProducer<>(props)) {
      producer.send(record(topic, key, value)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("writing " + key + " to " + Topics.generationsTopic(topic) + " failed: "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while writing " + key, e);
    }
  }

  private static ProducerRecord<String, byte[]> record(String topic, String key, byte[] value) {
    return new ProducerRecord<>(Topics.generationsTopic(topic), 0, key, value);
  }

  private static Producer<String, byte[]> authority(KafkaAccess kafka, String topic) {
    Properties props = settings(kafka, "ddlcast-generations-authority");
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, Topics.generationsTransactionalId(topic));
    Producer<String, byte[]> producer = new KafkaProducer<>(props);
    try {
      producer.initTransactions();
      producer.beginTransaction();
    } catch (RuntimeException e) {
      producer.close(Duration.ofSeconds(5));
      throw e;
    }
    return producer;
  }

  private static Properties settings(KafkaAccess kafka, String clientId) {
    Properties props = kafka.clientProperties(clientId);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(DdlEvent.MAX_RECORD_BYTES));
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return props;
  }
}
