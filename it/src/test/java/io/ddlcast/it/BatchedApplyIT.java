package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.kafka.TopicReader;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.PsqlResult;
import io.ddlcast.testkit.PsqlRun;
import io.ddlcast.testkit.SchemaSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A backlog is applied in batches: consecutive events of one database that are already queued run in one standby
 * transaction with one marker update. One pipeline: the applier is stopped, a backlog is written on the primary
 * in five databases (three of bulk DDL under changing roles, search paths and settings; one with a statement that
 * fails on the standby in the middle; one with {@code CREATE INDEX CONCURRENTLY} in a run of DDL), the applier
 * starts again and meets it all at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BatchedApplyIT {
  private static final Duration CONVERGE = Duration.ofSeconds(180);
  private static final List<String> BULK = List.of("bk1", "bk2", "bk3");
  /** "committed a batch of N events in database DB (partition P offsets A..B) in M ms". */
  private static final Pattern BATCH = Pattern.compile(
      "committed a batch of (\\d+) events in database (\\S+) \\(partition \\d+ offsets (\\d+)\\.\\.(\\d+)\\)");

  private Pipeline pipeline;
  private PostgresServer primary;
  private PostgresServer standby;
  private JavaProcess applier;
  private long backlogMillis;
  private long bulkPsqlMillis;

  @BeforeAll
  void start() {
    pipeline = new Pipeline("BatchedApplyIT", "standby1");
    primary = pipeline.primary;
    standby = pipeline.standby("standby1");
    pipeline.installHelper();
    pipeline.startProducer();
    applier = pipeline.startApplier("standby1");
    primary.execute("postgres", "CREATE ROLE batch_owner", "CREATE DATABASE bk1", "CREATE DATABASE bk2",
        "CREATE DATABASE bk3", "CREATE DATABASE bfail", "CREATE DATABASE bnontx");
    for (String db : BULK) {
      primary.execute(db, "CREATE SCHEMA owned AUTHORIZATION batch_owner", "CREATE TYPE mood AS ENUM ('calm')");
    }
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby);
    int before = pipeline.topicEvents().size();

    applier.sigterm();
    applier.waitFor(Duration.ofSeconds(60)); // stopped by the signal, after its shutdown hook ran
    int backlog = 0;
    long psqlStarted = System.nanoTime();
    for (String db : BULK) {
      backlog += runScript(db, bulkScript(db));
    }
    bulkPsqlMillis = (System.nanoTime() - psqlStarted) / 1_000_000;
    // someone created the table on the standby by hand: the primary's CREATE TABLE clash fails there (42P07)
    standby.execute("bfail", "CREATE TABLE clash (id int)");
    StringBuilder failing = new StringBuilder();
    for (int k = 1; k <= 5; k++) {
      failing.append("CREATE TABLE a").append(k).append(" (id int);\n");
    }
    failing.append("CREATE TABLE clash (id int);\n");
    for (int k = 1; k <= 5; k++) {
      failing.append("CREATE TABLE b").append(k).append(" (id int);\n");
    }
    backlog += runScript("bfail", failing.toString());
    backlog += runScript("bnontx", """
        CREATE TABLE n1 (a int, b text);
        CREATE TABLE n2 (a int);
        CREATE INDEX CONCURRENTLY n1_a ON n1 (a);
        CREATE TABLE n3 (a int);
        ALTER TABLE n1 ADD COLUMN c int;
        CREATE INDEX CONCURRENTLY n1_c ON n1 (c);
        CREATE VIEW n1v AS SELECT a, c FROM n1;
        """);
    List<String> bulkIds = pipeline.awaitEvents(before + backlog, CONVERGE).stream()
        .filter(e -> BULK.contains(e.database())).map(DdlEvent::id).toList();

    // timed until the applier logged every bulk event applied (reading its log costs the standby nothing)
    long started = System.nanoTime();
    applier = pipeline.startApplier("standby1");
    Await.until("the bulk events to be applied", CONVERGE,
        () -> new HashSet<>(pipeline.appliedIds("standby1")).containsAll(bulkIds));
    backlogMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("BatchedApplyIT: a backlog of %d events (%d in %s; psql -f ran them on the primary in %d ms) "
        + "applied in %d ms%n", backlog, bulkIds.size(), BULK, bulkPsqlMillis, backlogMillis);
    for (String db : BULK) {
      assertThat(standby.schemaDump(db)).as(db).isEqualTo(primary.schemaDump(db));
    }
  }

  /** Runs a psql script on the primary; the number of DDL statements in it (its lines that are not SET/RESET). */
  private int runScript(String db, String script) {
    PsqlResult result = primary.psql(PsqlRun.script(db, script));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return (int) script.lines().filter(l -> !l.isBlank() && !l.startsWith("SET ") && !l.startsWith("RESET "))
        .count();
  }

  /**
   * 660 DDL statements: tables, indexes, comments, views, functions, an enum value used right after it is added;
   * a part run as another role in its schema, a part under another TimeZone (a literal in a default reads by it).
   */
  private static String bulkScript(String db) {
    StringBuilder s = new StringBuilder();
    for (int k = 0; k < 110; k++) {
      if (k % 20 == 10) {
        s.append("SET ROLE batch_owner;\nSET search_path = owned;\n");
      } else if (k % 20 == 15) {
        s.append("RESET ROLE;\nRESET search_path;\n");
      }
      if (k % 25 == 5) {
        s.append("SET TimeZone = 'Asia/Tokyo';\n");
      } else if (k % 25 == 8) {
        s.append("RESET TimeZone;\n");
      }
      String t = db + "_t" + k;
      s.append("CREATE TABLE ").append(t).append(" (id int PRIMARY KEY, v text, at timestamptz DEFAULT ")
          .append("'2026-01-01 12:00')").append(";\n");
      s.append("CREATE INDEX ").append(t).append("_v ON ").append(t).append(" (v);\n");
      s.append("COMMENT ON TABLE ").append(t).append(" IS 'table ").append(k).append("';\n");
      s.append("ALTER TABLE ").append(t).append(" ADD COLUMN w int DEFAULT ").append(k).append(";\n");
      s.append("CREATE VIEW ").append(t).append("_view AS SELECT id, w FROM ").append(t).append(";\n");
      if (k % 20 == 3) {
        s.append("ALTER TYPE public.mood ADD VALUE 'm").append(k).append("';\n");
      } else if (k % 20 == 4) {
        s.append("CREATE TABLE ").append(t).append("_mood (m public.mood DEFAULT 'm").append(k - 1).append("');\n");
      } else {
        s.append("CREATE FUNCTION ").append(t).append("_f() RETURNS int LANGUAGE sql AS 'SELECT ").append(k)
            .append("';\n");
      }
    }
    return s.toString();
  }

  @AfterAll
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  @Order(1)
  void aBacklogInThreeDatabasesConvergesInBatchesOfMoreThanOneEvent() {
    List<int[]> batches = batches(null);
    assertThat(batches).as("batch lines of the applier (backlog applied in %d ms)", backlogMillis).isNotEmpty();
    assertThat(batches.stream().mapToInt(b -> b[0]).max().orElse(0)).isGreaterThan(1);
    List<DdlEvent> events = pipeline.topicEvents();
    List<String> applied = pipeline.appliedIds("standby1");
    assertThat(applied).doesNotHaveDuplicates();
    for (DdlEvent e : events) {
      if (BULK.contains(e.database())) {
        assertThat(applied).as(e.statement()).contains(e.id());
      }
    }
    assertThat(applied.size()).isGreaterThan(1900);
  }

  @Test
  @Order(2)
  void aFailingStatementInABatchStopsExactlyThatEventAndSkipGoesOn() throws Exception {
    DdlEvent clash = event("bfail", "CREATE TABLE clash");
    applier.awaitOutput("STOPPED database bfail on standby standby1 at event " + clash.id() + " ", CONVERGE);
    // the five before it committed, once each; nothing after it ran
    assertThat(tables("bfail")).containsExactly("a1", "a2", "a3", "a4", "a5", "clash");
    assertThat(applier.output()).containsPattern("re-running its \\d+ events one by one")
        .containsPattern("SQLSTATE 42P07: .*relation \"clash\" already exists");
    JsonNode row = Await.untilValue("standby1 stopped in status", CONVERGE, () -> {
      JsonNode r = standbyRow();
      return r != null && r.path("stopped").size() == 1 ? r : null;
    });
    assertThat(row.path("stopped").get(0).path("eventId").asText()).isEqualTo(clash.id());
    assertThat(row.path("stopped").get(0).path("database").asText()).isEqualTo("bfail");

    assertThat(pipeline.applierCommand("skip", "--standby", "standby1", "--event", clash.id()).exitCode()).isZero();
    Await.until("b1..b5 on the standby", CONVERGE, () -> tables("bfail").size() == 11);
    assertThat(tables("bfail")).containsExactly("a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4", "b5",
        "clash");
    List<String> dead = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(
        pipeline.kafka.bootstrapServers(), Topics.deadLetterTopic(Topics.DEFAULT_TOPIC))) {
      dead.add(EventCodec.decode(r.value()).id());
    }
    assertThat(dead).containsExactly(clash.id());
    List<String> applied = pipeline.appliedIds("standby1");
    assertThat(applied).doesNotHaveDuplicates().doesNotContain(clash.id());
    for (DdlEvent e : pipeline.topicEvents()) {
      if (e.database().equals("bfail") && !e.id().equals(clash.id()) && e.command().equals("CREATE TABLE")) {
        assertThat(applied).as(e.statement()).contains(e.id());
      }
    }
  }

  @Test
  @Order(3)
  void aStatementThatCannotRunInATransactionRunsAloneBetweenBatches() throws Exception {
    Await.until("bnontx to converge", CONVERGE,
        () -> primary.schemaDump("bnontx").equals(standby.schemaDump("bnontx")));
    List<Long> concurrently = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(pipeline.testAccess(), Topics.DEFAULT_TOPIC)) {
      DdlEvent e = EventCodec.decode(r.value());
      if (e.database().equals("bnontx") && e.statement().contains("CONCURRENTLY")) {
        concurrently.add(r.offset());
      }
    }
    assertThat(concurrently).hasSize(2);
    for (long offset : concurrently) {
      assertThat(batches("bnontx")).as("no batch holds the CREATE INDEX CONCURRENTLY at offset %d", offset)
          .noneMatch(b -> b[1] <= offset && offset <= b[2]);
    }
    assertThat(batches("bnontx")).as("the DDL between them ran in batches").isNotEmpty();
    assertThat(standby.query("bnontx", "SELECT count(*) FROM pg_index WHERE indisvalid AND indexrelid::regclass::text"
        + " IN ('n1_a', 'n1_c')")).containsExactly("2");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby);
    assertThat(standby.serverLogErrors()).as("the standby's ERRORs: the clash only")
        .allMatch(line -> line.contains("already exists"));
  }

  /** The applier's batch lines (of {@code db}; null: all): events, first offset, last offset. */
  private List<int[]> batches(String db) {
    List<int[]> out = new ArrayList<>();
    Matcher m = BATCH.matcher(pipeline.applierOutput("standby1"));
    while (m.find()) {
      if (db == null || db.equals(m.group(2))) {
        out.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))});
      }
    }
    return out;
  }

  private DdlEvent event(String db, String statementStart) {
    return pipeline.topicEvents().stream()
        .filter(e -> e.database().equals(db) && e.statement().startsWith(statementStart)).findFirst().orElseThrow();
  }

  private List<String> tables(String db) {
    return standby.query(db, "SELECT relname FROM pg_class WHERE relkind = 'r' "
        + "AND relnamespace = 'public'::regnamespace ORDER BY relname");
  }

  private JsonNode standbyRow() {
    Pipeline.CommandRun run = pipeline.applierCommand("status", "--json");
    if (run.exitCode() != 0) {
      return null;
    }
    try {
      String out = run.output();
      JsonNode status = EventCodec.mapper().readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
      for (JsonNode row : status.path("standbys")) {
        if (row.path("standby").asText().equals("standby1")) {
          return row;
        }
      }
      return null;
    } catch (Exception e) {
      return null;
    }
  }
}
