package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Cluster-wide statements are barriers, and a database stopped on an error must not stop a standby's other
 * databases through them: a statement that only adds (CREATE ROLE) runs ahead of the stopped database, so another
 * database's GRANT to the new role applies; one that could change what the stopped database's remaining events do
 * (DROP ROLE of a role they give a table to) waits for it, and {@code status} says who waits on whom. Also the
 * statement splitter on a rule with several actions. One pipeline for all cases, each in its own database.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BarrierIT {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String RULE = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (new.a); "
      + "INSERT INTO log VALUES (-new.a))";

  private static Pipeline pipeline;
  private static PostgresServer primary;
  private static PostgresServer standby;
  private static JavaProcess applier;

  @BeforeAll
  static void start() {
    pipeline = new Pipeline("BarrierIT", "standby1");
    primary = pipeline.primary;
    standby = pipeline.standby("standby1");
    pipeline.startProducer();
    applier = pipeline.startApplier("standby1");
  }

  @AfterAll
  static void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  @Order(1)
  void aRuleWithSeveralActionsShipsWholeOverJdbcAndInAMultiStatementString() {
    primary.execute("postgres", "CREATE DATABASE rules");
    primary.execute("rules", "CREATE TABLE t (a int)", "CREATE TABLE log (v int)", RULE);
    String second = RULE.replace("RULE r AS ON INSERT TO t", "RULE r2 AS ON INSERT TO u");
    assertThat(primary.psql("rules", "CREATE TABLE u (a int); " + second + "; CREATE TABLE after_rules (a int)")
        .exitCode()).isZero();

    Await.until("the rules on standby1", CONVERGE,
        () -> standby.schemaDump("rules").equals(primary.schemaDump("rules")));
    standby.execute("rules", "INSERT INTO t VALUES (5)");
    assertThat(standby.query("rules", "SELECT v FROM log ORDER BY v")).containsExactly("-5", "5");
    assertThat(pipeline.topicEvents()).filteredOn(e -> e.command().equals("CREATE RULE"))
        .extracting(DdlEvent::statement).containsExactly(RULE, second);
  }

  @Test
  @Order(2)
  void aStoppedDatabaseHoldsOnlyTheClusterWideEventsThatCouldChangeWhatItHasLeftToApply() {
    primary.execute("postgres", "CREATE DATABASE alpha", "CREATE DATABASE beta", "CREATE ROLE y");
    primary.execute("beta", "CREATE TABLE bt (x int)");
    awaitSame("alpha", "beta");

    // Drift on standby1: alpha's next event fails there and stops alpha.
    standby.execute("alpha", "CREATE TABLE clash (x int)");
    primary.execute("alpha", "CREATE TABLE clash (x int)", "CREATE TABLE ty (x int)", "ALTER TABLE ty OWNER TO y");
    applier.awaitOutput("STOPPED database alpha on standby standby1", CONVERGE);
    String failed = eventId("CREATE TABLE clash");

    // CREATE ROLE only adds: it runs ahead of alpha, and beta's GRANT to the new role applies.
    primary.execute("postgres", "CREATE ROLE x");
    primary.execute("beta", "GRANT SELECT ON bt TO x");
    Await.until("beta's grant to x on standby1 while alpha is stopped", CONVERGE,
        () -> standby.schemaDump("beta").equals(primary.schemaDump("beta")));
    assertThat(standby.query("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'x'")).containsExactly("1");
    String createRole = eventId("CREATE ROLE x");
    JsonNode row = awaitStandby(r -> r.path("waits").path("stoppedBehind").size() == 1);
    JsonNode behind = row.path("waits").path("stoppedBehind").get(0);
    assertThat(behind.path("database").asText()).isEqualTo("alpha");
    assertThat(behind.path("stoppedAt").asText()).isEqualTo(failed);
    assertThat(texts(behind.path("ranAhead"))).containsExactly(createRole);
    assertThat(row.path("state").asText()).isEqualTo("stopped");
    assertThat(pipeline.applierCommand("status").output()).contains("alpha stopped at " + failed
        + " behind 1 cluster-wide event(s) that ran ahead of it: " + createRole);

    // DROP ROLE y must not run before alpha gave ty to y and dropped it: it waits for alpha, and holds beta.
    primary.execute("alpha", "DROP TABLE ty");
    primary.execute("postgres", "DROP ROLE y");
    primary.execute("beta", "CREATE TABLE after_drop (x int)");
    String dropRole = eventId("DROP ROLE y");
    // the events it holds are those fetched before the barrier paused its partition: beta's, when it came in the same
    // fetch (here it is published 30 ms later, so it may not have been fetched: then it waits in the topic)
    row = awaitStandby(r -> r.path("waits").path("barriers").size() == 1);
    JsonNode barrier = row.path("waits").path("barriers").get(0);
    assertThat(barrier.path("eventId").asText()).isEqualTo(dropRole);
    assertThat(barrier.path("state").asText()).isEqualTo("WAITING");
    assertThat(texts(barrier.path("waitsForStopped"))).containsExactly("alpha");
    assertThat(texts(barrier.path("heldDatabases"))).isSubsetOf("beta");
    assertThat(pipeline.applierCommand("status").output()).contains("barrier " + dropRole + " (DROP ROLE, partition 0"
        + " offset " + barrier.path("offset").asLong() + ") waits for stopped alpha");
    assertThat(applier.output()).contains("the cluster-wide event " + dropRole + " (DROP ROLE)")
        .contains("waits for database alpha, stopped on an error before it");
    assertThat(standby.query("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'y'")).containsExactly("1");
    assertThat(standby.query("beta", "SELECT count(*) FROM pg_class WHERE relname = 'after_drop'"))
        .containsExactly("0");

    // The operator removes the drift and retries alpha: alpha catches up, then DROP ROLE y runs, then beta.
    standby.execute("alpha", "DROP TABLE clash");
    assertThat(pipeline.applierCommand("retry", "--standby", "standby1", "--database", "alpha").exitCode()).isZero();
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby);
    row = awaitStandby(r -> r.path("state").asText().equals("streaming")
        && r.path("waits").path("barriers").isEmpty() && r.path("waits").path("stoppedBehind").isEmpty());
    assertThat(row.path("stopped")).isEmpty();
    assertThat(pipeline.appliedIds("standby1")).doesNotHaveDuplicates().hasSize(pipeline.topicEvents().size());
    assertThat(String.join("\n", standby.serverLogErrors())).contains("relation \"clash\" already exists")
        .doesNotContain("role \"y\" cannot be dropped").doesNotContain("role \"y\" does not exist");
  }

  /** Waits until these databases and the globals are the same on standby1 as on the primary (not the others). */
  private static void awaitSame(String... databases) {
    Await.until("databases " + String.join(", ", databases) + " and the globals on standby1", CONVERGE, () -> {
      for (String database : databases) {
        if (!standby.schemaDump(database).equals(primary.schemaDump(database))) {
          return false;
        }
      }
      return standby.globalsDump().equals(primary.globalsDump());
    });
  }

  /** The id of the event whose statement starts so, once the producer published it. */
  private static String eventId(String statementStart) {
    return Await.untilValue("the event " + statementStart + " on the topic", CONVERGE, () -> pipeline.topicEvents()
        .stream().filter(e -> e.statement().startsWith(statementStart)).map(DdlEvent::id).findFirst().orElse(null));
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static JsonNode awaitStandby(Predicate<JsonNode> condition) {
    return Await.untilValue("status of standby1", CONVERGE, () -> {
      Pipeline.CommandRun run = pipeline.applierCommand("status", "--json");
      String out = run.output();
      if (run.exitCode() != 0 || out.indexOf('{') < 0) {
        return null;
      }
      try {
        for (JsonNode row : EventCodec.mapper().readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1))
            .path("standbys")) {
          if (row.path("standby").asText().equals("standby1")) {
            return condition.test(row) ? row : null;
          }
        }
      } catch (IOException e) {
        return null;
      }
      return null;
    });
  }
}
