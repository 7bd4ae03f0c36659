package io.ddlcast.producer.publish;

import io.ddlcast.common.generation.GenerationHistory;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows {@code <topic>.generations} while the producer runs, so that it learns at once of a switchover request
 * for its generation (then it drains and stops) or of a newer generation (a failover elsewhere: then it is fenced).
 * One consumer without a group, read_committed; each {@link #poll} takes only what is already fetched, so a round
 * of the producer never waits on it.
 */
public final class GenerationWatch implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  /** How often the topic is looked at, at most: what a switchover or a failover waits for at worst. */
  static final Duration INTERVAL = Duration.ofMillis(500);
  private final Map<String, byte[]> latest = new LinkedHashMap<>();
  private long lastLook = System.nanoTime() - INTERVAL.toNanos();

  public GenerationWatch(KafkaAccess kafka, String topic) {
    Properties props = kafka.clientProperties("ddlcast-producer-generations");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(props);
    TopicPartition tp = new TopicPartition(Topics.generationsTopic(topic), 0);
    consumer.assign(List.of(tp));
    consumer.seekToBeginning(List.of(tp));
  }

  /**
   * The history, if anything new arrived since the last look; else null. It looks at most every
   * {@link #INTERVAL}: the producer calls it every round, and a round runs on every write to the log.
   */
  public GenerationHistory poll() {
    long now = System.nanoTime();
    if (now - lastLook < INTERVAL.toNanos()) {
      return null;
    }
    lastLook = now;
    boolean changed = false;
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ZERO)) {
      if (record.key() == null) {
        continue;
      }
      if (record.value() == null) {
        latest.remove(record.key());
      } else {
        latest.put(record.key(), record.value());
      }
      changed = true;
    }
    return changed ? GenerationHistory.of(latest) : null;
  }

  /** The end of each partition of {@code topic} (its last stable offset: what read_committed readers reach). */
  public Map<Integer, Long> endOffsets(String topic) {
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    Map<Integer, Long> out = new TreeMap<>();
    consumer.endOffsets(partitions, Duration.ofSeconds(30)).forEach((tp, end) -> out.put(tp.partition(), end));
    return out;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
