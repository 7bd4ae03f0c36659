package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.FreePorts;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ddlcast verify} on one pipeline (primary, two standbys, producer, two appliers) after a workload in two
 * databases: each standby verifies equal (exit 0); a standby whose applier is stopped while DDL is published is
 * reported behind, not different (exit 1, nothing compared), equal as of the event before it (the database with the
 * later event named as not compared), and equal once its applier is back (verify waits for it); then what ddlcast
 * cannot see or what someone changed by hand on standby1 (an extra column, a missing index, a changed function body,
 * a changed owner, a missing grant; a role created in a DO block on the primary) is each named with its kind and
 * identity (exit 1), while standby2, untouched, shows only the role; the JSON report names them too, and
 * {@code --databases} leaves the other database out; an unreachable standby is exit 3, at once. The drift alarm's
 * assertions of the same changes go into {@link #driftAlarmFiresForEachAffectedDatabase}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerifyIT {
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private static final String[] SHOP = {
      "CREATE SCHEMA app AUTHORIZATION verify_alice",
      "CREATE TABLE app.customers (id integer PRIMARY KEY, name text NOT NULL)",
      "CREATE TABLE app.orders (id integer PRIMARY KEY, customer integer REFERENCES app.customers (id), "
          + "placed timestamptz DEFAULT now())",
      "CREATE INDEX orders_placed_idx ON app.orders (placed)",
      "CREATE FUNCTION app.total(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 2'",
      "CREATE VIEW app.recent AS SELECT id, placed FROM app.orders WHERE placed > '2024-01-01'",
      "GRANT SELECT ON app.orders TO verify_bob",
      "COMMENT ON TABLE app.orders IS 'what was bought'",
  };

  private static final String[] CRM = {
      "CREATE TABLE contacts (id integer PRIMARY KEY, email text UNIQUE)",
      "CREATE SEQUENCE contact_ids",
      "GRANT SELECT, INSERT ON contacts TO verify_bob",
      "CREATE FUNCTION greet(text) RETURNS text LANGUAGE plpgsql AS $$BEGIN RETURN 'hi ' || $1; END$$",
  };

  private Pipeline pipeline;
  private PostgresServer primary;
  private PostgresServer standby1;
  private PostgresServer standby2;
  private JavaProcess applier2;
  private final int metrics1 = FreePorts.pick();
  private final int metrics2 = FreePorts.pick();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void start() {
    pipeline = new Pipeline("VerifyIT", "standby1", "standby2");
    primary = pipeline.primary;
    standby1 = pipeline.standby("standby1");
    standby2 = pipeline.standby("standby2");
    pipeline.installHelper();
    pipeline.startProducer("--fingerprint-interval", "2s");
    pipeline.startApplier("standby1", "--metrics-port", Integer.toString(metrics1));
    applier2 = pipeline.startApplier("standby2", "--metrics-port", Integer.toString(metrics2));
    primary.execute("postgres", "CREATE ROLE verify_alice", "CREATE ROLE verify_bob", "CREATE DATABASE v_shop",
        "CREATE DATABASE v_crm OWNER verify_alice");
    primary.execute("v_shop", SHOP);
    primary.execute("v_crm", CRM);
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby1, standby2);
  }

  @AfterAll
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  @Order(1)
  void eachConvergedStandbyVerifiesEqual() {
    CompletableFuture<Pipeline.CommandRun> second = CompletableFuture.supplyAsync(() -> verify("standby2"));
    for (Pipeline.CommandRun run : List.of(verify("standby1"), second.join())) {
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(run.output()).containsPattern("equal: standby standby[12] has the primary's schema \\(globals, "
          + "database postgres, database v_crm, database v_shop\\)");
    }
  }

  @Test
  @Order(2)
  void aStandbyBehindIsReportedBehindNotDifferent() {
    applier2.sigterm();
    applier2.waitFor(Duration.ofSeconds(60)); // the JVM reports 143 for SIGTERM
    primary.execute("v_crm", "CREATE TABLE while_down (id integer)");
    Await.until("CREATE TABLE while_down on the topic", CONVERGE,
        () -> pipeline.topicEvents().stream().anyMatch(e -> e.statement().contains("while_down")));

    List<DdlEvent> events = pipeline.topicEvents();
    String before = events.get(events.size() - 2).id(); // the event before CREATE TABLE while_down
    CompletableFuture<Pipeline.CommandRun> asOf = CompletableFuture.supplyAsync(
        () -> verify("standby2", "--event", before));
    Pipeline.CommandRun behind = verify("standby2", "--timeout", "2s");
    assertThat(behind.exitCode()).as(behind.output()).isEqualTo(1);
    assertThat(behind.output()).contains("standby standby2 is behind after 2 s: 1 published event(s) not applied "
        + "(database v_crm 1); not compared").doesNotContain("missing", "extra", "changed");
    assertThat(asOf.join().exitCode()).as(asOf.join().output()).isZero();
    assertThat(asOf.join().output()).contains("not compared: database v_crm (1 event(s) published after " + before
        + " not applied yet)", "equal: standby standby2 has the primary's schema (globals, database postgres, "
        + "database v_shop)");

    CompletableFuture<Pipeline.CommandRun> waiting = CompletableFuture.supplyAsync(() -> verify("standby2"));
    applier2 = pipeline.startApplier("standby2", "--metrics-port", Integer.toString(metrics2)); // verify waits
    assertThat(waiting.join().exitCode()).as(waiting.join().output()).isZero();
    assertThat(waiting.join().output()).contains("database v_crm");
  }

  @Test
  @Order(3)
  void whatDiffersOnAStandbyIsNamedObjectByObject() throws Exception {
    standby1.execute("v_shop",
        "ALTER TABLE app.orders ADD COLUMN note text",
        "DROP INDEX app.orders_placed_idx",
        "CREATE OR REPLACE FUNCTION app.total(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 3'",
        "ALTER TABLE app.customers OWNER TO verify_bob");
    standby1.execute("v_crm", "REVOKE INSERT ON contacts FROM verify_bob");
    primary.execute("postgres", "DO $$ BEGIN CREATE ROLE r_do; END $$");

    CompletableFuture<Pipeline.CommandRun> untouched = CompletableFuture.supplyAsync(() -> verify("standby2"));
    Pipeline.CommandRun run = verify("standby1");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains(
        "cluster: missing   role r_do",
        "v_shop: extra     column app.orders.note",
        "v_shop: missing   index app.orders_placed_idx",
        "v_shop: changed   function app.total(integer): definition differs",
        "SELECT $1 * 2", "SELECT $1 * 3",
        "v_shop: changed   table app.customers: owner differs",
        "expected owner: postgres", "actual   owner: verify_bob",
        "v_crm: changed   table public.contacts: privileges differs");
    assertThat(differenceLines(run.output())).hasSize(6);

    assertThat(untouched.join().exitCode()).as(untouched.join().output()).isEqualTo(1);
    assertThat(differenceLines(untouched.join().output())).containsExactly("cluster: missing   role r_do");

    driftAlarmFiresForEachAffectedDatabase();
  }

  @Test
  @Order(4)
  void theJsonReportNamesEachDifferenceOfTheDatabasesGiven() throws Exception {
    Pipeline.CommandRun run = verify("standby1", "--json", "--databases", "v_shop,v_crm");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    JsonNode report = new ObjectMapper().readTree(run.output().substring(run.output().indexOf('{')));
    assertThat(report.get("equal").asBoolean()).isFalse();
    List<String> compared = new ArrayList<>();
    report.get("databases").fieldNames().forEachRemaining(compared::add);
    assertThat(compared).containsExactly("v_crm", "v_shop"); // postgres left out by --databases
    assertThat(report.at("/globals/missing/0/identity").asText()).isEqualTo("r_do");
    assertThat(report.at("/globals/missing").size()).isEqualTo(1);
    JsonNode shop = report.at("/databases/v_shop");
    assertThat(shop.get("equal").asBoolean()).isFalse();
    assertThat(shop.at("/extra/0/kind").asText()).isEqualTo("column");
    assertThat(shop.at("/extra/0/identity").asText()).isEqualTo("app.orders.note");
    assertThat(shop.at("/missing/0/identity").asText()).isEqualTo("app.orders_placed_idx");
    List<String> changed = new ArrayList<>();
    shop.get("changed").forEach(c -> changed.add(c.get("kind").asText() + " " + c.get("identity").asText() + " "
        + c.get("fields")));
    assertThat(changed).containsExactlyInAnyOrder("function app.total(integer) [\"definition\"]",
        "table app.customers [\"owner\"]");
    assertThat(report.at("/databases/v_crm/changed/0/expected/privileges").asText()).contains("verify_bob=ar/");
    assertThat(report.at("/databases/v_crm/changed/0/actual/privileges").asText()).contains("verify_bob=r/");
  }

  @Test
  @Order(5)
  void anUnreachableStandbyIsExitThree() {
    Pipeline.CommandRun run = pipeline.applierCommand("verify", "--standby-name", "standby1",
        "--primary-url", primary.jdbcUrl("postgres"),
        "--standby-url", "jdbc:postgresql://127.0.0.1:1/postgres?user=postgres");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(3);
    assertThat(run.output()).contains("cannot reach the standby at 127.0.0.1:1");
  }

  /**
   * The drift alarm's assertions for the changes {@link #whatDiffersOnAStandbyIsNamedObjectByObject} made: at the
   * next fingerprint, standby1's applier reports drift for v_shop, v_crm and the cluster (log line, status, metric
   * {@code ddlcast_applier_drift}), standby2's for the cluster only. They come with the drift alarm (issue 15 item 2).
   */
  private void driftAlarmFiresForEachAffectedDatabase() {
    Await.until("standby1's drift in v_shop, v_crm and postgres (the role)", CONVERGE, () -> {
      String out = pipeline.applierOutput("standby1");
      return out.contains("DRIFT: database v_shop") && out.contains("DRIFT: database v_crm")
          && out.contains("DRIFT: database postgres");
    });
    String out = pipeline.applierOutput("standby1");
    assertThat(out).contains("extra column app.orders.note", "missing index app.orders_placed_idx",
        "changed function app.total(integer)", "changed table app.customers", "changed table public.contacts",
        "missing role r_do");
    Await.until("standby2's drift in postgres (the role)", CONVERGE,
        () -> pipeline.applierOutput("standby2").contains("DRIFT: database postgres"));
    assertThat(pipeline.applierOutput("standby2")).doesNotContain("DRIFT: database v_shop", "DRIFT: database v_crm");
    Await.until("the drift gauges", CONVERGE, () -> {
      String one = metrics(metrics1);
      String two = metrics(metrics2);
      return one.contains("ddlcast_applier_drift{database=\"v_shop\",standby=\"standby1\"} 4.0")
          && one.contains("ddlcast_applier_drift{database=\"v_crm\",standby=\"standby1\"} 1.0")
          && one.contains("ddlcast_applier_drift{database=\"postgres\",standby=\"standby1\"} 1.0")
          && two.contains("ddlcast_applier_drift{database=\"v_shop\",standby=\"standby2\"} 0.0")
          && two.contains("ddlcast_applier_drift{database=\"postgres\",standby=\"standby2\"} 1.0");
    });
    assertThat(pipeline.applierCommand("status").output()).contains("DRIFT in database v_shop",
        "DRIFT in database v_crm", "DRIFT in database postgres");
  }

  private String metrics(int port) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private Pipeline.CommandRun verify(String standby, String... extra) {
    List<String> args = new ArrayList<>(List.of("--standby-name", standby, "--primary-url",
        primary.jdbcUrl("postgres"), "--standby-url", pipeline.standby(standby).jdbcUrl("postgres")));
    args.addAll(List.of(extra));
    return pipeline.applierCommand("verify", args.toArray(String[]::new));
  }

  /** The lines that name a difference: "DB: missing ...", "cluster: extra ...", not the detail lines under them. */
  private static List<String> differenceLines(String output) {
    return output.lines().filter(l -> l.matches("^\\S+: (missing|extra|changed) .*")).toList();
  }
}
