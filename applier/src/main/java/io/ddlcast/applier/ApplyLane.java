package io.ddlcast.applier;

import io.ddlcast.common.error.Backoff;
import io.ddlcast.common.error.ErrorClassifier;
import io.ddlcast.common.error.ErrorKind;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventFilter;
import io.ddlcast.common.sql.Secrets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
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
 */
final class ApplyLane {
  private static final Logger LOG = LoggerFactory.getLogger(ApplyLane.class);
  private static final int FAIRNESS_BATCH = 50;

  enum State {
    RUNNING,
    RETRYING,
    STOPPED
  }

  private final String key;
  private final String standbyName;
  private final StatementExecutor executor;
  private final OffsetLedger ledger;
  private final Executor pool;
  private final BooleanSupplier running;
  private final AtomicInteger queuedTotal;
  private final ArrayDeque<Work> queue = new ArrayDeque<>();
  private boolean scheduled;
  private volatile State state = State.RUNNING;
  private volatile long applied;
  private volatile long skipped;
  private volatile long alreadyApplied;
  private volatile long filtered;
  private final EventFilter filter;

  ApplyLane(String key, String standbyName, StatementExecutor executor, OffsetLedger ledger, Executor pool,
      BooleanSupplier running, AtomicInteger queuedTotal) {
    this(key, standbyName, executor, ledger, pool, running, queuedTotal, EventFilter.ALL);
  }

  ApplyLane(String key, String standbyName, StatementExecutor executor, OffsetLedger ledger, Executor pool,
      BooleanSupplier running, AtomicInteger queuedTotal, EventFilter filter) {
    this.filter = filter;
    this.key = key;
    this.standbyName = standbyName;
    this.executor = executor;
    this.ledger = ledger;
    this.pool = pool;
    this.running = running;
    this.queuedTotal = queuedTotal;
  }

  synchronized void submit(Work work) {
    if (state == State.STOPPED) {
      ledger.passed(work.partition(), work.offset());
      return;
    }
    ledger.received(work.partition(), work.offset());
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
      synchronized (this) {
        work = running.getAsBoolean() ? queue.poll() : null;
        if (work == null) {
          scheduled = false;
          return;
        }
      }
      queuedTotal.decrementAndGet();
      process(work);
    }
    reschedule();
  }

  /** Lets other lanes have the thread; the lane stays scheduled unless the pool is shutting down. */
  private void reschedule() {
    try {
      pool.execute(this::drain);
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      synchronized (this) {
        scheduled = false;
      }
    }
  }

  private void process(Work work) {
    if (work.invalid() != null) {
      stop(work, "it is not an event this applier can apply: " + work.invalid());
      return;
    }
    DdlEvent event = work.event();
    String rejection = filter.rejection(event);
    if (rejection != null) { // not this standby's: done without running, like a skipped event
      ledger.applied(work.partition(), key, work.offset());
      filtered++;
      LOG.info("filtered {} ({}): {}", event.id(), event.command(), rejection);
      return;
    }
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));
    while (true) {
      long started = System.nanoTime();
      try {
        StatementExecutor.Result result = executor.execute(event, key, work.partition(), work.offset());
        ledger.applied(work.partition(), key, work.offset());
        if (state == State.RETRYING) {
          LOG.info("standby {} reachable again; {} continues", standbyName, describe());
          state = State.RUNNING;
        }
        if (result.alreadyApplied()) {
          alreadyApplied++;
          LOG.info("not running {} ({}) again: the standby's marker shows it took effect before a restart",
              event.id(), event.command());
        } else if (result.applied()) {
          applied++;
          LOG.info("applied {} in {} ({}) in {} ms", event.id(), event.scope() == io.ddlcast.common.event.Scope.CLUSTER
              ? "the cluster" : key, event.command(), (System.nanoTime() - started) / 1_000_000);
        } else {
          skipped++;
          LOG.warn("skipped {} ({}): {}. Statement: {}", event.id(), event.command(), result.skipReason(),
              Secrets.maskAndShorten(event.statement(), 200));
        }
        return;
      } catch (SQLException e) {
        if (ErrorClassifier.classifySql(e) == ErrorKind.PERMANENT) {
          stop(work, "SQLSTATE " + e.getSQLState() + ": " + Secrets.mask(e.getMessage()));
          return;
        }
        if (!running.getAsBoolean()) {
          return; // shutting down: the event stays unapplied and uncommitted
        }
        state = State.RETRYING;
        Duration wait = backoff.next();
        if (backoff.attempts() == 1 || backoff.attempts() % 10 == 0) {
          LOG.warn("standby {}: {} on event {} in {} (SQLSTATE {}); retrying in {} s (attempt {})", standbyName,
              Secrets.mask(e.getMessage()), event.id(), describe(), e.getSQLState(), wait.toMillis() / 1000.0,
              backoff.attempts());
        }
        if (!sleep(wait)) {
          return;
        }
      } catch (RuntimeException e) {
        stop(work, "unexpected " + e);
        return;
      }
    }
  }

  private void stop(Work work, String reason) {
    state = State.STOPPED;
    ledger.stopped(work.partition(), work.offset());
    DdlEvent event = work.event();
    LOG.error("STOPPED {} on standby {} at event {} ({}): {}. Statement: {}. {}; fix the cause on the standby "
            + "and restart the applier to try this event again.",
        describe(), standbyName, event == null ? "?" : event.id(), work.where(), reason,
        event == null ? "(none)" : Secrets.maskAndShorten(event.statement(), 500),
        isCluster() ? "Nothing after it is applied on this standby (later events may depend on it)"
            : "The standby's other databases continue");
    synchronized (this) {
      for (Work queued : queue) {
        ledger.abandoned(queued.partition(), queued.offset());
        queuedTotal.decrementAndGet();
      }
      queue.clear();
    }
  }

  private static boolean sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  String key() {
    return key;
  }

  boolean isCluster() {
    return key.equals(EventConsumer.CLUSTER_LANE);
  }

  /** "database X" or "cluster-wide statements", for messages. */
  String describe() {
    return isCluster() ? "cluster-wide statements (roles, databases, tablespaces)" : "database " + key;
  }

  State state() {
    return state;
  }

  long applied() {
    return applied;
  }

  /** Events this standby's filters left out (counted as done for offset commits). */
  long filtered() {
    return filtered;
  }

}
