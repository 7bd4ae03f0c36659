package io.ddlcast.common.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One standby as its applier's results tell it, folded by Kafka Streams into {@code <topic>.standbys}: when the
 * applier was last heard of, the last event it finished (applied, found applied, skipped or filtered) with its
 * primary log time, counts, each database whose stream is stopped on an error, and what waits on what (as of its
 * last heartbeat), whether it verifies event signatures, how far it has come while behind ({@link Progress}) and
 * where a run with {@code --until} stands ({@link UntilState}) (all three as its last heartbeat said). Lag is not
 * in here: it depends on what the producer published since, and {@code ddlcast status} measures it against the
 * topic.
 *
 * <p>Counts are of results received; an applier killed between publishing a result and committing its offset
 * reports that event again (as already applied), so they are "at least" figures.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StandbyView(
    String standby,
    Instant lastSeen,
    String lastEventId,
    String lastDatabase,
    Instant lastEventLogTime,
    Instant lastDoneAt,
    long applied,
    long alreadyApplied,
    long skipped,
    long filtered,
    long failed,
    Map<String, StoppedStream> stopped,
    Waits waits,
    Signatures signatures,
    Progress progress,
    UntilState until,
    Map<String, Drift> drift) {

  /** A database whose schema differed from the primary's at the last fingerprint (the drift alarm). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Drift(String database, String at, Integer partition, Long offset, String message, Instant seen) {}

  /** A database whose stream stopped at an event that failed there. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record StoppedStream(String eventId, String database, String command, Integer partition, Long offset,
      String sqlState, String message, Instant at) {}

  public StandbyView {
    stopped = stopped == null ? Map.of() : Map.copyOf(stopped);
    waits = waits == null ? Waits.NONE : waits;
    drift = drift == null ? Map.of() : Map.copyOf(drift);
  }

  /** A view without drift. */
  public StandbyView(String standby, Instant lastSeen, String lastEventId, String lastDatabase,
      Instant lastEventLogTime, Instant lastDoneAt, long applied, long alreadyApplied, long skipped, long filtered,
      long failed, Map<String, StoppedStream> stopped, Waits waits, Signatures signatures, Progress progress,
      UntilState until) {
    this(standby, lastSeen, lastEventId, lastDatabase, lastEventLogTime, lastDoneAt, applied, alreadyApplied, skipped,
        filtered, failed, stopped, waits, signatures, progress, until, Map.of());
  }

  /** A view without progress or --until. */
  public StandbyView(String standby, Instant lastSeen, String lastEventId, String lastDatabase,
      Instant lastEventLogTime, Instant lastDoneAt, long applied, long alreadyApplied, long skipped, long filtered,
      long failed, Map<String, StoppedStream> stopped, Waits waits, Signatures signatures) {
    this(standby, lastSeen, lastEventId, lastDatabase, lastEventLogTime, lastDoneAt, applied, alreadyApplied, skipped,
        filtered, failed, stopped, waits, signatures, null, null);
  }

  /** A view that does not say whether signatures are verified. */
  public StandbyView(String standby, Instant lastSeen, String lastEventId, String lastDatabase,
      Instant lastEventLogTime, Instant lastDoneAt, long applied, long alreadyApplied, long skipped, long filtered,
      long failed, Map<String, StoppedStream> stopped, Waits waits) {
    this(standby, lastSeen, lastEventId, lastDatabase, lastEventLogTime, lastDoneAt, applied, alreadyApplied, skipped,
        filtered, failed, stopped, waits, null);
  }

  public static StandbyView empty(String standby) {
    return new StandbyView(standby, null, null, null, null, null, 0, 0, 0, 0, 0, Map.of(), Waits.NONE);
  }

  /** The view after one more result of this standby. */
  public StandbyView fold(ApplyResult r) {
    Instant seen = lastSeen == null || (r.at() != null && r.at().isAfter(lastSeen)) ? r.at() : lastSeen;
    if (r.outcome() == ApplyResult.Outcome.HEARTBEAT) {
      // the newest heartbeat tells what waits now (a late one, from before, does not)
      boolean newest = Objects.equals(seen, r.at());
      return new StandbyView(standby, seen, lastEventId, lastDatabase, lastEventLogTime, lastDoneAt, applied,
          alreadyApplied, skipped, filtered, failed, stopped, newest ? r.waits() : waits,
          newest && r.signatures() != null ? r.signatures() : signatures, newest ? r.progress() : progress,
          newest ? r.until() : until, drift);
    }
    if (r.outcome() == ApplyResult.Outcome.FINGERPRINT) {
      Map<String, Drift> drifts = new TreeMap<>(drift);
      if (r.message() == null) {
        drifts.remove(r.database());
      } else {
        drifts.put(r.database(), new Drift(r.database(), r.eventId(), r.partition(), r.offset(), r.message(),
            r.at()));
      }
      return new StandbyView(standby, seen, lastEventId, lastDatabase, lastEventLogTime, lastDoneAt, applied,
          alreadyApplied, skipped, filtered, failed, stopped, waits, signatures, progress, until, drifts);
    }
    Map<String, StoppedStream> stops = new TreeMap<>(stopped);
    if (r.outcome() == ApplyResult.Outcome.FAILED) {
      stops.put(r.database(), new StoppedStream(r.eventId(), r.database(), r.command(), r.partition(), r.offset(),
          r.sqlState(), r.message(), r.at()));
      return new StandbyView(standby, seen, lastEventId, lastDatabase, lastEventLogTime, lastDoneAt, applied,
          alreadyApplied, skipped, filtered, failed + 1, stops, waits, signatures, progress, until, drift);
    }
    stops.remove(r.database()); // the stream moved on: retried successfully, or skipped
    return new StandbyView(standby, seen, r.eventId(), r.database(), r.logTime(), r.at(),
        applied + (r.outcome() == ApplyResult.Outcome.APPLIED ? r.eventCount() : 0),
        alreadyApplied + (r.outcome() == ApplyResult.Outcome.ALREADY_APPLIED ? 1 : 0),
        skipped + (r.outcome() == ApplyResult.Outcome.SKIPPED ? 1 : 0),
        filtered + (r.outcome() == ApplyResult.Outcome.FILTERED ? 1 : 0), failed, stops, waits, signatures, progress,
        until, drift);
  }
}
