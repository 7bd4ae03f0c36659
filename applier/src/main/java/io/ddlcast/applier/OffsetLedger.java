package io.ddlcast.applier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.EventCodec;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the applier may commit to Kafka. Databases (lanes) of one partition are applied independently, so the
 * partition's committed offset can only be the oldest event not yet applied; lanes that got further record their
 * last applied offset in the commit's metadata. After a restart the consumer resumes at the committed offset and
 * {@link #alreadyApplied} skips what those lanes had applied, so nothing is applied twice even when one database
 * stopped on an error while the others went on.
 *
 * <p>Metadata: {@code {"applied":{"company":120,"sales":118}}}, lanes named by {@link Lane#metadataKey}.
 * Thread-safe: lanes report from their threads, the consumer thread reads.
 */
final class OffsetLedger {
  private static final class PartitionState {
    final TreeSet<Long> inFlight = new TreeSet<>();
    final TreeSet<Long> stopped = new TreeSet<>();
    final Map<Lane, Long> laneApplied = new HashMap<>();
    long next = -1;
    OffsetAndMetadata lastCommitted;
  }

  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();

  synchronized void assigned(TopicPartition tp, OffsetAndMetadata committed) {
    PartitionState state = new PartitionState();
    if (committed != null) {
      state.next = committed.offset();
      state.lastCommitted = committed;
      state.laneApplied.putAll(parse(committed.metadata()));
    }
    partitions.put(tp, state);
  }

  synchronized void revoked(TopicPartition tp) {
    partitions.remove(tp);
  }

  /** True if the work's lane already applied the event at its offset in an earlier run. */
  synchronized boolean alreadyApplied(Work work) {
    PartitionState state = partitions.get(work.partition());
    Long applied = state == null ? null : state.laneApplied.get(work.lane());
    return applied != null && work.offset() <= applied;
  }

  /** An event handed to a lane: it holds the partition's commit back until it is applied. */
  synchronized void received(Work work) {
    PartitionState state = partitions.get(work.partition());
    if (state != null) {
      state.inFlight.add(work.offset());
      state.next = Math.max(state.next, work.offset() + 1);
    }
  }

  /** An event that needs nothing (already applied, or behind a stopped lane whose failed event holds the commit). */
  synchronized void passed(Work work) {
    PartitionState state = partitions.get(work.partition());
    if (state != null) {
      state.next = Math.max(state.next, work.offset() + 1);
    }
  }

  /** A queued event given up because its lane stopped: it no longer holds the commit (the failed event does). */
  synchronized void abandoned(Work work) {
    PartitionState state = partitions.get(work.partition());
    if (state != null) {
      state.inFlight.remove(work.offset());
    }
  }

  /** The event is done in its lane (applied, found applied, filtered or skipped). */
  synchronized void applied(Work work) {
    PartitionState state = partitions.get(work.partition());
    if (state != null) {
      state.inFlight.remove(work.offset());
      state.laneApplied.merge(work.lane(), work.offset(), Math::max);
    }
  }

  /** The event failed permanently: it keeps holding the commit back. */
  synchronized void stopped(Work work) {
    PartitionState state = partitions.get(work.partition());
    if (state != null) {
      state.stopped.add(work.offset());
    }
  }

  /** True while an event before this offset is received but not yet applied. */
  synchronized boolean inFlightBefore(TopicPartition tp, long offset) {
    PartitionState state = partitions.get(tp);
    return state != null && !state.inFlight.headSet(offset, false).isEmpty();
  }

  /** True if an event before this offset stopped its lane. */
  synchronized boolean stoppedBefore(TopicPartition tp, long offset) {
    PartitionState state = partitions.get(tp);
    return state != null && !state.stopped.headSet(offset, false).isEmpty();
  }

  /** True once the event at this offset was received and is no longer in flight (applied or skipped). */
  synchronized boolean settled(TopicPartition tp, long offset) {
    PartitionState state = partitions.get(tp);
    return state != null && offset < state.next && !state.inFlight.contains(offset);
  }

  /** What to commit now: per partition whose committable position changed since the last commit. */
  synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (Map.Entry<TopicPartition, PartitionState> e : partitions.entrySet()) {
      PartitionState state = e.getValue();
      if (state.next < 0) {
        continue;
      }
      long position = state.inFlight.isEmpty() ? state.next : state.inFlight.first();
      Map<Lane, Long> ahead = new HashMap<>();
      state.laneApplied.forEach((lane, applied) -> {
        if (applied >= position) {
          ahead.put(lane, applied);
        }
      });
      state.laneApplied.keySet().retainAll(ahead.keySet());
      OffsetAndMetadata candidate = new OffsetAndMetadata(position, format(ahead));
      if (!candidate.equals(state.lastCommitted)) {
        out.put(e.getKey(), candidate);
      }
    }
    return out;
  }

  synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach((tp, om) -> {
      PartitionState state = partitions.get(tp);
      if (state != null) {
        state.lastCommitted = om;
      }
    });
  }

  /** The metadata of the lanes ahead of the committed offset: lanes by {@link Lane#metadataKey}, in its order. */
  static String format(Map<Lane, Long> ahead) {
    if (ahead.isEmpty()) {
      return "";
    }
    Map<String, Long> byKey = new TreeMap<>();
    ahead.forEach((lane, offset) -> byKey.put(lane.metadataKey(), offset));
    ObjectNode root = EventCodec.mapper().createObjectNode();
    ObjectNode applied = root.putObject("applied");
    byKey.forEach(applied::put);
    return root.toString();
  }

  /** The lanes ahead of the committed offset, from its metadata (as any release wrote it). */
  static Map<Lane, Long> parse(String metadata) {
    Map<Lane, Long> out = new HashMap<>();
    if (metadata == null || metadata.isEmpty()) {
      return out;
    }
    try {
      JsonNode applied = EventCodec.mapper().readTree(metadata).path("applied");
      applied.fields().forEachRemaining(f -> out.put(Lane.ofMetadataKey(f.getKey()), f.getValue().asLong()));
    } catch (IOException e) {
      throw new IllegalStateException("unreadable offset metadata '" + metadata + "': " + e.getMessage(), e);
    }
    return out;
  }
}
