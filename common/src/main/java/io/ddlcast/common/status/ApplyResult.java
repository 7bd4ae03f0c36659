package io.ddlcast.common.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * What one applier did with one event, or a heartbeat of a running applier; published to {@code <topic>.results}
 * keyed by standby, and folded into a {@link StandbyView}.
 *
 * <pre>{@code
 * {"standby":"s1","outcome":"FAILED","eventId":"6742f0a1.2b4c:17","database":"company","command":"CREATE TABLE",
 *  "partition":0,"offset":41,"logTime":"2026-11-23T18:39:15.123Z","at":"2026-11-23T18:39:15.301Z","millis":4,
 *  "sqlState":"42P07","message":"relation \"t\" already exists"}
 * }</pre>
 *
 * <p>An {@code APPLIED} result may stand for a batch: the consecutive events of one database that the applier ran
 * in one standby transaction. It names the batch's last event (id, offset, log time), {@code millis} is the batch's
 * time and {@code events} how many events it applied; {@code events} is absent for one event (and in results of
 * appliers before batches), which readers take as 1. Older readers ignore the field and count a batch as one.
 *
 * <p>{@code message} is masked ({@code Secrets.mask}) before it is built. A heartbeat carries only standby, outcome,
 * time, what waits on what ({@link Waits}; absent when nothing waits, and from appliers before it) and whether the
 * applier verifies event signatures ({@link Signatures}; absent from appliers before it), and, where they apply,
 * how far a standby that is behind has come ({@link Progress}) and where a run with {@code --until} stands
 * ({@link UntilState}); both absent otherwise and from appliers before them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApplyResult(
    String standby,
    Outcome outcome,
    String eventId,
    String database,
    String command,
    Integer partition,
    Long offset,
    Instant logTime,
    Instant at,
    Long millis,
    String sqlState,
    String message,
    Waits waits,
    Signatures signatures,
    Integer events,
    Progress progress,
    UntilState until) {

  /** What happened to the event. */
  public enum Outcome {
    /** Executed on the standby. */
    APPLIED,
    /** Found applied by an earlier run (marker or offset metadata): not executed again. */
    ALREADY_APPLIED,
    /** Not executed: by the operator ({@code skip}), by {@code --on-error=skip}, or not applicable (tablespace). */
    SKIPPED,
    /** Not executed: excluded by this applier's filters. */
    FILTERED,
    /** Failed permanently: the database's stream stopped at it. */
    FAILED,
    /**
     * The primary's schema fingerprint was compared with the standby here (drift alarm): {@code message} null when
     * they are the same, else what differs (drift).
     */
    FINGERPRINT,
    /** The applier is running (no event). */
    HEARTBEAT
  }

  /** A result of one event or of a batch. */
  public ApplyResult(String standby, Outcome outcome, String eventId, String database, String command,
      Integer partition, Long offset, Instant logTime, Instant at, Long millis, String sqlState, String message,
      Waits waits, Signatures signatures, Integer events) {
    this(standby, outcome, eventId, database, command, partition, offset, logTime, at, millis, sqlState, message,
        waits, signatures, events, null, null);
  }

  /** A result of one event, or a heartbeat. */
  public ApplyResult(String standby, Outcome outcome, String eventId, String database, String command,
      Integer partition, Long offset, Instant logTime, Instant at, Long millis, String sqlState, String message,
      Waits waits, Signatures signatures) {
    this(standby, outcome, eventId, database, command, partition, offset, logTime, at, millis, sqlState, message,
        waits, signatures, null);
  }

  /** How many events this result stands for: {@code events}, or 1 where it is absent. */
  public int eventCount() {
    return events == null ? 1 : events;
  }

  /** A result or heartbeat that does not say whether signatures are verified. */
  public ApplyResult(String standby, Outcome outcome, String eventId, String database, String command,
      Integer partition, Long offset, Instant logTime, Instant at, Long millis, String sqlState, String message,
      Waits waits) {
    this(standby, outcome, eventId, database, command, partition, offset, logTime, at, millis, sqlState, message,
        waits, null);
  }

  /** The result of an event (no {@link Waits}: heartbeats carry them). */
  public ApplyResult(String standby, Outcome outcome, String eventId, String database, String command,
      Integer partition, Long offset, Instant logTime, Instant at, Long millis, String sqlState, String message) {
    this(standby, outcome, eventId, database, command, partition, offset, logTime, at, millis, sqlState, message,
        null);
  }

  public static ApplyResult heartbeat(String standby, Instant at) {
    return heartbeat(standby, at, Waits.NONE);
  }

  /** A heartbeat with what waits on what on the standby now. */
  public static ApplyResult heartbeat(String standby, Instant at, Waits waits) {
    return heartbeat(standby, at, waits, null);
  }

  /** A heartbeat with what waits on what, and whether this applier verifies event signatures. */
  public static ApplyResult heartbeat(String standby, Instant at, Waits waits, Signatures signatures) {
    return heartbeat(standby, at, waits, signatures, null, null);
  }

  /** A heartbeat that also says how far a standby behind has come and where a run with --until stands. */
  public static ApplyResult heartbeat(String standby, Instant at, Waits waits, Signatures signatures,
      Progress progress, UntilState until) {
    return new ApplyResult(standby, Outcome.HEARTBEAT, null, null, null, null, null, null, at, null, null, null,
        waits == null || waits.isEmpty() ? null : waits, signatures, null, progress, until);
  }
}
