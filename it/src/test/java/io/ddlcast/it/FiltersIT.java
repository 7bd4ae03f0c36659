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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Filters on real servers: the producer leaves out databases scratch_*, standby2's applier leaves out schema audit
 * and CREATE INDEX, standby1 takes everything published. What a filter names does not arrive; everything else does;
 * both report what they filtered. And the producer refuses a topic whose retention would delete history.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FiltersIT {
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  /** DDL in database app: [statement, taken by standby2]. */
  private static final List<String[]> APP = List.of(
      new String[] {"CREATE SCHEMA sales", "yes"},
      new String[] {"CREATE SCHEMA audit", "no"},
      new String[] {"CREATE TABLE sales.orders (id int PRIMARY KEY, note text)", "yes"},
      new String[] {"CREATE TABLE audit.log (at timestamptz, what text)", "no"},
      new String[] {"CREATE INDEX orders_note ON sales.orders (note)", "no"},
      new String[] {"CREATE INDEX log_at ON audit.log (at)", "no"},
      new String[] {"ALTER TABLE sales.orders ADD COLUMN total numeric", "yes"},
      new String[] {"COMMENT ON TABLE audit.log IS 'who did what'", "no"},
      new String[] {"CREATE VIEW sales.open_orders AS SELECT id, total FROM sales.orders", "yes"},
      new String[] {"GRANT SELECT ON sales.orders TO filter_reader", "yes"},
      new String[] {"SET search_path = audit; CREATE TABLE trail (x int)", "no"});

  private Pipeline pipeline;
  private PostgresServer primary;

  @BeforeAll
  void start() {
    pipeline = new Pipeline("FiltersIT", "standby1", "standby2");
    primary = pipeline.primary;
    pipeline.installHelper();
    pipeline.startProducer("--exclude-databases", "scratch_*");
    pipeline.startApplier("standby1");
    pipeline.startApplier("standby2", "--exclude-schemas", "audit", "--exclude-commands", "CREATE INDEX");
  }

  @AfterAll
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private void run(String database, String sql) {
    assertThat(primary.psql(database, sql).exitCode()).as("on the primary [" + database + "] " + sql).isZero();
  }

  @Test
  @Order(1)
  void filtersLeaveOutWhatTheyNameAndNothingElse() {
    buildOnPrimary();
    List<DdlEvent> events = awaitPublishedWithoutScratch();
    String producerLog = pipeline.producerLog();
    assertProducerLogNamesWhatItFiltered(producerLog);
    PostgresServer standby1 = pipeline.standby("standby1");
    PostgresServer standby2 = pipeline.standby("standby2");
    assertStandby1TakesEverythingPublished(standby1);
    assertStandby2LeavesOutAuditAndIndexes(standby1, standby2);
    assertStandby2NamesEachFilteredEvent(events, standby2);
    assertStatusCountsWhatEachFilterLeftOut(events, producerLog);
  }

  private void buildOnPrimary() {
    run("postgres", "CREATE ROLE filter_reader");
    run("postgres", "CREATE DATABASE app");
    run("postgres", "CREATE DATABASE scratch_1");
    run("postgres", "CREATE DATABASE scratch_expected");
    for (String[] step : APP) {
      run("app", step[0]);
    }
    run("scratch_1", "CREATE TABLE junk (a int)");
    run("scratch_1", "CREATE INDEX junk_a ON junk (a)");
    // What standby2 must hold, built on the primary in a database the producer leaves out.
    for (String[] step : APP) {
      if (step[1].equals("yes")) {
        run("scratch_expected", step[0]);
      }
    }
    run("postgres", "CREATE DATABASE last_one"); // published after everything above
  }

  /** The producer: nothing of scratch_* on the topic, everything else there. */
  private List<DdlEvent> awaitPublishedWithoutScratch() {
    List<DdlEvent> events = Await.untilValue("CREATE DATABASE last_one on the topic", CONVERGE, () -> {
      List<DdlEvent> all = pipeline.topicEvents();
      return all.stream().anyMatch(e -> "last_one".equals(e.key())) ? all : null;
    });
    assertThat(events).extracting(DdlEvent::key).noneMatch(k -> k.startsWith("scratch_"));
    List<String> appStatements = events.stream().filter(e -> e.key().equals("app")).map(DdlEvent::statement)
        .toList();
    List<String> expectedApp = new ArrayList<>();
    for (String[] step : APP) {
      expectedApp.add(step[0].startsWith("SET ") ? "CREATE TABLE trail (x int)" : step[0]);
    }
    expectedApp.add(0, "CREATE DATABASE app");
    assertThat(appStatements).containsExactlyElementsOf(expectedApp);
    assertThat(events).extracting(DdlEvent::statement).contains("CREATE ROLE filter_reader");
    assertThat(events.stream().filter(e -> e.statement().startsWith("CREATE TABLE audit.log")).findFirst()
        .orElseThrow().schemas()).containsExactly("audit");
    return events;
  }

  private static void assertProducerLogNamesWhatItFiltered(String producerLog) {
    for (String filtered : List.of("CREATE DATABASE scratch_1", "CREATE DATABASE scratch_expected",
        "CREATE TABLE junk (a int)", "CREATE INDEX junk_a ON junk (a)", "CREATE VIEW sales.open_orders")) {
      assertThat(producerLog).containsPattern("filtered: \\S+ in \\S+ \\(excluded by --exclude-databases=scratch_\\* "
          + "\\(database scratch_\\w+\\)\\): " + Pattern.quote(filtered));
    }
    assertThat(producerLog).doesNotContainPattern("filtered: \\S+ in app ");
  }

  /** standby1 takes everything published: app is the primary's app, scratch_* never arrive. */
  private void assertStandby1TakesEverythingPublished(PostgresServer standby1) {
    Await.until("standby1 holds app as the primary does", CONVERGE,
        () -> standby1.databases().contains("last_one")
            && SchemaSnapshot.of(standby1).schemaDumps().get("app")
                .equals(SchemaSnapshot.of(primary).schemaDumps().get("app")));
    assertThat(standby1.databases()).contains("app").noneMatch(d -> d.startsWith("scratch_"));
    assertThat(SchemaSnapshot.of(standby1).globalsDump()).isEqualTo(SchemaSnapshot.of(primary).globalsDump());
  }

  /** standby2 leaves out schema audit and CREATE INDEX, and takes the rest. */
  private void assertStandby2LeavesOutAuditAndIndexes(PostgresServer standby1, PostgresServer standby2) {
    String expected = SchemaSnapshot.of(primary).schemaDumps().get("scratch_expected");
    Await.until("standby2 holds app without audit and CREATE INDEX", CONVERGE,
        () -> standby2.databases().contains("last_one")
            && expected.equals(SchemaSnapshot.of(standby2).schemaDumps().get("app")));
    assertThat(standby2.query("app", "SELECT nspname FROM pg_namespace ORDER BY 1")).contains("sales")
        .doesNotContain("audit");
    assertThat(standby2.query("app", "SELECT indexname FROM pg_indexes WHERE schemaname = 'sales' ORDER BY 1"))
        .containsExactly("orders_pkey");
    assertThat(standby1.query("app", "SELECT indexname FROM pg_indexes WHERE schemaname = 'sales' ORDER BY 1"))
        .containsExactly("orders_note", "orders_pkey");
    assertThat(SchemaSnapshot.of(standby2).globalsDump()).isEqualTo(SchemaSnapshot.of(primary).globalsDump());
  }

  /** Each filtered event is named in standby2's log, and only those. */
  private void assertStandby2NamesEachFilteredEvent(List<DdlEvent> events, PostgresServer standby2) {
    String applier2 = pipeline.applierOutput("standby2");
    String applier1 = pipeline.applierOutput("standby1");
    for (DdlEvent e : events) {
      boolean audit = e.schemas().contains("audit");
      boolean index = "CREATE INDEX".equals(e.command());
      String line = "filtered " + e.id() + " (" + e.command() + "): ";
      if (audit || index) {
        assertThat(applier2).as(e.statement()).contains(line + (index
            ? "excluded by --exclude-commands=CREATE INDEX (command CREATE INDEX)"
            : "excluded by --exclude-schemas=audit (schema audit)"));
        assertThat(pipeline.appliedIds("standby2")).doesNotContain(e.id());
      } else {
        assertThat(applier2).as(e.statement()).doesNotContain(line);
        assertThat(pipeline.appliedIds("standby2")).as(e.statement()).contains(e.id());
      }
      assertThat(pipeline.appliedIds("standby1")).as(e.statement()).contains(e.id());
    }
    assertThat(applier1).doesNotContainPattern("filtered \\S+ \\(");
    assertThat(standby2.serverLogErrors()).as("ERROR lines on standby2").isEmpty();
  }

  /** status counts what each filter left out: the producer's (from its checkpoint) and each standby's. */
  private void assertStatusCountsWhatEachFilterLeftOut(List<DdlEvent> events, String producerLog) {
    long filteredOnStandby2 = events.stream()
        .filter(e -> e.schemas().contains("audit") || "CREATE INDEX".equals(e.command())).count();
    long filteredByProducer = Pattern.compile("filtered: \\S+ in ").matcher(producerLog).results().count();
    JsonNode status = Await.untilValue("status with the filtered counts", Duration.ofSeconds(60), () -> {
      Pipeline.CommandRun run = pipeline.applierCommand("status", "--json");
      if (run.exitCode() != 0) {
        return null;
      }
      try {
        String out = run.output();
        JsonNode root = EventCodec.mapper().readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
        long standby2Filtered = 0;
        for (JsonNode row : root.path("standbys")) {
          if (row.path("standby").asText().equals("standby2")) {
            standby2Filtered = row.path("filtered").asLong();
          }
        }
        return standby2Filtered == filteredOnStandby2
            && root.path("producers").get(0).path("filtered").asLong() == filteredByProducer ? root : null;
      } catch (IOException e) {
        return null;
      }
    });
    assertThat(filteredByProducer).isPositive();
    assertThat(status.path("standbys")).hasSize(2);
  }

  @Test
  @Order(2)
  void theProducerRefusesATopicThatWouldDeleteHistoryUnlessTold() throws Exception {
    String topic = "ddlcast.short";
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafka.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("retention.ms", "3600000"))))
          .all().get(30, TimeUnit.SECONDS);
    }
    List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", pipeline.kafka.bootstrapServers(),
        "--topic", topic, "--source", "short"));
    if (primary.pgdata() != null) {
      args.addAll(List.of("--pgdata", primary.pgdata().toString()));
    } else {
      args.addAll(List.of("--log-dir", primary.logDirectory().toString()));
    }
    Path logs = Pipeline.ROOT.resolve("it/target/it-logs/FiltersIT");
    try (JavaProcess refused = JavaProcess.startJar(Pipeline.PRODUCER_JAR, List.of("-Xmx128m"), args, Map.of(),
        logs.resolve("producer-refused.log"))) {
      assertThat(refused.waitFor(Duration.ofSeconds(90))).as(refused.output()).isEqualTo(3);
      assertThat(refused.output())
          .contains("topic ddlcast.short would delete DDL history: it has retention.ms=3600000")
          .contains("kafka-configs.sh --bootstrap-server HOST:PORT --alter --entity-type topics --entity-name "
              + "ddlcast.short --add-config retention.ms=-1")
          .contains("--accept-finite-retention")
          .doesNotContain("\tat ");
    }
    args.add("--accept-finite-retention");
    try (JavaProcess accepted = JavaProcess.startJar(Pipeline.PRODUCER_JAR, List.of("-Xmx128m"), args, Map.of(),
        logs.resolve("producer-accepted.log"))) {
      accepted.awaitOutput("Going on because of --accept-finite-retention", Duration.ofSeconds(90));
      accepted.awaitOutput("no checkpoint for source short", Duration.ofSeconds(90));
      assertThat(accepted.isAlive()).isTrue();
      accepted.sigterm();
      accepted.waitFor(Duration.ofSeconds(60)); // the JVM reports 143 for SIGTERM: judged by the output
      assertThat(accepted.output()).contains("producer stopped").doesNotContain("Error:");
    }
  }
}
