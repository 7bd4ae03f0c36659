package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code applier run --until} gives a standby the primary's schema as of a point of the stream, and a standby that
 * replays a backlog says how far it has come. One pipeline: a workload in two databases in three phases, the
 * primary dumped ({@code pg_dump --schema-only} of every database and the globals) at the end of the first two
 * while no DDL runs; then, on fresh standbys, a run {@code --until} the first phase's last event and one
 * {@code --until} a time between the second and third phases each exit 0, say where they stopped, and have
 * exactly the saved dump's schema (status shows them {@code stopped at --until}). The first one, run again
 * {@code --until} an earlier event, refuses (exit 3: it already applied past it); the second, run again {@code
 * --until} a time not reached yet, catches up the rest (a backlog of 300 events more) from where it stopped, logs
 * its progress (events applied of events to apply, rate, time left), converges and waits, saying it has not
 * reached the point. (A bad {@code --until} is exit 2 before any I/O: {@code UntilPointTest}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PointInTimeIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int BACKLOG = 300;
  private static final Pattern PROGRESS =
      Pattern.compile("standby by_time: 0 of (\\d+) events applied \\(0%\\), [0-9.]+ events/s, time left unknown");

  private Pipeline pipeline;
  private PostgresServer primary;
  private DdlEvent firstOfPhase1;
  private DdlEvent lastOfPhase1;
  private SchemaSnapshot atPhase1;
  private SchemaSnapshot atPhase2;
  private Instant betweenPhase2And3;
  private JavaProcess byEvent;
  private JavaProcess byTime;

  @BeforeAll
  void start() {
    pipeline = new Pipeline("PointInTimeIT", "by_event", "by_time");
    primary = pipeline.primary;
    pipeline.startProducer();

    primary.execute("postgres", "CREATE DATABASE alpha", "CREATE DATABASE beta", "CREATE ROLE pit_app");
    primary.execute("alpha", "CREATE TABLE items (id int PRIMARY KEY, name text)",
        "CREATE VIEW item_names AS SELECT name FROM items", "GRANT SELECT ON items TO pit_app");
    primary.execute("beta", "CREATE SCHEMA sales", "CREATE TABLE sales.orders (id int, total numeric)",
        "CREATE INDEX orders_total ON sales.orders (total)");
    lastOfPhase1 = awaitEvent("CREATE INDEX orders_total");
    firstOfPhase1 = awaitEvent("CREATE DATABASE alpha");
    atPhase1 = SchemaSnapshot.of(primary);

    primary.execute("alpha", "ALTER TABLE items ADD COLUMN price numeric", "DROP VIEW item_names");
    primary.execute("beta", "COMMENT ON TABLE sales.orders IS 'phase 2'",
        "CREATE FUNCTION sales.one() RETURNS int LANGUAGE sql AS 'SELECT 1'");
    DdlEvent lastOfPhase2 = awaitEvent("CREATE FUNCTION sales.one()");
    atPhase2 = SchemaSnapshot.of(primary);

    primary.execute("alpha", "DROP TABLE items", "CREATE TABLE later (x int)");
    primary.execute("beta", "DROP SCHEMA sales CASCADE");
    primary.execute("postgres", "CREATE ROLE pit_late");
    DdlEvent firstOfPhase3 = awaitEvent("DROP TABLE items");
    assertThat(firstOfPhase3.logTime()).isAfter(lastOfPhase2.logTime());
    betweenPhase2And3 = lastOfPhase2.logTime()
        .plus(Duration.between(lastOfPhase2.logTime(), firstOfPhase3.logTime()).dividedBy(2));

    primary.psql("alpha", IntStream.range(0, BACKLOG).mapToObj(i -> "CREATE TABLE bulk_" + i + " (id int);")
        .collect(Collectors.joining("\n")));
    awaitEvent("CREATE TABLE bulk_" + (BACKLOG - 1) + " ");
    awaitEvent("CREATE ROLE pit_late");

    byEvent = pipeline.startApplier("by_event", "--until", lastOfPhase1.id());
    byTime = pipeline.startApplier("by_time", "--until", betweenPhase2And3.toString());
  }

  @AfterAll
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  /** The first event on the topic whose statement holds {@code fragment}, once the producer published it. */
  private DdlEvent awaitEvent(String fragment) {
    return Await.untilValue("an event holding '" + fragment + "' on the topic", WAIT, () -> pipeline.topicEvents()
        .stream().filter(e -> e.statement().contains(fragment)).findFirst().orElse(null));
  }

  @Test
  @Order(1)
  void untilAnEventTheStandbyHasThePrimarysSchemaAsOfThatEventAndSaysItStoppedThere() {
    assertThat(byEvent.waitFor(WAIT)).as(byEvent.output()).isZero();
    assertThat(byEvent.output()).contains("standby by_event stopped at event " + lastOfPhase1.id()
        + " as --until asked");
    assertThat(atPhase1.diff(SchemaSnapshot.of(pipeline.standby("by_event")))).isEmpty();
    assertThat(pipeline.standby("by_event").databases()).contains("alpha", "beta");
  }

  @Test
  @Order(2)
  void untilATimeTheStandbyHasThePrimarysSchemaAsOfThatMoment() {
    assertThat(byTime.waitFor(WAIT)).as(byTime.output()).isZero();
    assertThat(byTime.output()).contains("standby by_time stopped at " + betweenPhase2And3 + " as --until asked")
        .contains("before "); // names the first event past the point, not applied
    assertThat(atPhase2.diff(SchemaSnapshot.of(pipeline.standby("by_time")))).isEmpty();
    assertThat(atPhase2).isNotEqualTo(atPhase1);
  }

  @Test
  @Order(3)
  void statusShowsTheStandbysStoppedAtTheirPoint() {
    Pipeline.CommandRun status = pipeline.applierCommand("status");
    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(status.output()).contains("stopped at --until event " + lastOfPhase1.id())
        .contains("stopped at --until " + betweenPhase2And3);
  }

  @Test
  @Order(4)
  void aStandbyPastThePointRefusesAndOneStoppedThereCatchesUpABacklogShowingItsProgress() {
    JavaProcess back = pipeline.startApplier("by_event", "--until", firstOfPhase1.id());
    JavaProcess backlog = pipeline.startApplier("by_time", "--until",
        Instant.now().plus(Duration.ofHours(1)).toString());

    assertThat(back.waitFor(WAIT)).as(back.output()).isEqualTo(3);
    assertThat(back.output()).contains("standby by_event already applied past --until event " + firstOfPhase1.id())
        .contains("DDL is not undone");
    assertThat(atPhase1.diff(SchemaSnapshot.of(pipeline.standby("by_event")))).isEmpty();

    backlog.awaitOutput("has not reached --until", WAIT);
    SchemaSnapshot.awaitConverged(WAIT, primary, pipeline.standby("by_time"));
    String log = backlog.output(); // this run's lines only
    Matcher first = PROGRESS.matcher(log);
    assertThat(first.find()).as(log).isTrue();
    assertThat(Long.parseLong(first.group(1))).isGreaterThan(BACKLOG);
    assertThat(log).containsPattern("standby by_time: caught up: \\d+ events applied in ");
    Pipeline.CommandRun status = pipeline.applierCommand("status");
    assertThat(status.output()).contains("not reached yet");
    assertThat(backlog.isAlive()).isTrue();
  }
}
