package io.ddlcast.applier;

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
 * partition's committed offset can only be the oldest event not yet done; the commit's metadata
 * ({@link CommitMetadata}) says which events after it are done, by naming the lanes still behind. After a restart
 * the consumer resumes at the committed offset and {@link #alreadyApplied} passes what the metadata shows done, so
 * nothing is applied twice even when one database stopped on an error while thousands of others went on.
 *
 * <p>The metadata fits {@link #DEFAULT_METADATA_BYTES}, well under the broker's {@code offset.metadata.max.bytes}
 * (4096 by default); a broker that refuses it anyway makes {@link #shrinkMetadata} halve it, down to none. What it
 * cannot describe is read again after a restart and recognized by the standby's markers ({@link AppliedMarkers}).
 * Thread-safe: lanes report from their threads, the consumer thread reads.
 */
final class OffsetLedger {
  /** The metadata's size at most, in bytes, until the broker refuses it. */
  static final int DEFAULT_METADATA_BYTES = 2048;

  private static final class PartitionState {
    /** Events handed to lanes and not done, by offset, with their lane. */
    final TreeMap<Long, Lane> inFlight = new TreeMap<>();
    /** The failed events of stopped lanes (still in flight: they hold the commit). */
    final TreeMap<Long, Lane> stopped = new TreeMap<>();
    /** What the commit found at assignment says; this run commits only once it has read past it. */
    CommitMetadata resumed = CommitMetadata.NONE;
    long resumedFrom = -1;
    long next = -1;
    /** The highest offset done in this run (applied, filtered, skipped or passed). */
    long lastDone = -1;
    OffsetAndMetadata lastCommitted;
  }

  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
  private int metadataBytes = DEFAULT_METADATA_BYTES;

  synchronized void assigned(TopicPartition tp, OffsetAndMetadata committed) {
    PartitionState state = new PartitionState();
    if (committed != null) {
      state.next = committed.offset();
      state.lastCommitted = committed;
      state.resumed = CommitMetadata.parse(committed.metadata());
      state.resumedFrom = committed.offset();
    }
    partitions.put(tp, state);
  }

  synchronized void revoked(TopicPartition tp) {
    partitions.remove(tp);
  }

  /** True if the work's lane already applied the event at its offset in an earlier run. */
  synchronized boolean alreadyApplied(Work work) {
    PartitionState state = partitions.get(work.partition());
    return state != null && work.offset() >= state.resumedFrom && state.resumed.done(work.lane(), work.offset());
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
      state.lastDone = Math.max(state.lastDone, work.offset());
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
      state.lastDone = Math.max(state.lastDone, work.offset());
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

  /** The offset below which every record of the partition is done, as a commit would say; -1 before any is known. */
  synchronized long done(TopicPartition tp) {
    PartitionState state = partitions.get(tp);
    if (state == null || state.next < 0) {
      return -1;
    }
    return state.inFlight.isEmpty() ? state.next : state.inFlight.firstKey();
  }

  /** True when nothing of the partition is in flight (handed to a lane and not done, or stopped on). */
  synchronized boolean idle(TopicPartition tp) {
    PartitionState state = partitions.get(tp);
    return state != null && state.inFlight.isEmpty();
  }

  /**
   * What to commit now: per partition whose committable position changed since the last commit. A partition
   * resumed from a commit whose metadata described events this run has not read yet is left as committed until it
   * has: a commit now would describe less than that one.
   */
  synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (Map.Entry<TopicPartition, PartitionState> e : partitions.entrySet()) {
      PartitionState state = e.getValue();
      if (state.next < 0 || state.next < state.resumed.describedUpTo()) {
        continue;
      }
      long position = state.inFlight.isEmpty() ? state.next : state.inFlight.firstKey();
      CommitMetadata metadata = state.lastDone < position ? CommitMetadata.NONE : describe(state);
      OffsetAndMetadata candidate = new OffsetAndMetadata(position, metadata.format(position));
      if (!candidate.equals(state.lastCommitted)) {
        out.put(e.getKey(), candidate);
      }
    }
    return out;
  }

  /**
   * The events read so far: done below {@code next} but for the lanes with an event in flight (from their first
   * one), as many lanes as fit {@link #metadataBytes}; the first lane that does not fit ends what is described.
   */
  private CommitMetadata describe(PartitionState state) {
    Map<Lane, Long> behind = new HashMap<>();
    int bytes = CommitMetadata.fixedBytes(state.next);
    if (bytes > metadataBytes) {
      return CommitMetadata.NONE;
    }
    long through = state.next;
    for (Map.Entry<Long, Lane> inFlight : state.inFlight.entrySet()) {
      Lane lane = inFlight.getValue();
      if (behind.containsKey(lane)) {
        continue;
      }
      bytes += CommitMetadata.bytesOf(lane, inFlight.getKey());
      if (bytes > metadataBytes) {
        through = inFlight.getKey();
        break;
      }
      behind.put(lane, inFlight.getKey());
    }
    return new CommitMetadata(through, behind, Map.of());
  }

  /**
   * The broker refused the metadata as too large (its {@code offset.metadata.max.bytes} is below ours): commit half
   * as much from now on; false once there is none left to shrink.
   */
  synchronized boolean shrinkMetadata() {
    if (metadataBytes < CommitMetadata.fixedBytes(0)) {
      return false;
    }
    metadataBytes /= 2;
    return true;
  }

  /** The metadata's size at most, in bytes, as now. */
  synchronized int metadataBytes() {
    return metadataBytes;
  }

  synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach((tp, om) -> {
      PartitionState state = partitions.get(tp);
      if (state != null) {
        state.lastCommitted = om;
      }
    });
  }

}
