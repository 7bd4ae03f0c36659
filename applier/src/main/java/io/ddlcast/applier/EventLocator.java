package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.InvalidEventException;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.records.EventRecords;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Finds where an event is on the topic (partition, offset, primary log time) by reading it, without a consumer group,
 * from {@code from} (the offsets already looked at) to its end: {@code --until EVENT_ID} on a topic of several
 * partitions must know E's log time before any other partition's record is applied ({@link UntilStop}). Records
 * are read one fetch at a time and dropped; only the first record with that id counts.
 */
final class EventLocator implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final KafkaConsumer<String, byte[]> consumer;
  private final List<TopicPartition> partitions;
  private Map<TopicPartition, Long> from = Map.of();

  EventLocator(KafkaAccess kafka, String topic, String standby) {
    Properties props = kafka.clientProperties("ddlcast-applier-locate-" + standby);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(props);
    List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
    partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition()))
        .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
  }

  /** How many partitions the topic has. */
  int partitions() {
    return partitions.size();
  }

  /** Where the first event with id {@code eventId} is, looking on from where the last call stopped; empty if absent. */
  Optional<UntilStop.Location> find(String eventId) {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
    consumer.assign(partitions);
    for (TopicPartition tp : partitions) {
      Long start = from.get(tp);
      if (start == null) {
        consumer.seekToBeginning(List.of(tp));
      } else {
        consumer.seek(tp, start);
      }
    }
    for (TopicPartition tp : partitions) {
      consumer.pause(partitions);
      consumer.resume(List.of(tp));
      long end = ends.get(tp);
      while (consumer.position(tp, TIMEOUT) < end) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.offset() >= end || !EventRecords.isEvent(record)) {
            continue;
          }
          try {
            DdlEvent event = EventCodec.decode(record.value());
            if (event.id().equals(eventId)) {
              return Optional.of(new UntilStop.Location(tp.partition(), record.offset(), event.logTime()));
            }
          } catch (InvalidEventException notAnEvent) {
            // not this one: the applier's own reading judges it
          }
        }
      }
    }
    from = ends;
    return Optional.empty();
  }

  /** An event and its offset. */
  record Found(long offset, DdlEvent event) {}

  /** The last event before {@code offset} in {@code tp} (looking back over up to 100 records), or null. */
  Found lastEventBefore(TopicPartition tp, long offset) {
    long start = Math.max(0, offset - 100);
    consumer.assign(List.of(tp));
    consumer.seek(tp, start);
    Found last = null;
    while (consumer.position(tp, TIMEOUT) < offset) {
      ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
      for (ConsumerRecord<String, byte[]> record : records) {
        if (record.offset() < offset && EventRecords.isEvent(record)) {
          try {
            last = new Found(record.offset(), EventCodec.decode(record.value()));
          } catch (InvalidEventException notAnEvent) {
            // not applied: it says nothing of where the standby is
          }
        }
      }
      if (records.isEmpty() && consumer.position(tp, TIMEOUT) <= start) {
        break; // deleted by retention, or nothing there
      }
    }
    return last;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
