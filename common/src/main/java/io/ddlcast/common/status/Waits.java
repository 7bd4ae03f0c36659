package io.ddlcast.common.status;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * What waits on what on one standby, as its applier saw it at its last heartbeat: each cluster-wide event that is a
 * barrier now (the lanes it waits for, the events held behind it), each database stopped on an error that
 * cluster-wide events ran ahead of, and each database retrying an event (a lock held on the standby).
 * {@code ddlcast status} shows it.
 *
 * <pre>{@code
 * {"barriers":[{"eventId":"6742f0a1.2b4c:40","command":"DROP ROLE","partition":0,"offset":41,"state":"WAITING",
 *               "waitsForApplying":["beta"],"waitsForStopped":["alpha"],"heldDatabases":["gamma"],"heldEvents":3}],
 *  "stoppedBehind":[{"database":"alpha","stoppedAt":"6742f0a1.2b4c:17","ranAhead":["6742f0a1.2b4c:20"]}],
 *  "retrying":[{"database":"beta","eventId":"6742f0a1.2b4c:44","sqlState":"55P03","error":"canceling statement
 *               due to lock timeout","since":"2026-12-01T22:00:00Z","attempts":3}]}
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Waits(List<Barrier> barriers, List<StoppedBehind> stoppedBehind, List<Retrying> retrying) {
  /** Nothing waits. */
  public static final Waits NONE = new Waits(List.of(), List.of());

  public Waits {
    barriers = barriers == null ? List.of() : List.copyOf(barriers);
    stoppedBehind = stoppedBehind == null ? List.of() : List.copyOf(stoppedBehind);
    retrying = retrying == null ? List.of() : List.copyOf(retrying);
  }

  /** No lane retrying. */
  public Waits(List<Barrier> barriers, List<StoppedBehind> stoppedBehind) {
    this(barriers, stoppedBehind, List.of());
  }

  @JsonIgnore
  public boolean isEmpty() {
    return barriers.isEmpty() && stoppedBehind.isEmpty() && retrying.isEmpty();
  }

  /**
   * A lane retrying an event after a retriable error (a lock another session holds on the standby, the standby
   * unreachable): since when, how many attempts, the last error.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Retrying(String database, String eventId, String sqlState, String error, Instant since,
      int attempts) {}

  /** Where a barrier is. */
  public enum BarrierState {
    /** Lanes before it are not done: it waits for them (those applying, and those stopped it cannot run ahead of). */
    WAITING,
    /** It runs on the standby, alone. */
    RUNNING,
    /** It failed: the cluster lane is stopped, and everything after it waits. */
    STOPPED
  }

  /**
   * A cluster-wide event of a partition and what it waits for, and what waits for it.
   *
   * @param waitsForApplying database lanes still applying an event before it
   * @param waitsForStopped database lanes stopped on an error before it that it must not run ahead of
   * @param heldDatabases the lanes whose events wait behind it ({@code (cluster)} for later cluster-wide events)
   * @param heldEvents how many events wait behind it
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Barrier(String eventId, String command, Integer partition, Long offset, BarrierState state,
      List<String> waitsForApplying, List<String> waitsForStopped, List<String> heldDatabases, long heldEvents) {
    public Barrier {
      waitsForApplying = waitsForApplying == null ? List.of() : List.copyOf(waitsForApplying);
      waitsForStopped = waitsForStopped == null ? List.of() : List.copyOf(waitsForStopped);
      heldDatabases = heldDatabases == null ? List.of() : List.copyOf(heldDatabases);
    }
  }

  /**
   * A database lane stopped on an error, and the cluster-wide events that ran ahead of it (they only add, see the
   * README): once retried or skipped, it applies its remaining events after them.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record StoppedBehind(String database, String stoppedAt, List<String> ranAhead) {
    public StoppedBehind {
      ranAhead = ranAhead == null ? List.of() : List.copyOf(ranAhead);
    }
  }
}
