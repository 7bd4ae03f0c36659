package io.ddlcast.applier;

import static io.ddlcast.applier.TestEvents.TP;
import static io.ddlcast.applier.TestEvents.inDatabase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.ddlcast.common.event.EventFilter;
import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.status.ApplyResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

/**
 * How a lane batches what is queued, over an executor that runs nothing but records what it was given: the
 * events a batch takes, what breaks it, one result per batch, and a batch that rolls back, whose events then run
 * one by one so that the failing one is exactly the one that stops the lane (or is skipped).
 */
class ApplyLaneBatchTest {
  private static final Lane APP = Lane.database("app");

  private final OffsetLedger ledger = new OffsetLedger();
  private final ArrayDeque<Runnable> pool = new ArrayDeque<>();
  private final List<ApplyResult> results = Collections.synchronizedList(new ArrayList<>());
  private final List<ApplyResult> deadLetters = Collections.synchronizedList(new ArrayList<>());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Recording executor = new Recording();

  /** Runs lone events and batches; fails the offsets named, in a batch or alone. */
  private static final class Recording implements EventExecutor {
    final List<String> log = new ArrayList<>();
    Set<Long> failing = Set.of();

    @Override
    public StatementExecutor.Result execute(Work work) throws SQLException {
      log.add("one " + work.offset());
      if (failing.contains(work.offset())) {
        throw new SQLException("relation \"t" + work.offset() + "\" already exists", "42P07");
      }
      return StatementExecutor.Result.APPLIED;
    }

    @Override
    public boolean batchable(Work work) {
      return true;
    }

    @Override
    public List<Work> executeBatch(Work first, Supplier<Work> next) throws RolledBack {
      List<Work> taken = new ArrayList<>();
      for (Work w = first; w != null; w = next.get()) {
        taken.add(w);
        if (failing.contains(w.offset())) {
          log.add("rolled back " + taken.stream().map(Work::offset).toList());
          throw new RolledBack(taken, new SQLException("relation already exists", "42P07"));
        }
      }
      log.add("batch " + taken.stream().map(Work::offset).toList());
      return taken;
    }

    @Override
    public void close() {}
  }

  private ApplyLane lane(OperatorDecisions.OnError onError, BatchRule.Bounds bounds) {
    ledger.assigned(TP, null);
    return new ApplyLane(APP, "s1", executor, ledger, pool::add, () -> true, new AtomicInteger(), new ResultSink() {
      @Override
      public void publish(ApplyResult result) {
        results.add(result);
      }

      @Override
      public void deadLetter(Work work, ApplyResult result) {
        deadLetters.add(result);
      }
    }, new OperatorDecisions(onError), new ApplierMetrics(registry, "s1"), EventFilter.ALL, bounds);
  }

  private ApplyLane lane() {
    return lane(OperatorDecisions.OnError.STOP, BatchRule.Bounds.DEFAULT);
  }

  private static Work work(long offset, String statement) {
    return new Work(TP, offset, APP, inDatabase("app", offset, SqlCommand.of(statement).tag(), statement), null);
  }

  private static Work table(long offset) {
    return work(offset, "CREATE TABLE t" + offset + " ()");
  }

  private void drain() {
    while (!pool.isEmpty()) {
      pool.poll().run();
    }
  }

  @Test
  void queuedEventsRunAsOneBatchWithOneResultForIt() {
    ApplyLane lane = lane();
    for (long k = 0; k < 5; k++) {
      lane.submit(table(k));
    }
    drain();
    assertThat(executor.log).containsExactly("batch [0, 1, 2, 3, 4]");
    assertThat(results).extracting(ApplyResult::outcome, ApplyResult::eventId, ApplyResult::offset,
        ApplyResult::eventCount).containsExactly(tuple(ApplyResult.Outcome.APPLIED, "s:4", 4L, 5));
    assertThat(lane.applied()).isEqualTo(5);
    assertThat(ledger.committable().get(TP)).isEqualTo(new OffsetAndMetadata(5, ""));
    assertThat(registry.get("ddlcast_applier_batch_events").summary().totalAmount()).isEqualTo(5);
    assertThat(registry.get("ddlcast_applier_events_applied").counter().count()).isEqualTo(5);
  }

