package io.ddlcast.common.kafka;

import io.ddlcast.common.event.DdlEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic as it is now: every committed record (read_committed, so never an aborted one), partition by
 * partition in offset order, up to the end each partition had when reading began. For tools and tests that look at a
 * small topic (status views, checkpoints, dead letters) or replay one, without a consumer group.
 */
public final class TopicReader {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private TopicReader() {}

  /** Every committed record; empty if the topic does not exist. */
  public static List<ConsumerRecord<String, byte[]>> readAll(KafkaAccess kafka, String topic) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    forEach(kafka, topic, out::add);
    return out;
  }

  /**
   * Hands every committed record to {@code each}, in the order {@link #readAll} lists them, keeping none: a reader
   * that keeps only some (the latest per key) holds no more than those and one poll's records. Nothing if the
   * topic does not exist.
   */
  public static void forEach(KafkaAccess kafka, String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
    Properties props = kafka.clientProperties("ddlcast-topic-reader");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(DdlEvent.MAX_RECORD_BYTES));
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
      List<PartitionInfo> infos = consumer.listTopics(TIMEOUT).get(topic);
      if (infos == null) {
        return;
      }
      List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition()))
          .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
      for (TopicPartition tp : partitions) {
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        long end = ends.get(tp);
        while (consumer.position(tp, TIMEOUT) < end) {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            if (record.offset() < end) {
              each.accept(record);
            }
          }
        }
      }
    }
  }

  /** {@link #readAll(KafkaAccess, String)} on a PLAINTEXT cluster without authentication (tests, benchmarks). */
  public static List<ConsumerRecord<String, byte[]>> readAll(String bootstrapServers, String topic) {
    return readAll(KafkaAccess.plaintext(bootstrapServers), topic);
  }

  /** {@link #latestByKey(KafkaAccess, String)} on a PLAINTEXT cluster without authentication. */
  public static Map<String, ConsumerRecord<String, byte[]>> latestByKey(String bootstrapServers, String topic) {
    return latestByKey(KafkaAccess.plaintext(bootstrapServers), topic);
  }

  /** The latest record per key, as compaction would keep it (a null value deletes its key). */
  public static Map<String, ConsumerRecord<String, byte[]>> latestByKey(KafkaAccess kafka, String topic) {
    Map<String, ConsumerRecord<String, byte[]>> out = new LinkedHashMap<>();
    forEach(kafka, topic, record -> {
      if (record.key() == null) {
        return;
      }
      if (record.value() == null) {
        out.remove(record.key());
      } else {
        out.put(record.key(), record);
      }
    });
    return out;
  }
}
