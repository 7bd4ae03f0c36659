package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.InvalidEventException;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaCluster;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.records.EventRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * How far a standby is behind the topic, measured from what Kafka holds, so that it works while the standby's
 * applier is down: the consumer group's committed offsets (the standby's checkpoint), the lanes that went further
 * (commit metadata, see {@link CommitMetadata}), and the events between there and the end of each partition. Only
 * committed events count (read_committed), not transaction markers.
 */
final class TopicProgress implements AutoCloseable {
  /** Events read per partition, at most, to count a lag; beyond, the lag is reported as "at least". */
  static final int MAX_SCAN = 200_000;

  /** A standby's lag: events not yet applied, the oldest one's primary log time, and whether counting stopped. */
  record Lag(long events, Instant oldest, boolean atLeast, boolean neverStarted) {
    Duration age(Instant now) {
      return oldest == null ? Duration.ZERO : Duration.between(oldest, now).isNegative() ? Duration.ZERO
          : Duration.between(oldest, now);
    }
  }

  private final String topic;
  private final Admin admin;
  private final Consumer<String, byte[]> consumer;

  TopicProgress(KafkaAccess kafka, String topic) {
    this(topic, KafkaCluster.admin(kafka, "ddlcast-progress"), consumer(kafka));
  }

  /** Over the given clients; {@code admin} may be null where only the topic is read ({@link #find}, {@link #lag}). */
  TopicProgress(String topic, Admin admin, Consumer<String, byte[]> consumer) {
    this.topic = topic;
    this.admin = admin;
    this.consumer = consumer;
  }

  private static Consumer<String, byte[]> consumer(KafkaAccess kafka) {
    Properties props = kafka.clientProperties("ddlcast-progress");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(DdlEvent.MAX_RECORD_BYTES));
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(props);
  }

  Admin admin() {
    return admin;
  }

  List<TopicPartition> partitions() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
    List<TopicPartition> out = new ArrayList<>();
    if (infos != null) {
      infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
    }
    return out;
  }

  /** The end of each partition as of now (what is published and committed so far). */
  Map<TopicPartition, Long> ends() {
    return consumer.endOffsets(partitions(), Duration.ofSeconds(15));
  }

  /** The standby's committed offsets, or empty when its applier never committed. */
  Map<TopicPartition, OffsetAndMetadata> committed(String standby)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(Topics.applierGroup(standby))
        .partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    all.forEach((tp, om) -> {
      if (tp.topic().equals(topic) && om != null) {
        out.put(tp, om);
      }
    });
    return out;
  }

  /** Events below {@code upTo} (per partition) the standby has not applied. */
  Lag lag(Map<TopicPartition, OffsetAndMetadata> committed, Map<TopicPartition, Long> upTo) {
    long events = 0;
    Instant oldest = null;
    boolean atLeast = false;
    Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(upTo.keySet(), Duration.ofSeconds(15));
    for (Map.Entry<TopicPartition, Long> e : upTo.entrySet()) {
      TopicPartition tp = e.getKey();
      long end = e.getValue();
      OffsetAndMetadata om = committed.get(tp);
      long from = om == null ? beginnings.getOrDefault(tp, 0L) : om.offset();
      if (from >= end) {
        continue;
      }
      CommitMetadata ahead = om == null ? CommitMetadata.NONE : CommitMetadata.parse(om.metadata());
      consumer.assign(List.of(tp));
      consumer.seek(tp, from);
      long read = 0;
      while (consumer.position(tp, Duration.ofSeconds(15)) < end) {
        if (read >= MAX_SCAN) {
          events += end - consumer.position(tp);
          atLeast = true;
          break;
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.offset() >= end) {
            break;
          }
          read++;
          if (!EventRecords.isEvent(record)) {
            continue; // where a generation begins: nothing to apply
          }
          Optional<DdlEvent> event = decode(record);
          if (ahead.done(Lane.of(event.orElse(null), record.key()), record.offset())) {
            continue;
          }
          events++;
          Instant time = event.map(DdlEvent::logTime).orElse(null);
          if (time != null && (oldest == null || time.isBefore(oldest))) {
            oldest = time;
          }
        }
      }
    }
    return new Lag(events, oldest, atLeast, committed.isEmpty());
  }

  /**
   * The events below {@code upTo} the standby has not applied, counted by lane (what {@code verify} must not compare
   * yet); generation markers are nothing to apply. Empty when the standby applied everything up to there.
   */
  Map<Lane, Long> unapplied(Map<TopicPartition, OffsetAndMetadata> committed, Map<TopicPartition, Long> upTo) {
    Map<Lane, Long> lanes = new TreeMap<>(Comparator.comparing(Lane::name));
    Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(upTo.keySet(), Duration.ofSeconds(15));
    for (Map.Entry<TopicPartition, Long> e : upTo.entrySet()) {
      TopicPartition tp = e.getKey();
      long end = e.getValue();
      OffsetAndMetadata om = committed.get(tp);
      long from = om == null ? beginnings.getOrDefault(tp, 0L) : om.offset();
      if (from >= end) {
        continue;
      }
      CommitMetadata ahead = om == null ? CommitMetadata.NONE : CommitMetadata.parse(om.metadata());
      consumer.assign(List.of(tp));
      consumer.seek(tp, from);
      while (consumer.position(tp, Duration.ofSeconds(15)) < end) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.offset() >= end) {
            break;
          }
          if (!EventRecords.isEvent(record)) {
            continue;
          }
          Lane lane = Lane.of(decode(record).orElse(null), record.key());
          if (!ahead.done(lane, record.offset())) {
            lanes.merge(lane, 1L, Long::sum);
          }
        }
      }
    }
    return lanes;
  }

  /** Where an event is on the topic (a full scan: for {@code wait --event}). */
  Optional<Located> find(String eventId) {
    List<TopicPartition> partitions = partitions();
    Map<TopicPartition, Long> ends = ends();
    for (TopicPartition tp : partitions) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = ends.getOrDefault(tp, 0L);
      while (consumer.position(tp, Duration.ofSeconds(15)) < end) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          Optional<DdlEvent> event = decode(record);
          if (event.isPresent() && event.get().id().equals(eventId)) {
            Lane lane = Lane.of(event.get(), record.key());
            return Optional.of(new Located(tp, record.offset(), lane, event.get()));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** An event found on the topic. */
  record Located(TopicPartition partition, long offset, Lane lane, DdlEvent event) {
    /** True once the standby's checkpoint is past it, or its lane went past it. */
    boolean appliedBy(Map<TopicPartition, OffsetAndMetadata> committed) {
      OffsetAndMetadata om = committed.get(partition);
      if (om == null) {
        return false;
      }
      if (om.offset() > offset) {
        return true;
      }
      return CommitMetadata.parse(om.metadata()).done(lane, offset);
    }
  }

  private static Optional<DdlEvent> decode(ConsumerRecord<String, byte[]> record) {
    try {
      return Optional.of(EventCodec.decode(record.value()));
    } catch (InvalidEventException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
  }
}