  @Test
  void aCaughtUpLaneRunsEachEventAtOnceAlone() {
    ApplyLane lane = lane();
    lane.submit(table(0));
    drain();
    lane.submit(table(1));
    drain();
    assertThat(executor.log).containsExactly("one 0", "one 1");
    assertThat(results).extracting(ApplyResult::eventId, ApplyResult::events).containsExactly(
        tuple("s:0", null), tuple("s:1", null));
  }

  @Test
  void batchesBreakAtTheirBoundAndAroundWhatRunsAloneOrEndsThem() {
    ApplyLane lane = lane(OperatorDecisions.OnError.STOP, new BatchRule.Bounds(2, 1 << 20, Duration.ofSeconds(1)));
    for (long k = 0; k < 5; k++) {
      lane.submit(table(k));
    }
    drain();
    assertThat(executor.log).containsExactly("batch [0, 1]", "batch [2, 3]", "one 4");
    executor.log.clear();

    lane = lane();
    lane.submit(table(10));
    lane.submit(work(11, "CREATE INDEX CONCURRENTLY i ON t10 (a)"));
    lane.submit(table(12));
    lane.submit(work(13, "ALTER TYPE mood ADD VALUE 'x'"));
    lane.submit(table(14));
    lane.submit(table(15));
    drain();
    assertThat(executor.log).containsExactly("one 10", "one 11", "batch [12, 13]", "batch [14, 15]");
    assertThat(lane(OperatorDecisions.OnError.STOP, BatchRule.Bounds.NONE)).satisfies(none -> {
      executor.log.clear();
      none.submit(table(20));
      none.submit(table(21));
      drain();
      assertThat(executor.log).containsExactly("one 20", "one 21");
    });
  }

  @Test
  void aBatchThatRollsBackRunsAgainOneByOneAndStopsAtExactlyTheFailingEvent() {
    executor.failing = Set.of(2L);
    ApplyLane lane = lane();
    for (long k = 0; k < 5; k++) {
      lane.submit(table(k));
    }
    drain();
    assertThat(executor.log).containsExactly("rolled back [0, 1, 2]", "one 0", "one 1", "one 2");
    assertThat(results).extracting(ApplyResult::outcome, ApplyResult::eventId).containsExactly(
        tuple(ApplyResult.Outcome.APPLIED, "s:0"), tuple(ApplyResult.Outcome.APPLIED, "s:1"),
        tuple(ApplyResult.Outcome.FAILED, "s:2"));
    assertThat(results.get(2).sqlState()).isEqualTo("42P07");
    assertThat(lane.state()).isEqualTo(ApplyLane.State.STOPPED);
    assertThat(lane.stoppedAt()).isEqualTo("s:2");
    assertThat(lane.applied()).isEqualTo(2);
    assertThat(ledger.committable().get(TP).offset()).as("the failed event holds the commit").isEqualTo(2);
    assertThat(registry.get("ddlcast_applier_batch_rollbacks").counter().count()).isEqualTo(1);
  }

  @Test
  void withOnErrorSkipTheFailingEventOfABatchIsSkippedAndTheRestGoOn() {
    executor.failing = Set.of(2L);
    ApplyLane lane = lane(OperatorDecisions.OnError.SKIP, BatchRule.Bounds.DEFAULT);
    for (long k = 0; k < 5; k++) {
      lane.submit(table(k));
    }
    drain();
    assertThat(executor.log).containsExactly("rolled back [0, 1, 2]", "one 0", "one 1", "one 2", "batch [3, 4]");
    assertThat(deadLetters).extracting(ApplyResult::eventId).containsExactly("s:2");
    assertThat(results).extracting(ApplyResult::outcome, ApplyResult::eventId).containsExactly(
        tuple(ApplyResult.Outcome.APPLIED, "s:0"), tuple(ApplyResult.Outcome.APPLIED, "s:1"),
        tuple(ApplyResult.Outcome.SKIPPED, "s:2"), tuple(ApplyResult.Outcome.APPLIED, "s:4"));
    assertThat(ledger.committable().get(TP)).isEqualTo(new OffsetAndMetadata(5, ""));
  }
}
