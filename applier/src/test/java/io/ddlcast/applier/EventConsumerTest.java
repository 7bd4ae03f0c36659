package io.ddlcast.applier;

import static io.ddlcast.applier.TestEvents.TOPIC;
import static io.ddlcast.applier.TestEvents.TP;
import static io.ddlcast.applier.TestEvents.clusterWide;
import static io.ddlcast.applier.TestEvents.inDatabase;
import static io.ddlcast.applier.TestEvents.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.status.ApplyResult;
import io.ddlcast.common.status.UntilState;
import io.ddlcast.common.status.Waits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Routing of the topic's records to lanes, over Kafka's {@link MockConsumer} and an executor that runs nothing but
 * records what it was given and holds events back on the test's word. The test thread is the consumer thread (it
 * calls {@link EventConsumer#pollOnce}); lanes run on the consumer's pool, as in the applier.
 */
class EventConsumerTest {
  /** Commits, in order, as the applier made them. */
  private final List<Map<TopicPartition, OffsetAndMetadata>> commits = new ArrayList<>();
  private final MockConsumer<String, byte[]> kafka = new MockConsumer<>("earliest") {
    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
      commits.add(Map.copyOf(offsets));
      super.commitSync(offsets, timeout);
    }
  };
  private final FakeExecutor executor = new FakeExecutor();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<ApplyResult> results = Collections.synchronizedList(new ArrayList<>());
  private final EventConsumer consumer = new EventConsumer(
      ApplierConfig.validate(new ApplierConfig.Raw("localhost:9092", TOPIC, "s1",
          "jdbc:postgresql://localhost:1/postgres", 4)),
      running::get, new ResultSink() {
        @Override
        public void publish(ApplyResult result) {
          results.add(result);
        }

        @Override
        public void deadLetter(Work work, ApplyResult result) {
          throw new AssertionError("nothing is skipped here: " + result);
        }
      }, new OperatorDecisions(OperatorDecisions.OnError.STOP),
      new ApplierMetrics(registry, "s1"), () -> kafka, executor);

  private boolean closed;

  @AfterEach
  void close() {
    executor.releaseAll();
    if (!closed) {
      consumer.close();
    }
  }

  /** The applier joins the group and gets partition 0, which holds these records from the committed offset on. */
  private void assigned(OffsetAndMetadata committed, List<ConsumerRecord<String, byte[]>> records) {
    kafka.updateBeginningOffsets(Map.of(TP, 0L));
    consumer.open(); // subscribes: the group's commits come after
    if (committed != null) {
      kafka.commitSync(Map.of(TP, committed));
      commits.clear();
    }
    kafka.rebalance(List.of(TP));
    arrive(records);
  }

  /** Records that reach the topic: the consumer sees them from its next poll on (not while the partition is paused). */
  private void arrive(List<ConsumerRecord<String, byte[]>> records) {
    kafka.schedulePollTask(() -> records.forEach(kafka::addRecord));
  }

  private void pollUntil(String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("still waiting after 10 s for " + what).isLessThan(deadline);
      pollFor(5);
    }
  }

  /** Polls for a while: time for something that must not happen to show if it did. */
  private void pollFor(long millis) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    do {
      consumer.pollOnce();
      sleep(2);
    } while (System.nanoTime() < end);
  }

  private OffsetAndMetadata committed() {
    return kafka.committed(Set.of(TP)).get(TP);
  }

  private static DdlEvent table(String database, long n) {
    return inDatabase(database, n, "CREATE TABLE", "CREATE TABLE t" + n + " ()");
  }

  @Test
  void eachDatabaseIsALaneThatRunsInOrderWithoutWaitingForTheOthers() {
    executor.hold(0);
    assigned(null, List.of(record(0, table("a", 0)), record(1, table("b", 1)), record(2, table("a", 2)),
        record(3, table("b", 3)), record(4, table("a", 4)), record(5, null, table("c", 5))));

    pollUntil("b's events and the record without key", () -> executor.finished(1, 3, 5));
    pollFor(100);
    assertThat(executor.started()).containsExactlyInAnyOrder(0L, 1L, 3L, 5L); // a waits behind its first event

    executor.release(0);
    pollUntil("a's events", () -> executor.finished(0, 2, 4));
    assertThat(executor.startedIn(Lane.database("a"))).containsExactly(0L, 2L, 4L);
    assertThat(executor.startedIn(Lane.database("b"))).containsExactly(1L, 3L);
    assertThat(executor.startedIn(Lane.NO_KEY)).containsExactly(5L);
  }

  @Test
  void aClusterWideEventWaitsForEverythingBeforeItRunsAloneAndHoldsBackEverythingAfter() {
    executor.hold(0, 2);
    assigned(null, List.of(record(0, table("a", 0)), record(1, table("b", 1)),
        record(2, clusterWide("app", 2, "CREATE ROLE", "CREATE ROLE r"))));
    pollUntil("b's event", () -> executor.finished(1));
    arrive(List.of(record(3, table("a", 3)), record(4, table("c", 4))));
    pollFor(200);
    assertThat(executor.started()).containsExactlyInAnyOrder(0L, 1L); // 2 waits for 0; 3 and 4 wait for 2

    executor.release(0);
    pollUntil("the cluster-wide event", () -> executor.started().contains(2L));
    pollFor(200);
    assertThat(executor.othersRunningWhenStarted(2)).isEmpty();
    assertThat(executor.started()).containsExactlyInAnyOrder(0L, 1L, 2L);
    assertThat(executor.laneOf(2)).isEqualTo(Lane.CLUSTER);

    executor.release(2);
    pollUntil("the events after the cluster-wide one", () -> executor.finished(3, 4));
    assertThat(executor.log.indexOf("start 3")).isGreaterThan(executor.log.indexOf("end 2"));
    assertThat(executor.log.indexOf("start 4")).isGreaterThan(executor.log.indexOf("end 2"));
    assertThat(executor.laneOf(3)).isEqualTo(Lane.database("a"));
    pollUntil("the results", () -> results.size() == 5);
    assertThat(results).filteredOn(r -> r.eventId().equals("s:2")).extracting(ApplyResult::database)
        .containsExactly("(cluster)"); // as the results topic has always named the cluster lane
    assertThat(results).filteredOn(r -> r.eventId().equals("s:3")).extracting(ApplyResult::database)
        .containsExactly("a");
  }

  @Test
  void aClusterWideEventThatOnlyAddsRunsAheadOfADatabaseStoppedBeforeIt() {
    executor.fail(0);
    assigned(null, List.of(record(0, table("a", 0)), record(1, table("b", 1)),
        record(2, clusterWide("postgres", 2, "CREATE ROLE", "CREATE ROLE x")),
        record(3, inDatabase("b", 3, "GRANT", "GRANT SELECT ON t1 TO x")), record(4, table("a", 4))));

    pollUntil("b's grant to the new role", () -> executor.finished(1, 2, 3));
    pollUntil("the commit of what b and the cluster lane applied", () -> committed() != null
        && CommitMetadata.parse(committed().metadata()).done(Lane.database("b"), 3));
    pollFor(100);
    assertThat(executor.log.indexOf("start 3")).isGreaterThan(executor.log.indexOf("end 2"));
    assertThat(executor.started()).doesNotContain(4L); // a is stopped at 0
    assertThat(committed().offset()).isZero(); // the failed event holds the commit for a restart to retry
    CommitMetadata metadata = CommitMetadata.parse(committed().metadata());
    assertThat(metadata.behind()).containsOnly(Map.entry(Lane.database("a"), 0L));
    assertThat(metadata.done(Lane.CLUSTER, 2)).isTrue();
    assertThat(metadata.done(Lane.database("a"), 4)).isFalse();
    assertThat(consumer.waits()).isEqualTo(new Waits(List.of(),
        List.of(new Waits.StoppedBehind("a", "s:0", List.of("s:2")))));
  }

  @Test
  void aClusterWideEventThatMayTakeAwayWaitsForADatabaseStoppedBeforeItAndHoldsTheOthers() {
    executor.fail(0);
    executor.hold(1);
    assigned(null, List.of(record(0, table("a", 0)), record(1, table("c", 1)),
        record(2, clusterWide("postgres", 2, "DROP ROLE", "DROP ROLE x")), record(3, table("b", 3)),
        record(4, table("b", 4))));

    pollUntil("a's failure", () -> executor.finished(0));
    pollFor(100);
    assertThat(consumer.waits().barriers()).containsExactly(new Waits.Barrier("s:2", "DROP ROLE", 0, 2L,
        Waits.BarrierState.WAITING, List.of("c"), List.of("a"), List.of("b"), 2));

    executor.release(1);
    pollUntil("c's event", () -> executor.finished(1));
    pollFor(200);
    assertThat(executor.started()).containsExactlyInAnyOrder(0L, 1L);
    assertThat(consumer.waits().barriers()).containsExactly(new Waits.Barrier("s:2", "DROP ROLE", 0, 2L,
        Waits.BarrierState.WAITING, List.of(), List.of("a"), List.of("b"), 2));
    assertThat(consumer.waits().stoppedBehind()).isEmpty();
  }

  @Test
  void aStatementOnADatabaseWaitsOnlyWhenThatDatabaseIsStoppedBeforeIt() {
    executor.fail(0);
    assigned(null, List.of(record(0, table("a", 0)),
        record(1, clusterWide("c", 1, "DROP DATABASE", "DROP DATABASE c")),
        record(2, clusterWide("d", 2, "CREATE DATABASE", "CREATE DATABASE d TEMPLATE template0")),
        record(3, clusterWide("e", 3, "CREATE DATABASE", "CREATE DATABASE e TEMPLATE a")),
        record(4, table("b", 4))));

    pollUntil("the statements on other databases", () -> executor.finished(1, 2));
    pollFor(200);
    assertThat(executor.started()).containsExactlyInAnyOrder(0L, 1L, 2L); // e copies a, which is behind
    assertThat(consumer.waits().barriers()).extracting(Waits.Barrier::eventId, Waits.Barrier::waitsForStopped)
        .containsExactly(tuple("s:3", List.of("a")));
  }

  @Test
  void whatTheCommitMetadataShowsAppliedIsNotRunAgain() {
    // as the current release writes it: the cluster lane's key is "\u0000cluster"
    assigned(new OffsetAndMetadata(1, "{\"applied\":{\"\\u0000cluster\":2,\"a\":3}}"), List.of(
        record(1, table("b", 1)), record(2, clusterWide("app", 2, "CREATE ROLE", "CREATE ROLE r")),
        record(3, table("a", 3)), record(4, table("a", 4)), record(5, table("c", 5))));

    pollUntil("the events not applied before", () -> executor.finished(1, 4, 5));
    pollUntil("the commit past them", () -> committed().offset() == 6);
    assertThat(executor.started()).containsExactlyInAnyOrder(1L, 4L, 5L);
    assertThat(registry.get("ddlcast_applier_events_already_applied").counter().count()).isEqualTo(2);
    assertThat(committed().metadata()).isEmpty();
  }

  @Test
  void whatTheCommitMetadataShowsDoneIsNotRunAgain() {
    assigned(new OffsetAndMetadata(1, "{\"through\":4,\"behind\":{\"b\":1}}"), List.of(
        record(1, table("b", 1)), record(2, clusterWide("app", 2, "CREATE ROLE", "CREATE ROLE r")),
        record(3, table("a", 3)), record(4, table("a", 4)), record(5, table("c", 5))));

    pollUntil("the events not done before", () -> executor.finished(1, 4, 5));
    pollUntil("the commit past them", () -> committed().offset() == 6);
    assertThat(executor.started()).containsExactlyInAnyOrder(1L, 4L, 5L);
    assertThat(registry.get("ddlcast_applier_events_already_applied").counter().count()).isEqualTo(2);
    assertThat(committed().metadata()).isEmpty();
  }

  @Test
  void theCommitHoldsAtTheOldestEventNotAppliedAndNamesTheLaneBehind() {
    executor.hold(1);
    assigned(null, List.of(record(0, table("a", 0)), record(1, table("b", 1)), record(2, table("a", 2))));

    pollUntil("a's events", () -> executor.finished(0, 2));
    pollUntil("a commit", () -> committed() != null);
    pollFor(300);
    assertThat(committed().offset()).isEqualTo(1);
    assertThat(CommitMetadata.parse(committed().metadata()))
        .isEqualTo(new CommitMetadata(3, Map.of(Lane.database("b"), 1L), Map.of()));

    executor.release(1);
    pollUntil("the commit past b's event", () -> committed().offset() == 3);
    assertThat(committed().metadata()).isEmpty();
  }

  @Test
  void closingLetsTheLanesFinishWhatTheyHaveThenCommitsIt() {
    assigned(null, List.of(record(0, table("a", 0)), record(1, table("b", 1))));
    executor.hold(0, 1);
    consumer.pollOnce(); // hands both to their lanes
    pollUntil("both events started", () -> executor.started().size() == 2);
    assertThat(commits).allSatisfy(c -> assertThat(c.get(TP).offset()).isZero());

    executor.releaseAll();
    consumer.close();
    closed = true;

    assertThat(executor.finished(0, 1)).isTrue();
    assertThat(commits.get(commits.size() - 1)).isEqualTo(Map.of(TP, new OffsetAndMetadata(2, "")));
    assertThat(executor.closed).isTrue();
  }

  @Test
  void noCommitIsPastAnEventNotApplied() {
    executor.hold(2);
    assigned(null, List.of(record(0, table("a", 0)), record(1, table("b", 1)), record(2, table("c", 2)),
        record(3, table("a", 3))));
    pollUntil("the events before and after the one held", () -> executor.finished(0, 1, 3));
    pollFor(300);

    executor.release(2);
    pollUntil("the commit past it", () -> committed().offset() == 4);
    Map<TopicPartition, OffsetAndMetadata> before = commits.get(commits.size() - 2);
    assertThat(before.get(TP).offset()).isEqualTo(2);
    assertThat(CommitMetadata.parse(before.get(TP).metadata()))
        .isEqualTo(new CommitMetadata(4, Map.of(Lane.database("c"), 2L), Map.of()));
    assertThat(commits).allSatisfy(c -> assertThat(c.get(TP).offset()).isIn(0L, 1L, 2L, 4L));
  }

  @Test
  void untilATimeAppliesWhatWasLoggedUpToItReadsOneAheadAndStopsThere() {
    consumer.stopAfter(new UntilStop(new UntilPoint.AtTime(TestEvents.LOG_TIME.plusMillis(2_500)), 1));
    assigned(null, List.of(record(0, table("a", 0)), record(1, table("b", 1)), record(2, table("a", 2)),
        record(3, table("b", 3)), record(4, clusterWide("r", 4, "CREATE ROLE", "CREATE ROLE r")),
        record(5, table("a", 5))));

    pollUntil("the point reached", consumer::untilReached);
    pollFor(100);

    assertThat(executor.started()).containsExactlyInAnyOrder(0L, 1L, 2L);
    assertThat(committed().offset()).isEqualTo(3);
    assertThat(consumer.untilState()).isEqualTo(new UntilState(
        TestEvents.LOG_TIME.plusMillis(2_500).toString(), true, "s:2"));
    assertThat(consumer.untilStops()).isEqualTo("partition 0 after s:2 (offset 2), before s:3 (logged "
        + TestEvents.LOG_TIME.plusSeconds(3) + ", not applied)");
  }

  @Test
  void theRecordBeforeTheFirstOnePastThePointMayBeACommitMarker() {
    consumer.stopAfter(new UntilStop(new UntilPoint.AtTime(TestEvents.LOG_TIME.plusMillis(1_500)), 1));
    assigned(null, List.of(record(0, table("a", 0)), record(1, table("b", 1)), record(3, table("a", 3))));

    pollUntil("the point reached", consumer::untilReached); // offset 2 is no record
    assertThat(executor.started()).containsExactlyInAnyOrder(0L, 1L);
    assertThat(committed().offset()).isEqualTo(2);
  }

  @Test
  void untilAnEventStopsRightAfterItWithoutReadingAhead() {
    consumer.stopAfter(new UntilStop(new UntilPoint.AfterEvent("s:1"), 1));
    assigned(null, List.of(record(0, table("a", 0)), record(1, table("b", 1))));

    pollUntil("the point reached", consumer::untilReached);
    arrive(List.of(record(2, table("a", 2))));
    pollFor(100);

    assertThat(executor.started()).containsExactlyInAnyOrder(0L, 1L);
    assertThat(committed().offset()).isEqualTo(2);
  }

  @Test
  void aTopicThatEndsBeforeThePointIsAppliedAndTheApplierWaits() {
    consumer.stopAfter(new UntilStop(new UntilPoint.AtTime(TestEvents.LOG_TIME.plusSeconds(60)), 1));
    assigned(null, List.of(record(0, table("a", 0)), record(1, table("b", 1))));

    pollUntil("both applied", () -> executor.finished(0, 1));
    pollFor(300);
    assertThat(consumer.untilReached()).isFalse();
    assertThat(consumer.untilState().reached()).isFalse();

    arrive(List.of(record(2, table("a", 70))));
    pollUntil("the point reached", consumer::untilReached);
    assertThat(executor.started()).containsExactlyInAnyOrder(0L, 1L);
  }

  @Test
  void aStandbyBehindShowsHowFarItHasCome() {
    executor.hold(0);
    kafka.updateEndOffsets(Map.of(TP, 4L)); // offset 3: the transaction's commit marker, never read
    assigned(null, List.of(record(0, table("a", 0)), record(1, table("a", 1)), record(2, table("a", 2))));
    pollUntil("a progress figure", () -> consumer.progress() != null && consumer.progress().toApply() == 4);
    assertThat(consumer.progress().applied()).isZero();

    executor.release(0);
    pollUntil("caught up", () -> executor.finished(0, 1, 2));
    kafka.seek(TP, 4L); // as Kafka's consumer does: its position passes the marker, which it never returns
    pollUntil("no progress once caught up", () -> consumer.progress() == null);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs nothing: records each event it is given (lane, order, what else was running), holds some back. */
  static final class FakeExecutor implements EventExecutor {
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final Map<Long, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Set<Long> running = ConcurrentHashMap.newKeySet();
    private final Map<Long, Set<Long>> runningAtStart = new ConcurrentHashMap<>();
    private final Map<Long, Lane> lanes = new ConcurrentHashMap<>();
    private final List<Long> started = Collections.synchronizedList(new ArrayList<>());
    private final Set<Long> failing = ConcurrentHashMap.newKeySet();
    volatile boolean closed;

    void hold(long... offsets) {
      for (long offset : offsets) {
        gates.put(offset, new CountDownLatch(1));
      }
    }

    void release(long offset) {
      gates.get(offset).countDown();
    }

    void releaseAll() {
      gates.values().forEach(CountDownLatch::countDown);
    }

    /** The events at these offsets fail permanently (a relation that already exists on the standby). */
    void fail(long... offsets) {
      for (long offset : offsets) {
        failing.add(offset);
      }
    }

    @Override
    public StatementExecutor.Result execute(Work work) throws SQLException {
      long offset = work.offset();
      runningAtStart.put(offset, Set.copyOf(running));
      running.add(offset);
      lanes.put(offset, work.lane());
      started.add(offset);
      log.add("start " + offset);
      try {
        CountDownLatch gate = gates.get(offset);
        if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released offset " + offset);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        running.remove(offset);
        log.add("end " + offset);
      }
      if (failing.contains(offset)) {
        throw new SQLException("relation \"t" + offset + "\" already exists", "42P07");
      }
      return StatementExecutor.Result.APPLIED;
    }

    List<Long> started() {
      synchronized (started) {
        return List.copyOf(started);
      }
    }

    List<Long> startedIn(Lane lane) {
      return started().stream().filter(o -> lane.equals(lanes.get(o))).toList();
    }

    Lane laneOf(long offset) {
      return lanes.get(offset);
    }

    Set<Long> othersRunningWhenStarted(long offset) {
      return runningAtStart.get(offset);
    }

    boolean finished(long... offsets) {
      for (long offset : offsets) {
        if (!log.contains("end " + offset)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
