package io.ddlcast.applier;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the operator decided for this standby, shared by the lanes: events to skip (by event id, or
 * {@code @partition:offset} for a record that is not a valid event), streams to keep stopped when the applier
 * re-reads the topic after a {@code retry} of another database, and the policy for a permanent failure.
 */
final class OperatorDecisions {
  /** What a permanent failure does: stop the database's stream (default) or skip the event to the dead letters. */
  enum OnError {
    STOP,
    SKIP
  }

  /** Why an event failed here, kept for the dead letter if the operator skips it. */
  record Failure(String sqlState, String reason) {}

  private final Set<String> skips = ConcurrentHashMap.newKeySet();
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();
  private final Map<Lane, String> keptStopped = new ConcurrentHashMap<>();
  private final OnError onError;

  OperatorDecisions(OnError onError) {
    this.onError = onError;
  }

  OnError onError() {
    return onError;
  }

  /** Skip this event (id or @partition:offset); true if it was not already to be skipped. */
  boolean skip(String event) {
    return skips.add(event);
  }

  boolean isSkipped(Work work) {
    return (work.event() != null && skips.contains(work.event().id()))
        || skips.contains("@" + work.partition().partition() + ":" + work.offset());
  }

  void failed(Work work, String sqlState, String reason) {
    failures.put(eventRef(work), new Failure(sqlState, reason));
  }

  Failure failureOf(Work work) {
    return failures.get(eventRef(work));
  }

  /** A lane stopped at this event that the next read of the topic must not run again (no retry asked for it). */
  void keepStopped(Lane lane, String event) {
    keptStopped.put(lane, event);
  }

  void release(Lane lane) {
    keptStopped.remove(lane);
  }

  boolean isKeptStopped(Work work) {
    String event = keptStopped.get(work.lane());
    return event != null && event.equals(eventRef(work));
  }

  /** The event id, or @partition:offset for a record that is not a valid event. */
  static String eventRef(Work work) {
    return work.event() != null ? work.event().id() : "@" + work.partition().partition() + ":" + work.offset();
  }
}
