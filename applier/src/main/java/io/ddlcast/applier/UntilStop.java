package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import java.time.Instant;

/**
 * Decides, record by record, whether a record is before the {@code --until} point (applied) or after it (never
 * applied: its partition stops at it). It exists because the topic does not say where a point in time is: the last
 * event at or before a moment is known only once a later one is read, so the applier reads ahead by one record per
 * partition and stops at the first one past the point.
 *
 * <ul>
 *   <li>{@link UntilPoint.AtTime} T: an event whose primary log time is after T, and everything after it in its
 *       partition, is past the point (events are in commit order, so an event after one logged after T committed
 *       after T too).
 *   <li>{@link UntilPoint.AfterEvent} E: in E's partition, everything up to E; in the other partitions, as for a
 *       time, the events up to the first one logged after E. Where E is (partition, offset, log time) must be known
 *       before another partition's record is judged ({@link #located}): on a topic of one partition, E is found on
 *       the way; on more, the applier looks for it on the topic first.
 * </ul>
 *
 * <p>A record that could not be decoded is judged before the point: it is never applied (its lane stops on it, as
 * it would without {@code --until}), and the point is then not reached until the operator skips it.
 */
final class UntilStop {
  /** Where a record is relative to the point. */
  enum Verdict {
    /** Before the point: route it. */
    BEFORE,
    /** The point itself (event E): route it, and its partition stops after it. */
    LAST,
    /** Past the point: not applied; its partition stops at it. */
    AFTER
  }

  /** Where event E is on the topic. */
  record Location(int partition, long offset, Instant logTime) {}

  private final UntilPoint point;
  private final int partitions;
  private Location located;

  /** For a topic of {@code partitions} partitions. */
  UntilStop(UntilPoint point, int partitions) {
    this.point = point;
    this.partitions = partitions;
  }

  UntilPoint point() {
    return point;
  }

  /** Event E was found there (by a look on the topic before reading, or on the way). */
  void located(Location location) {
    if (located == null) {
      located = location;
    }
  }

  /** Where E is, once known. */
  Location location() {
    return located;
  }

  /** True when a record of another partition than E's could not be judged yet (E not located, several partitions). */
  boolean needsLocation() {
    return point instanceof UntilPoint.AfterEvent && located == null && partitions > 1;
  }

  /**
   * The verdict on the record at {@code offset} of {@code partition}, whose event is {@code event} (null: it could
   * not be decoded or was refused).
   *
   * @throws IllegalStateException where the rule cannot place the record: an event without a log time under a
   *     time, or any record of a topic of several partitions before E is located
   */
  Verdict judge(int partition, long offset, DdlEvent event) {
    if (point instanceof UntilPoint.AtTime t) {
      return byTime(t.time(), event);
    }
    UntilPoint.AfterEvent e = (UntilPoint.AfterEvent) point;
    if (located == null && event != null && event.id().equals(e.eventId())) {
      located(new Location(partition, offset, event.logTime()));
    }
    if (located == null) {
      if (partitions > 1) {
        throw new IllegalStateException("where event " + e.eventId() + " is must be known before the records of a "
            + "topic of " + partitions + " partitions are judged");
      }
      return Verdict.BEFORE; // one partition: E comes later in it
    }
    if (partition == located.partition()) {
      return offset < located.offset() ? Verdict.BEFORE : offset == located.offset() ? Verdict.LAST : Verdict.AFTER;
    }
    if (located.logTime() == null) {
      throw new IllegalStateException("event " + e.eventId() + " has no primary log time: the other partitions "
          + "cannot be cut at it");
    }
    return byTime(located.logTime(), event);
  }

  private static Verdict byTime(Instant time, DdlEvent event) {
    if (event == null) {
      return Verdict.BEFORE;
    }
    if (event.logTime() == null) {
      throw new IllegalStateException("event " + event.id() + " has no primary log time: whether it is before "
          + time + " cannot be told");
    }
    return event.logTime().isAfter(time) ? Verdict.AFTER : Verdict.BEFORE;
  }
}
