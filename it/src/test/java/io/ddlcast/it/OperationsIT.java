package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.kafka.TopicReader;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's side on real servers: a conflicting object on a standby stops that database's stream there (other
 * databases and standbys go on), {@code status --json} shows it, and {@code retry} after a manual fix or
 * {@code skip} lets it go on without restarting the applier; {@code wait} returns 0 when the standbys caught up and 1,
 * naming them, when one is down.
 */
class OperationsIT {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private Pipeline pipeline;

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void aConflictStopsOneDatabaseShowsInStatusAndRecoversByRetryThenBySkip() throws Exception {
    pipeline = new Pipeline("OperationsIT-conflicts", "standby1", "standby2");
    PostgresServer primary = pipeline.primary;
    PostgresServer standby1 = pipeline.standby("standby1");
    PostgresServer standby2 = pipeline.standby("standby2");
    pipeline.startProducer();
    JavaProcess applier1 = pipeline.startApplier("standby1");
    pipeline.startApplier("standby2");
    primary.execute("postgres", "CREATE DATABASE app", "CREATE DATABASE other");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby1, standby2);

    // someone created the table on standby1 by hand: the primary's CREATE TABLE fails there (42P07)
    standby1.execute("app", "CREATE TABLE clash (id int)");
    primary.execute("app", "CREATE TABLE clash (x text)", "CREATE TABLE after_clash (a int)");
    primary.execute("other", "CREATE TABLE goes_on (a int)");
    applier1.awaitOutput("STOPPED database app on standby standby1", CONVERGE);
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby2);
    Await.until("database other to go on on standby1", CONVERGE,
        () -> standby1.schemaDump("other").equals(primary.schemaDump("other")));

    JsonNode s1 = awaitStandby("standby1", row -> row.path("state").asText().equals("stopped"));
    JsonNode stop = s1.path("stopped").get(0);
    assertThat(stop.path("database").asText()).isEqualTo("app");
    assertThat(stop.path("sqlState").asText()).isEqualTo("42P07");
    assertThat(stop.path("message").asText()).contains("clash");
    assertThat(s1.path("lagEvents").asLong()).isEqualTo(2); // the failed CREATE TABLE and the one after it
    assertThat(s1.path("lagSeconds").asDouble()).isPositive();
    String failedEvent = stop.path("eventId").asText();
    JsonNode whole = status();
    assertThat(standbyRow(whole, "standby2").path("state").asText()).isEqualTo("streaming");
    JsonNode producer = whole.path("producers").get(0);
    List<DdlEvent> published = pipeline.topicEvents();
    assertThat(producer.path("state").asText()).isEqualTo("running");
    assertThat(producer.path("published").asLong()).isEqualTo(published.size());
    assertThat(published).extracting(DdlEvent::id).contains(producer.path("lastEventId").asText());
    assertThat(producer.path("behindBytes").asLong()).isNotNegative();
    assertThat(producer.path("unsigned").asBoolean()).as("no --signing-key").isTrue();
    Pipeline.CommandRun table = pipeline.applierCommand("status");
    assertThat(table.exitCode()).isZero();
    assertThat(table.output()).containsPattern("standby1\\s+stopped\\s+2 ").contains("app at " + failedEvent);
    assertThat(table.output()).contains("  UNSIGNED: publishes events without a signature (no --signing-key)");

    Pipeline.CommandRun waitFails = pipeline.applierCommand("wait", "--standbys", "standby1,standby2",
        "--timeout", "2s");
    assertThat(waitFails.exitCode()).isEqualTo(1);
    assertThat(waitFails.output()).contains("standby1 (stopped): 2 event(s) behind").doesNotContain("standby2 (");

    // the DBA fixes standby1 and retries: the running applier runs the failed event again
    standby1.execute("app", "DROP TABLE clash");
    assertThat(pipeline.applierCommand("retry", "--standby", "standby1", "--database", "app").exitCode()).isZero();
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby1, standby2);
    assertThat(applier1.isAlive()).isTrue();
    awaitStandby("standby1", row -> row.path("state").asText().equals("streaming")
        && row.path("lagEvents").asLong() == 0 && row.path("stopped").isEmpty());
    assertThat(pipeline.applierCommand("wait", "--standbys", "standby1,standby2", "--now", "--timeout", "30s")
        .exitCode()).isZero();

    // a second conflict, resolved by skipping the event on standby1
    standby1.execute("app", "CREATE TABLE clash2 (id int)");
    primary.execute("app", "CREATE TABLE clash2 (y int)", "CREATE TABLE after_skip (a int)");
    JsonNode stopped = awaitStandby("standby1", row -> row.path("state").asText().equals("stopped"));
    String skipped = stopped.path("stopped").get(0).path("eventId").asText();
    assertThat(pipeline.applierCommand("skip", "--standby", "standby1", "--event", skipped).exitCode()).isZero();
    Await.until("after_skip on standby1", CONVERGE,
        () -> standby1.query("app", "SELECT count(*) FROM pg_class WHERE relname = 'after_skip'").equals(List.of("1")));
    assertThat(standby1.query("app", "SELECT attname FROM pg_attribute WHERE attrelid = 'clash2'::regclass "
        + "AND attnum > 0")).containsExactly("id"); // skipped: standby1 keeps its own clash2
    JsonNode after = awaitStandby("standby1", row -> row.path("state").asText().equals("streaming")
        && row.path("skipped").asLong() == 1);
    assertThat(after.path("lagEvents").asLong()).isZero();
    assertThat(applier1.output()).contains("skipped " + skipped + " (CREATE TABLE) on standby standby1: skipped by "
        + "the operator");
    List<DdlEvent> deadLetters = deadLetters();
    assertThat(deadLetters).extracting(DdlEvent::id).containsExactly(skipped);
    DdlEvent lastEvent = pipeline.topicEvents().stream().filter(e -> e.statement().contains("after_skip"))
        .findFirst().orElseThrow();
    assertThat(pipeline.applierCommand("wait", "--standbys", "standby1,standby2", "--event", lastEvent.id(),
        "--timeout", "30s").exitCode()).isZero();
    assertThat(standby1.serverLogErrors()).as("ERRORs on standby1: the two conflicts only")
        .allMatch(line -> line.contains("already exists"));
  }

  @Test
  void waitNamesTheStandbyThatIsDown() throws Exception {
    pipeline = new Pipeline("OperationsIT-wait", "standby1", "standby2");
    PostgresServer primary = pipeline.primary;
    pipeline.startProducer();
    pipeline.startApplier("standby1");
    pipeline.startApplier("standby2");
    primary.execute("postgres", "CREATE DATABASE w");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, pipeline.standby("standby1"), pipeline.standby("standby2"));
    assertThat(pipeline.applierCommand("wait", "--standbys", "standby1,standby2", "--timeout", "30s").exitCode())
        .isZero();

    pipeline.standby("standby2").stop();
    primary.execute("w", "CREATE TABLE while_down (a int)");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, pipeline.standby("standby1"));
    Pipeline.CommandRun waitFails = pipeline.applierCommand("wait", "--standbys", "standby1,standby2",
        "--timeout", "3s");
    assertThat(waitFails.exitCode()).isEqualTo(1);
    assertThat(waitFails.output()).contains("standby2 (").contains("1 event(s) behind").doesNotContain("standby1 (");
    assertThat(pipeline.applierCommand("wait", "--standbys", "standby1", "--timeout", "10s").exitCode()).isZero();

    pipeline.standby("standby2").start();
    assertThat(pipeline.applierCommand("wait", "--standbys", "standby1,standby2", "--timeout", "60s").exitCode())
        .isZero();
    SchemaSnapshot.awaitConverged(CONVERGE, primary, pipeline.standby("standby1"), pipeline.standby("standby2"));
  }

  @Test
  void onErrorSkipSendsTheFailedEventToTheDeadLettersAndGoesOn() throws Exception {
    pipeline = new Pipeline("OperationsIT-on-error-skip", "standby1");
    PostgresServer primary = pipeline.primary;
    PostgresServer standby1 = pipeline.standby("standby1");
    pipeline.startProducer();
    JavaProcess applier = pipeline.startApplier("standby1", "--on-error", "skip");
    primary.execute("postgres", "CREATE DATABASE lax");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby1);
    standby1.execute("lax", "CREATE TABLE clash (id int)");
    primary.execute("lax", "CREATE TABLE clash (x text)", "CREATE TABLE after_clash (a int)");
    Await.until("after_clash on standby1", CONVERGE, () -> standby1.query("lax",
        "SELECT count(*) FROM pg_class WHERE relname = 'after_clash'").equals(List.of("1")));
    DdlEvent failed = pipeline.topicEvents().stream().filter(e -> e.statement().contains("clash (x text)"))
        .findFirst().orElseThrow();
    assertThat(deadLetters()).extracting(DdlEvent::id).containsExactly(failed.id());
    assertThat(applier.output()).contains("skipped " + failed.id() + " (CREATE TABLE) on standby standby1: skipped "
        + "by --on-error=skip after: SQLSTATE 42P07");
    JsonNode row = awaitStandby("standby1", r -> r.path("skipped").asLong() == 1);
    assertThat(row.path("state").asText()).isEqualTo("streaming");
    assertThat(row.path("stopped")).isEmpty();
  }

  private JsonNode status() throws Exception {
    Pipeline.CommandRun run = pipeline.applierCommand("status", "--json");
    assertThat(run.exitCode()).as(run.output()).isZero();
    String out = run.output();
    return EventCodec.mapper().readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
  }

  private static JsonNode standbyRow(JsonNode status, String name) {
    for (JsonNode row : status.path("standbys")) {
      if (row.path("standby").asText().equals(name)) {
        return row;
      }
    }
    return MissingNode.getInstance();
  }

  private JsonNode awaitStandby(String name, Predicate<JsonNode> condition) {
    return Await.untilValue("status of " + name, CONVERGE, () -> {
      try {
        JsonNode row = standbyRow(status(), name);
        return condition.test(row) ? row : null;
      } catch (Exception e) {
        return null;
      }
    });
  }

  private List<DdlEvent> deadLetters() throws Exception {
    List<DdlEvent> events = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(
        pipeline.kafka.bootstrapServers(), Topics.deadLetterTopic(Topics.DEFAULT_TOPIC))) {
      assertThat(new String(r.headers().lastHeader("ddlcast.result").value())).contains("\"outcome\":\"SKIPPED\"")
          .contains("42P07");
      events.add(EventCodec.decode(r.value()));
    }
    return events;
  }
}
