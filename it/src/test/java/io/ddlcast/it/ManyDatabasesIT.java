package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ddlcast.common.event.EventCodec;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A standby with many databases (80 here, with long names; {@code -Dddlcast.scale.databases=2000} for the scale
 * run): one stopped database does not stop the commits (the first release's commit metadata listed every database
 * ahead of it and outgrew the broker's 4096 bytes), a restarted applier applies nothing twice, the applier never
 * holds more than {@code --max-connections} sessions on the standby, and a lock held on the standby is a retried,
 * reported wait. One pipeline for all cases, each in its own databases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManyDatabasesIT {
  private static final int DATABASES = Integer.getInteger("ddlcast.scale.databases", 80);
  private static final int MAX_CONNECTIONS = 4;
  private static final String APPLICATION = "ddlcast-applier:standby1";
  private static final Duration CONVERGE = Duration.ofSeconds(60 + DATABASES / 2);

  private Pipeline pipeline;
  private PostgresServer primary;
  private PostgresServer standby;
  private JavaProcess applier;
  private int metricsPort;
  private final AtomicInteger mostSessions = new AtomicInteger();
  private final AtomicBoolean sampling = new AtomicBoolean(true);
  private Thread sampler;

  @BeforeAll
  void start() {
    pipeline = new Pipeline("ManyDatabasesIT", "standby1");
    primary = pipeline.primary;
    standby = pipeline.standby("standby1");
    pipeline.startProducer();
    applier = startApplier();
    sampler = new Thread(this::sampleSessions, "sessions-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  private JavaProcess startApplier() {
    metricsPort = FreePorts.pick();
    return pipeline.startApplier("standby1", "--max-connections", Integer.toString(MAX_CONNECTIONS),
        "--lock-timeout", "1s", "--metrics-port", Integer.toString(metricsPort));
  }

  /** The applier's sessions on the standby, counted every 50 ms, as pg_stat_activity names them. */
  private void sampleSessions() {
    try (Connection c = standby.connect("postgres"); Statement st = c.createStatement()) {
      while (sampling.get()) {
        try (var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
            + APPLICATION + "'")) {
          rs.next();
          mostSessions.accumulateAndGet(rs.getInt(1), Math::max);
        }
        Thread.sleep(50);
      }
    } catch (SQLException | InterruptedException e) {
      if (sampling.get()) {
        throw new IllegalStateException("sampling the standby's sessions failed", e);
      }
    }
  }

  @AfterAll
  void stop() throws InterruptedException {
    sampling.set(false);
    if (sampler != null) {
      sampler.join(5000);
    }
    if (pipeline != null) {
      pipeline.close();
    }
  }

  /**
   * 60 characters (PostgreSQL allows 63): with names this long, the first release's metadata outgrew 4096 bytes
   * at about 55 databases, so the suite's 80 reproduce the overflow in a fraction of the time 300 short names took.
   */
  private static String name(int k) {
    return String.format("scale_db_%04d_", k) + "x".repeat(46);
  }

  @Test
  @Order(1)
  void aLockHeldOnTheStandbyIsARetriedReportedWaitAndTheEventAppliesOnceItIsReleased() throws Exception {
    primary.execute("postgres", "CREATE DATABASE locked");
    primary.execute("locked", "CREATE TABLE t (x int)");
    Await.until("t on the standby", CONVERGE, () -> standby.databases().contains("locked")
        && standby.schemaDump("locked").equals(primary.schemaDump("locked")));

    try (Connection holder = standby.connect("locked"); Statement st = holder.createStatement()) {
      holder.setAutoCommit(false);
      st.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
      int before = pipeline.topicEvents().size();
      primary.execute("locked", "ALTER TABLE t ADD COLUMN y int");
      String event = pipeline.awaitEvents(before + 1, CONVERGE).get(before).id();

      applier.awaitOutput("(SQLSTATE 55P03); retrying", CONVERGE);
      assertThat(applier.output()).contains("canceling statement due to lock timeout")
          .contains("on event " + event + " in database locked (SQLSTATE 55P03); retrying in");
      JsonNode row = Await.untilValue("status to show the lane retrying", CONVERGE, () -> {
        JsonNode s = standbyRow();
        return s.path("state").asText().equals("retrying") ? s : null;
      });
      JsonNode retrying = row.path("waits").path("retrying").get(0);
      assertThat(retrying.path("database").asText()).isEqualTo("locked");
      assertThat(retrying.path("eventId").asText()).isEqualTo(event);
      assertThat(retrying.path("sqlState").asText()).isEqualTo("55P03");
      assertThat(pipeline.applierCommand("status").output()).contains("locked retrying " + event);
      assertThat(scrape()).containsPattern("ddlcast_applier_lock_waits_total\\{standby=\"standby1\"\\} [1-9]");
      assertThat(standby.query("locked", "SELECT count(*) FROM pg_attribute WHERE attrelid = 't'::regclass "
          + "AND attname = 'y'")).containsExactly("0");
      holder.rollback(); // the lock goes
    }
    Await.until("the ALTER on the standby after the lock went", CONVERGE,
        () -> standby.schemaDump("locked").equals(primary.schemaDump("locked")));
    applier.awaitOutput("database locked continues: event ", CONVERGE);
    Await.until("status to stop showing the wait", CONVERGE,
        () -> standbyRow().path("waits").path("retrying").isEmpty());
  }

  @Test
  @Order(2)
  void manyDatabasesAheadOfAStoppedOneAreCommittedAndARestartAppliesNothingTwice() throws Exception {
    long started = System.nanoTime();
    List<String> creates = new ArrayList<>();
    for (int k = 0; k < DATABASES; k++) {
      creates.add("CREATE DATABASE " + name(k));
    }
    primary.execute("postgres", creates.toArray(String[]::new));
    Await.until(DATABASES + " databases on the standby", CONVERGE,
        () -> standby.databases().containsAll(primary.databases()));
    long created = System.nanoTime();

    // drift on the standby: the first database's table is already there, so its CREATE TABLE fails and its lane
    // stops, holding the committed offset, while every other database goes on
    standby.execute(name(0), "CREATE TABLE t (drift int)");
    for (int k = 0; k < DATABASES; k++) {
      primary.execute(name(k), "CREATE TABLE t (x int, k int DEFAULT " + k + ")");
    }
    applier.awaitOutput("STOPPED database " + name(0) + " on standby standby1", CONVERGE);
    Await.until("every other database's table on the standby", CONVERGE, () -> standby.query(name(DATABASES - 1),
        "SELECT count(*) FROM pg_class WHERE relname = 't'").equals(List.of("1")));

    // the commit describes all of it: status counts only the stopped event as not applied
    JsonNode row = Await.untilValue("the commit to cover every database but the stopped one", CONVERGE, () -> {
      JsonNode s = standbyRow();
      return s.path("lagEvents").asLong() == 1 ? s : null;
    });
    assertThat(row.path("state").asText()).isEqualTo("stopped");
    assertThat(applier.output()).doesNotContain("committing offsets to Kafka failed")
        .doesNotContain("refused the commit's metadata");
    long committed = System.nanoTime();

    // the operator fixes the drift and restarts the applier: the failed event runs, nothing else runs again
    standby.execute(name(0), "DROP TABLE t");
    applier.sigterm();
    applier.waitFor(Duration.ofSeconds(60));
    applier = startApplier();
    Await.until("the stopped database's table after the restart", CONVERGE,
        () -> standby.schemaDump(name(0)).equals(primary.schemaDump(name(0))));
    Await.until("status to show the standby caught up", CONVERGE, () -> standbyRow().path("lagEvents").asLong() == 0);
    long converged = System.nanoTime();

    assertConverged();
    assertThat(pipeline.appliedIds("standby1")).doesNotHaveDuplicates().hasSize(pipeline.topicEvents().size());
    // nothing the commit showed done came again for the standby's markers to catch
    assertThat(applier.output()).doesNotContain("not running ");
    assertThat(mostSessions.get()).isBetween(1, MAX_CONNECTIONS);
    System.out.printf("ManyDatabasesIT: %d databases: created on the standby in %.1f s, tables and commit in "
            + "%.1f s, restart to caught up in %.1f s; at most %d applier sessions on the standby%n", DATABASES,
        (created - started) / 1e9, (committed - created) / 1e9, (converged - committed) / 1e9, mostSessions.get());
    System.out.println("ManyDatabasesIT: applier " + heap(applier));
  }

  /**
   * pg_dump of every database compared, primary against standby: all of them up to 300, else the first and last
   * 150 (a pg_dump costs about 0.1 s; the tables in between are compared by their columns).
   */
  private void assertConverged() {
    if (DATABASES <= 300) {
      SchemaSnapshot.assertConverged(primary, standby);
      return;
    }
    for (int k = 0; k < DATABASES; k++) {
      String db = name(k);
      if (k < 150 || k >= DATABASES - 150) {
        assertThat(standby.schemaDump(db)).as(db).isEqualTo(primary.schemaDump(db));
      } else {
        String columns = "SELECT string_agg(attname || ' ' || pg_get_expr(adbin, adrelid), ',' ORDER BY attnum) "
            + "FROM pg_attribute LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum "
            + "WHERE attrelid = 't'::regclass AND attnum > 0";
        assertThat(standby.query(db, columns)).as(db).isEqualTo(primary.query(db, columns));
      }
    }
    assertThat(standby.databases()).isEqualTo(primary.databases());
  }

  private JsonNode standbyRow() {
    Pipeline.CommandRun run = pipeline.applierCommand("status", "--json");
    try {
      for (JsonNode s : EventCodec.mapper().readTree(run.output()).path("standbys")) {
        if (s.path("standby").asText().equals("standby1")) {
          return s;
        }
      }
    } catch (IOException e) {
      throw new AssertionError("status --json printed no JSON: " + run.output(), e);
    }
    return EventCodec.mapper().createObjectNode();
  }

  private String scrape() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The applier's heap after a full GC, and its resident memory, as jcmd and /proc show them. */
  private static String heap(JavaProcess process) {
    try {
      new ProcessBuilder("jcmd", Integer.toString(process.pid()), "GC.run").start().waitFor();
      Process jcmd = new ProcessBuilder("jcmd", Integer.toString(process.pid()), "GC.heap_info")
          .redirectErrorStream(true).start();
      String info = new String(jcmd.getInputStream().readAllBytes());
      String rss = Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))
          .stream().filter(l -> l.startsWith("VmRSS")).findFirst().orElse("VmRSS ?");
      return info.lines().filter(l -> l.contains("used")).findFirst().orElse(info).strip() + "; " + rss;
    } catch (IOException | InterruptedException e) {
      return "heap unknown (" + e + ")";
    }
  }
}
