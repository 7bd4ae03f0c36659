package io.ddlcast.applier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.EventCodec;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
    /** Events handed to lanes and not done, by offset, with their lane. */
    final TreeMap<Long, Lane> inFlight = new TreeMap<>();
    /** The failed events of stopped lanes (still in flight: they hold the commit). */
    final TreeMap<Long, Lane> stopped = new TreeMap<>();
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
      state.inFlight.put(work.offset(), work.lane());
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
      state.stopped.put(work.offset(), work.lane());
    }
  }

  /**
   * The lanes with an event before this offset not yet done: those still applying it, and those stopped on it (each
   * with the offset of its failed event).
   *
   * @param applying lanes running (or retrying) an event before the offset, in offset order
   * @param stopped lanes stopped on an error at an event before the offset
   */
  record Pending(Set<Lane> applying, Map<Lane, Long> stopped) {
    boolean isEmpty() {
      return applying.isEmpty() && stopped.isEmpty();
    }
  }

  synchronized Pending pendingBefore(TopicPartition tp, long offset) {
    PartitionState state = partitions.get(tp);
    if (state == null) {
      return new Pending(Set.of(), Map.of());
    }
    Set<Lane> applying = new LinkedHashSet<>();
    Map<Lane, Long> stopped = new LinkedHashMap<>();
    state.inFlight.headMap(offset, false).forEach((at, lane) -> {
      if (state.stopped.containsKey(at)) {
        stopped.put(lane, at);
      } else {
        applying.add(lane);
      }
    });
    return new Pending(applying, stopped);
  }

  /** True once the event at this offset was received and is no longer in flight (applied or skipped). */
  synchronized boolean settled(TopicPartition tp, long offset) {
    PartitionState state = partitions.get(tp);
    return state != null && offset < state.next && !state.inFlight.containsKey(offset);
  }

  /** What to commit now: per partition whose committable position changed since the last commit. */
  synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (Map.Entry<TopicPartition, PartitionState> e : partitions.entrySet()) {
      PartitionState state = e.getValue();
      if (state.next < 0) {
        continue;
      }
      long position = state.inFlight.isEmpty() ? state.next : state.inFlight.firstKey();
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
