package io.ddlcast.applier;

import io.ddlcast.common.catalog.SchemaFingerprint;
import io.ddlcast.common.error.Backoff;
import io.ddlcast.common.error.ErrorClassifier;
import io.ddlcast.common.error.ErrorKind;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventFilter;
import io.ddlcast.common.sql.Secrets;
import io.ddlcast.common.status.ApplyResult;
import io.ddlcast.common.status.Waits;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered stream of one database on one standby. Events run one after another, in partition order, on a
 * shared thread pool, so that databases progress independently: a slow or failed database does not hold up the
 * others.
 *
 * <p>A retriable error (standby down or restarting, lock conflict) is retried with backoff, as long as needed. A
 * permanent error stops the lane: the event id, where it sits in the topic, the SQLSTATE and the statement (secrets
 * masked) are logged, nothing after it in this database is applied, and the failed event holds back the committed
 * offset so that a restarted applier tries it again.
 *
 * <p>Events already queued run in batches ({@link BatchRule}): consecutive events of the lane in one standby
 * transaction with one marker update, and one result for the batch. A batch is never waited for: it takes what is
 * queued when its previous statement ends. When a batch does not commit, nothing of it is applied (or the marker
 * says what was, when the commit's outcome is unknown), and its events run again one by one, each in its own
 * transaction, as without batches: the event that fails is the one the error, the stop, {@code retry}, {@code skip},
 * the dead letter and {@code status} name, and the events before it are applied once.
 */
final class ApplyLane {
  /** Differences a drift report names, at most (the count is always whole). */
  private static final int MAX_DRIFT_SHOWN = 20;
  private static final Logger LOG = LoggerFactory.getLogger(ApplyLane.class);
  private static final int FAIRNESS_BATCH = 50;
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  enum State {
    RUNNING,
    RETRYING,
    STOPPED
  }

  private final Lane lane;
  private final String standbyName;
  private final EventExecutor executor;
  private final OffsetLedger ledger;
  private final Executor pool;
  private final BooleanSupplier running;
  private final AtomicInteger queuedTotal;
  private final ResultSink results;
  private final OperatorDecisions decisions;
  private final ApplierMetrics metrics;
  private final ArrayDeque<Work> queue = new ArrayDeque<>();
  private boolean scheduled;
  private volatile State state = State.RUNNING;
  private volatile long applied;
  private final EventFilter filter;
  private volatile long filtered;
  /** What the last fingerprint found different here (null: nothing), so that drift is logged once per change. */
  private List<String> lastDrift;
  private volatile String stoppedAt;
  private final BatchRule.Bounds batchBounds;
  /** The event this lane retries after a retriable error, for status (null while it does not). */
  private volatile Waits.Retrying retrying;

  ApplyLane(Lane lane, String standbyName, EventExecutor executor, OffsetLedger ledger, Executor pool,
      BooleanSupplier running, AtomicInteger queuedTotal, ResultSink results, OperatorDecisions decisions,
      ApplierMetrics metrics, EventFilter filter) {
    this(lane, standbyName, executor, ledger, pool, running, queuedTotal, results, decisions, metrics, filter,
        BatchRule.Bounds.NONE);
  }

  ApplyLane(Lane lane, String standbyName, EventExecutor executor, OffsetLedger ledger, Executor pool,
      BooleanSupplier running, AtomicInteger queuedTotal, ResultSink results, OperatorDecisions decisions,
      ApplierMetrics metrics, EventFilter filter, BatchRule.Bounds batchBounds) {
    this.batchBounds = batchBounds;
    this.results = results;
    this.decisions = decisions;
    this.filter = filter;
    this.lane = lane;
    this.standbyName = standbyName;
    this.executor = executor;
    this.ledger = ledger;
    this.pool = pool;
    this.running = running;
    this.queuedTotal = queuedTotal;
    this.metrics = metrics;
  }

  synchronized void submit(Work work) {
    if (state == State.STOPPED) {
      ledger.passed(work);
      return;
    }
    ledger.received(work);
    metrics.received(work);
    queue.add(work);
    queuedTotal.incrementAndGet();
    if (!scheduled) {
      scheduled = true;
      pool.execute(this::drain);
    }
  }

  private void drain() {
    for (int done = 0; done < FAIRNESS_BATCH; done++) {
      Work work;
      BatchRule.Batch batch;
      synchronized (this) {
        work = running.getAsBoolean() ? queue.poll() : null;
        if (work == null) {
          scheduled = false;
          return;
        }
        batch = batchFrom(work);
      }
      queuedTotal.decrementAndGet();
      if (batch != null) {
        done += runBatch(batch, work) - 1;
      } else {
        process(work);
      }
    }
    reschedule();
  }

  /**
   * The batch the work starts, or null: batches are on, the work may be followed in one, and the event queued
   * behind it may join it (a lone event runs as before).
   */
  private BatchRule.Batch batchFrom(Work work) {
    if (!batchBounds.enabled() || state == State.STOPPED || BatchRule.fit(work) != BatchRule.Fit.JOINS
        || !mayJoin(work)) {
      return null;
    }
    long now = System.nanoTime();
    BatchRule.Batch batch = new BatchRule.Batch(batchBounds, work, now);
    Work next = queue.peek();
    return next != null && batch.admits(next, now) && mayJoin(next) ? batch : null;
  }

  /** A plain event to run: not the operator's to skip or hold, not filtered, and the standby shows it not applied. */
  private boolean mayJoin(Work work) {
    return work.invalid() == null && work.event() != null && !decisions.isSkipped(work)
        && !decisions.isKeptStopped(work) && filter.rejection(work.event()) == null && executor.batchable(work);
  }

  /** The next queued work if it may join the batch now, taken off the queue; else null (the batch commits). */
  private synchronized Work nextFor(BatchRule.Batch batch) {
    Work next = running.getAsBoolean() ? queue.peek() : null;
    if (next == null || !batch.admits(next, System.nanoTime()) || !mayJoin(next)) {
      return null;
    }
    queue.poll();
    queuedTotal.decrementAndGet();
    batch.add(next);
    return next;
  }

  /**
   * Runs a batch from {@code first}: commits it and reports each event applied, or, when it rolled back, runs what it
   * had taken one by one. Returns how many events it took.
   */
  private int runBatch(BatchRule.Batch batch, Work first) {
    long started = System.nanoTime();
    List<Work> applied;
    try {
      applied = executor.executeBatch(first, () -> nextFor(batch));
    } catch (EventExecutor.RolledBack e) {
      List<Work> taken = e.taken();
      Work failed = taken.get(taken.size() - 1);
      metrics.batchRolledBack();
      LOG.info("a batch of {} events in {} rolled back at event {} ({}, SQLSTATE {}); re-running its {} events one "
          + "by one", taken.size(), lane.describe(), failed.event().id(), failed.where(), e.sqlState(), taken.size());
      oneByOne(taken);
      return taken.size();
    }
    long nanos = System.nanoTime() - started;
    batchApplied(applied, nanos);
    return applied.size();
  }

  /** Lets other lanes have the thread; the lane stays scheduled unless the pool is shutting down. */
  private void reschedule() {
    try {
      pool.execute(this::drain);
    } catch (RejectedExecutionException shuttingDown) {
      synchronized (this) {
        scheduled = false;
      }
    }
  }

  private void process(Work work) {
    if (work.fingerprint() != null) {
      compare(work);
      return;
    }
    if (work.zombie() != null) { // never applied, whatever the operator's decisions: reported and passed
      if (work.zombie().startsWith(Generations.ZOMBIE_REFUSAL)) {
        metrics.zombie();
      }
      skip(work, null, null, work.zombie());
      return;
    }
    if (decisions.isSkipped(work)) {
      OperatorDecisions.Failure failure = decisions.failureOf(work);
      skip(work, failure == null ? null : failure.sqlState(), failure == null ? null : failure.reason(),
          "skipped by the operator (ddlcast applier skip)");
      return;
    }
    if (decisions.isKeptStopped(work)) {
      state = State.STOPPED;
      stoppedAt = OperatorDecisions.eventRef(work);
      ledger.stopped(work);
      LOG.warn("{} on standby {} stays STOPPED at event {} ({}): retry or skip it (ddlcast applier retry|skip)",
          lane.describe(), standbyName, stoppedAt, work.where());
      abandonQueue();
      return;
    }
    if (work.invalid() != null) {
      fail(work, null, "it is not an event this applier can apply: " + work.invalid());
      return;
    }
    DdlEvent event = work.event();
    String rejection = filter.rejection(event);
    if (rejection != null) { // not this standby's: done without running, like a skipped event
      ledger.applied(work);
      metrics.filtered(work);
      filtered++;
      LOG.info("filtered {} ({}): {}", event.id(), event.command(), rejection);
      publish(work, ApplyResult.Outcome.FILTERED, null, null, rejection);
      return;
    }
    run(work);
  }

  /** Runs the event until it is done or fails permanently; retriable errors wait with backoff while running. */
  private void run(Work work) {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));
    while (true) {
      long started = System.nanoTime();
      try {
        StatementExecutor.Result result = executor.execute(work);
        ledger.applied(work);
        metrics.settled(work, result, System.nanoTime() - started);
        if (state == State.RETRYING) {
          Waits.Retrying was = retrying;
          if (was != null && LOCK_NOT_AVAILABLE.equals(was.sqlState())) {
            LOG.info("standby {}: {} continues: event {} applied after {} attempt(s), once the lock was released",
                standbyName, lane.describe(), work.event().id(), backoff.attempts() + 1);
          } else {
            LOG.info("standby {} reachable again; {} continues (event {} applied after {} attempt(s))", standbyName,
                lane.describe(), work.event().id(), backoff.attempts() + 1);
          }
          state = State.RUNNING;
          retrying = null;
        }
        done(work, result, (System.nanoTime() - started) / 1_000_000);
        return;
      } catch (SQLException e) {
        if (ErrorClassifier.classifySql(e) == ErrorKind.PERMANENT) {
          fail(work, e.getSQLState(), "SQLSTATE " + e.getSQLState() + ": "
              + StatementExecutor.errorMessage(e, work.event()));
          return;
        }
        if (!running.getAsBoolean() || !waitToRetry(work, e, backoff)) {
          return; // shutting down: the event stays unapplied and uncommitted
        }
      } catch (RuntimeException e) {
        fail(work, null, "unexpected " + e);
        return;
      }
    }
  }

  /** The works of a batch that rolled back, each in its own transaction; once the lane stopped, the rest wait. */
  private void oneByOne(List<Work> works) {
    for (int k = 0; k < works.size(); k++) {
      if (state == State.STOPPED) {
        for (Work rest : works.subList(k, works.size())) { // as the queue behind a stop: read again after it
          ledger.abandoned(rest);
          metrics.abandoned(rest);
        }
        return;
      }
      if (!running.getAsBoolean()) {
        return; // shutting down: unapplied and uncommitted, as queued events are
      }
      process(works.get(k));
    }
  }

  /** Reports a committed batch: each event applied (log, metrics, ledger), one result for the batch. */
  private void batchApplied(List<Work> works, long nanos) {
    long millis = nanos / 1_000_000;
    for (Work work : works) {
      ledger.applied(work);
      metrics.settled(work, StatementExecutor.Result.APPLIED, nanos / works.size());
      applied++;
      LOG.info("applied {} in {} ({}) in {} ms, in a batch of {}", work.event().id(), lane.database(),
          work.event().command(), millis, works.size());
    }
    metrics.batchCommitted(works.size());
    Work first = works.get(0);
    Work last = works.get(works.size() - 1);
    LOG.info("committed a batch of {} events in database {} (partition {} offsets {}..{}) in {} ms", works.size(),
        lane.database(), last.partition().partition(), first.offset(), last.offset(), millis);
    results.publish(new ApplyResult(standbyName, ApplyResult.Outcome.APPLIED, last.event().id(), lane.name(),
        last.event().command(), last.partition().partition(), last.offset(), last.event().logTime(), Instant.now(),
        millis, null, null, null, null, works.size()));
  }

  /** Logs and publishes what became of an event the executor finished. */
  private void done(Work work, StatementExecutor.Result result, long millis) {
    DdlEvent event = work.event();
    if (result.alreadyApplied()) {
      LOG.info("not running {} ({}) again: the standby's marker shows it took effect before a restart",
          event.id(), event.command());
      publish(work, ApplyResult.Outcome.ALREADY_APPLIED, millis, null, null);
    } else if (result.applied()) {
      applied++;
      LOG.info("applied {} in {} ({}) in {} ms", event.id(), lane.isCluster() ? "the cluster" : lane.database(),
          event.command(), millis);
      publish(work, ApplyResult.Outcome.APPLIED, millis, null, null);
    } else {
      LOG.warn("skipped {} ({}): {}. Statement: {}", event.id(), event.command(), result.skipReason(),
          Secrets.maskAndShorten(event.statement(), 200));
      publish(work, ApplyResult.Outcome.SKIPPED, millis, null, result.skipReason());
    }
  }

  /** A retriable error: the lane is RETRYING; says so (first and every tenth time), sleeps; false if interrupted. */
  private boolean waitToRetry(Work work, SQLException e, Backoff backoff) {
    state = State.RETRYING;
    metrics.retrying(work, e.getSQLState());
    Duration wait = backoff.next();
    Waits.Retrying before = retrying;
    retrying = new Waits.Retrying(lane.name(), work.event().id(), e.getSQLState(),
        Secrets.maskAndShorten(StatementExecutor.errorMessage(e, work.event()), 300),
        before != null && before.eventId().equals(work.event().id()) ? before.since() : Instant.now(),
        backoff.attempts());
    if (backoff.attempts() == 1 || backoff.attempts() % 10 == 0) {
      LOG.warn("standby {}: {} on event {} in {} (SQLSTATE {}); retrying in {} s (attempt {})", standbyName,
          StatementExecutor.errorMessage(e, work.event()), work.event().id(), lane.describe(), e.getSQLState(),
          wait.toMillis() / 1000.0, backoff.attempts());
    }
    return Backoff.sleep(wait);
  }

  /** A permanent failure: stop the stream here (default), or skip the event to the dead letters (--on-error=skip). */
  private void fail(Work work, String sqlState, String reason) {
    if (decisions.onError() == OperatorDecisions.OnError.SKIP) {
      skip(work, sqlState, reason, "skipped by --on-error=skip");
      return;
    }
    state = State.STOPPED;
    stoppedAt = OperatorDecisions.eventRef(work);
    decisions.failed(work, sqlState, reason);
    ledger.stopped(work);
    metrics.failed(work);
    DdlEvent event = work.event();
    publish(work, ApplyResult.Outcome.FAILED, null, sqlState, reason);
    LOG.error("STOPPED {} on standby {} at event {} ({}): {}. Statement: {}. {}; fix the cause on the standby "
            + "and run: ddlcast applier retry --standby {}{} (or skip it: ddlcast applier skip --standby {} "
            + "--event {}).",
        lane.describe(), standbyName, event == null ? "?" : event.id(), work.where(), reason,
        event == null ? "(none)" : Secrets.maskAndShorten(event.statement(), 500),
        lane.isCluster() ? "Nothing after it is applied on this standby (later events may depend on it)"
            : "The standby's other databases continue",
        standbyName, lane.isCluster() ? "" : " --database " + lane.name(), standbyName, stoppedAt);
    abandonQueue();
  }

  /**
   * The drift alarm: the standby's listing of the database, here where the primary's fingerprint was taken, is
   * compared with it; a difference is drift (reported, the stream goes on). With filters the standby holds less than
   * the primary by design: nothing is compared.
   */
  private void compare(Work work) {
    SchemaFingerprint primary = work.fingerprint();
    ledger.applied(work);
    if (!filter.isEmpty()) {
      return;
    }
    List<String> differences;
    try {
      differences = primary.differences(SchemaFingerprint.hashes(executor.listing(primary.database(),
          primary.globals())));
    } catch (SQLException e) {
      differences = List.of("the database cannot be listed on the standby (SQLSTATE " + e.getSQLState() + ": "
          + e.getMessage() + ")");
    }
    metrics.drift(primary.database(), differences.size());
    if (differences.isEmpty()) {
      if (lastDrift != null) {
        LOG.info("drift cleared: database {} on standby {} has the primary's schema again ({})", primary.database(),
            standbyName, work.where());
        lastDrift = null;
      }
      publish(work, ApplyResult.Outcome.FINGERPRINT, null, null, null);
      return;
    }
    String shown = String.join("; ", differences.subList(0, Math.min(differences.size(), MAX_DRIFT_SHOWN)))
        + (differences.size() > MAX_DRIFT_SHOWN ? "; ..." : "");
    String message = differences.size() + " object(s) differ from the primary's schema at this point of the stream: "
        + shown;
    if (!differences.equals(lastDrift)) { // once per change, not at every fingerprint
      LOG.warn("DRIFT: database {} on standby {} ({}): {}; ddlcast verify names each difference",
          primary.database(), standbyName, work.where(), message);
      lastDrift = differences;
    }
    publish(work, ApplyResult.Outcome.FINGERPRINT, null, null, message);
  }

  /** The event is not run here; the stream goes on after it; the event goes to the dead letters with why. */
  private void skip(Work work, String sqlState, String error, String why) {
    String reason = error == null ? why : why + " after: " + error;
    ledger.applied(work);
    metrics.settled(work, StatementExecutor.Result.skipped(reason), 0);
    ApplyResult result = result(work, ApplyResult.Outcome.SKIPPED, null, sqlState, reason);
    results.publish(result);
    results.deadLetter(work, result);
    LOG.warn("skipped {} ({}) on standby {}: {}. Statement: {}", OperatorDecisions.eventRef(work),
        work.event() == null ? "not an event" : work.event().command(), standbyName, reason,
        work.event() == null ? "(none)" : Secrets.maskAndShorten(work.event().statement(), 200));
    if (state != State.RUNNING) {
      state = State.RUNNING;
    }
  }

  private void abandonQueue() {
    synchronized (this) {
      for (Work queued : queue) {
        ledger.abandoned(queued);
        metrics.abandoned(queued);
        queuedTotal.decrementAndGet();
      }
      queue.clear();
    }
  }

  private void publish(Work work, ApplyResult.Outcome outcome, Long millis, String sqlState, String message) {
    results.publish(result(work, outcome, millis, sqlState, message));
  }

  private ApplyResult result(Work work, ApplyResult.Outcome outcome, Long millis, String sqlState, String message) {
    DdlEvent event = work.event();
    return new ApplyResult(standbyName, outcome, OperatorDecisions.eventRef(work),
        lane.name(), event == null ? null : event.command(),
        work.partition().partition(), work.offset(), event == null ? null : event.logTime(), Instant.now(), millis,
        sqlState, message == null ? null : Secrets.maskAndShorten(message, 1000));
  }

  State state() {
    return state;
  }

  /** The event this lane retries, or null. */
  Waits.Retrying retrying() {
    return state == State.RETRYING ? retrying : null;
  }

  long applied() {
    return applied;
  }

  /** The event this stopped lane stopped at (id or @partition:offset), or null. */
  String stoppedAt() {
    return state == State.STOPPED ? stoppedAt : null;
  }

  /** Events this standby's filters left out (counted as done for offset commits). */
  long filtered() {
    return filtered;
  }

}
