package io.ddlcast.producer.primary;

import io.ddlcast.producer.capture.Xid;
import io.ddlcast.producer.csvlog.LogRecord;
import io.ddlcast.producer.settle.Outcome;
import io.ddlcast.producer.settle.Question;
import io.ddlcast.producer.settle.SessionTracker;
import io.ddlcast.producer.settle.XactStatus;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's turns with the primary, for what only it can say.
 *
 * <p>Status rounds: whether quiet, prepared or savepoint-rolled-back transactions committed, asked every poll
 * interval, or sooner when the tracker waits for it, but never more often than every {@link #MIN_STATUS_INTERVAL}:
 * an answer that stays unknown (a commit log truncated past the transaction) keeps the tracker waiting, and the
 * primary is not asked again at every batch read. The answers are applied only after the log written up to the
 * question has been read ({@link CatchUp}): a transaction the primary reports committed may have its COMMIT record
 * there, and then the log, not the answer, places it in commit order (after a transaction that committed before it
 * but was read first). When that reading fails, the answers are dropped and asked again.
 *
 * <p>Barriers: for DDL whose transaction id is unknown and which shows no sign of ending in the log, it asks the
 * primary whether the transaction still runs ({@link PrimaryClient#ended}); for those over, it writes a barrier
 * into the primary's log and the tracker settles them when the reader meets it: every record written before the
 * barrier, errors of those transactions included, has been read by then.
 */
public final class PrimaryRounds {
  private static final Logger LOG = LoggerFactory.getLogger(PrimaryRounds.class);
  private static final Duration MIN_STATUS_INTERVAL = Duration.ofMillis(100);
  private static final Duration MIN_BARRIER_INTERVAL = Duration.ofMillis(200);
  private static final Duration BARRIER_TIMEOUT = Duration.ofSeconds(30);

  /** Reads the log written so far into the tracker: what that settled, and whether all of it could be read. */
  @FunctionalInterface
  public interface CatchUp {
    Reading readToNow();
  }

  /** What a catch-up read settled; when it is not {@code complete}, the answers wait for the next round. */
  public record Reading(List<Outcome> outcomes, boolean complete) {}

  /** What the turns ask the primary: {@link PrimaryClient}'s queries. */
  interface Primary {
    Map<Xid, XactStatus> xactStatus(Collection<Xid> xids) throws SQLException;

    Set<String> ended(Collection<String> vxids) throws SQLException;

    void emitBarrier(String token) throws SQLException;

    String describe();
  }

  private record Barrier(String token, Set<String> vxids, long issuedNanos) {}

  private final Primary primary;
  private final SessionTracker tracker;
  private final long statusInterval;
  private final long barrierInterval;
  private final Runnable onError;
  private final LongSupplier nanos;
  private Barrier barrier;
  private Set<String> openAtLastCheck = Set.of();
  private long lastStatusCheck;
  private long lastBarrierCheck;

  /** {@code onError} counts each failed query (the metric of primary errors). */
  public PrimaryRounds(PrimaryClient primary, SessionTracker tracker, Duration pollInterval, Runnable onError) {
    this(primary, tracker, pollInterval, onError, System::nanoTime);
  }

  PrimaryRounds(Primary primary, SessionTracker tracker, Duration pollInterval, Runnable onError, LongSupplier nanos) {
    this.primary = primary;
    this.tracker = tracker;
    this.statusInterval = Math.max(pollInterval.toNanos(), MIN_STATUS_INTERVAL.toNanos());
    this.barrierInterval = Math.max(pollInterval.toNanos(), MIN_BARRIER_INTERVAL.toNanos());
    this.onError = onError;
    this.nanos = nanos;
  }

  /** After a restart from the checkpoint: no barrier is outstanding. */
  public void reset() {
    barrier = null;
    openAtLastCheck = Set.of();
  }

  /**
   * One turn: a status round when due, then a barrier when one is worth writing. Returns what became final: what
   * the catch-up read settled, then what the answers settled.
   */
  public List<Outcome> turn(CatchUp catchUp) {
    List<Outcome> outcomes = List.of();
    long now = nanos.getAsLong();
    long since = now - lastStatusCheck;
    if (since >= statusInterval || since >= MIN_STATUS_INTERVAL.toNanos() && tracker.wantsAnswers()) {
      lastStatusCheck = now;
      outcomes = statusRound(catchUp);
    }
    checkQuietTransactions();
    return outcomes;
  }

  private List<Outcome> statusRound(CatchUp catchUp) {
    Question question = tracker.ask();
    Map<Xid, XactStatus> answers;
    try {
      answers = question.xids().isEmpty() ? Map.of() : primary.xactStatus(question.xids());
    } catch (SQLException e) {
      tracker.unanswered();
      onError.run();
      LOG.warn("cannot ask the primary {} about {} transaction(s) ({}); their DDL waits", primary.describe(),
          question.xids().size(), e.getMessage());
      return List.of();
    }
    Reading reading = catchUp.readToNow();
    if (!reading.complete()) {
      tracker.unanswered();
      return reading.outcomes();
    }
    List<Outcome> outcomes = new ArrayList<>(reading.outcomes());
    outcomes.addAll(tracker.answer(question, answers));
    return outcomes;
  }

  /**
   * Writes a barrier of another purpose (a switchover's drain) into the primary's log; false if the primary could
   * not be asked (the caller tries again).
   */
  public boolean emit(String token) {
    try {
      primary.emitBarrier(token);
      return true;
    } catch (SQLException e) {
      onError.run();
      LOG.warn("cannot write a barrier into the primary's log ({}): {}; retrying", primary.describe(), e.getMessage());
      return false;
    }
  }

  /** If {@code record} is the barrier written last: what it settles; else null. */
  public List<Outcome> barrier(LogRecord record) {
    if (barrier == null || !"LOG".equals(record.severity())
        || !record.message().equals(PrimaryClient.BARRIER_PREFIX + barrier.token())) {
      return null;
    }
    Set<String> ended = barrier.vxids();
    barrier = null;
    return tracker.transactionsEnded(ended);
  }

  private void checkQuietTransactions() {
    long now = nanos.getAsLong();
    if (barrier != null) {
      if (now - barrier.issuedNanos() > BARRIER_TIMEOUT.toNanos()) {
        LOG.warn("the barrier written to the primary's log {} s ago has not been read: is the producer reading "
            + "this primary's csvlog, and does log_min_messages let LOG through? Writing another one",
            BARRIER_TIMEOUT.toSeconds());
        barrier = null;
      }
      return;
    }
    if (now - lastBarrierCheck < barrierInterval) {
      return;
    }
    lastBarrierCheck = now;
    Set<String> open = tracker.openWithoutXid();
    Set<String> candidates = new TreeSet<>(open);
    candidates.retainAll(openAtLastCheck); // open at two checks in a row: quiet, not just slow to log
    openAtLastCheck = open;
    if (candidates.isEmpty()) {
      return;
    }
    try {
      Set<String> ended = primary.ended(candidates);
      if (!ended.isEmpty()) {
        String token = UUID.randomUUID().toString();
        primary.emitBarrier(token);
        barrier = new Barrier(token, ended, now);
      }
    } catch (SQLException e) {
      onError.run();
      LOG.warn("cannot ask the primary {} whether {} transaction(s) ended ({}); their DDL waits",
          primary.describe(), candidates.size(), e.getMessage());
    }
  }
}
