package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.PsqlRun;
import io.ddlcast.testkit.SchemaSnapshot;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a new user would try: four concurrent sessions, three databases, and every kind of statement the capture
 * contract covers mixed at random (explicit and auto-commit transactions, rollbacks, savepoints, failures,
 * multi-statement strings with DML, JDBC, DO blocks, search_path and roles, temporary objects, roles with passwords
 * granted across databases). Both standbys must end up with the primary's schema and roles, with no ERROR.
 */
class MixedWorkloadIT {
  private static final List<String> DATABASES = List.of("alpha", "beta", "gamma");
  private static final int SESSIONS = 4;
  private static final int ROUNDS = 20;

  private Pipeline pipeline;

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void aRandomMixAcrossThreeDatabasesAndFourSessionsConverges() throws Exception {
    pipeline = new Pipeline("MixedWorkloadIT", "standby1", "standby2");
    PostgresServer primary = pipeline.primary;
    pipeline.installHelper();
    pipeline.startProducer();
    pipeline.startApplier("standby1");
    pipeline.startApplier("standby2");
    for (String db : DATABASES) {
      primary.execute("postgres", "CREATE DATABASE " + db);
      primary.execute(db, "CREATE SCHEMA app");
    }

    ExecutorService sessions = Executors.newFixedThreadPool(SESSIONS);
    List<Future<Integer>> done = new ArrayList<>();
    for (int s = 0; s < SESSIONS; s++) {
      int session = s;
      done.add(sessions.submit(() -> runSession(primary, session)));
    }
    int statements = 0;
    for (Future<Integer> f : done) {
      statements += f.get();
    }
    sessions.shutdown();

    SchemaSnapshot.awaitConverged(Duration.ofSeconds(120), primary, pipeline.standby("standby1"),
        pipeline.standby("standby2"));
    assertThat(pipeline.standby("standby1").serverLogErrors()).isEmpty();
    assertThat(pipeline.standby("standby2").serverLogErrors()).isEmpty();
    String verifiers = "SELECT rolname || ':' || coalesce(rolpassword, '') FROM pg_authid "
        + "WHERE rolname LIKE 'mix%' ORDER BY 1";
    assertThat(pipeline.standby("standby2").query("postgres", verifiers))
        .isEqualTo(primary.query("postgres", verifiers)).isNotEmpty();
    assertThat(pipeline.rawTopic()).doesNotContain("MixSecret");
    System.out.printf("mixed workload: %d snippets, %d events on the topic%n", statements,
        pipeline.topicEvents().size());
  }

  private static int runSession(PostgresServer primary, int session) throws SQLException {
    Random random = new Random(42 + session);
    int count = 0;
    for (int round = 0; round < ROUNDS; round++) {
      String db = DATABASES.get(random.nextInt(DATABASES.size()));
      String n = "s" + session + "r" + round;
      switch (random.nextInt(10)) {
        case 0 -> primary.psql(PsqlRun.script(db, "BEGIN; CREATE TABLE app.t_" + n + " (id int PRIMARY KEY, v text);"
            + " CREATE INDEX ON app.t_" + n + " (v); COMMIT;"));
        case 1 -> primary.psql(PsqlRun.script(db, "BEGIN; CREATE TABLE app.gone_" + n + " (); ROLLBACK;"));
        case 2 -> primary.psql(PsqlRun.script(db, "BEGIN; CREATE TABLE app.sp1_" + n + " (); SAVEPOINT a; "
            + "CREATE TABLE app.sp2_" + n + " (); ROLLBACK TO a; CREATE TABLE app.sp3_" + n + " (); COMMIT;"));
        case 3 -> primary.psql(PsqlRun.command(db, "CREATE TABLE app.m_" + n + " (a int); INSERT INTO app.m_" + n
            + " VALUES (1); CREATE VIEW app.v_" + n + " AS SELECT a FROM app.m_" + n + "; SELECT 1"));
        case 4 -> primary.psql(PsqlRun.command(db, "CREATE TABLE app.fail_" + n + " (x no_such_type)"));
        case 5 -> {
          try (Connection c = primary.connect(db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE app.j_" + n + " (id int)");
            c.setAutoCommit(false);
            st.execute("ALTER TABLE app.j_" + n + " ADD COLUMN note text");
            st.execute("COMMENT ON TABLE app.j_" + n + " IS 'jdbc " + n + "'");
            c.commit();
          }
        }
        case 6 -> primary.psql(PsqlRun.command(db, "DO $$BEGIN EXECUTE 'CREATE TABLE app.do_" + n + " (a int)'; "
            + "INSERT INTO app.do_" + n + " VALUES (1); END$$"));
        case 7 -> primary.psql(PsqlRun.script(db, "SET search_path = app; CREATE TABLE sp_" + n + " (); "
            + "CREATE TEMP TABLE tmp_" + n + " (); DROP TABLE tmp_" + n + ";"));
        case 8 -> {
          primary.psql(PsqlRun.command("postgres", "CREATE ROLE mix_" + n + " LOGIN PASSWORD 'MixSecret" + n + "'"));
          primary.psql(PsqlRun.command(db, "GRANT USAGE ON SCHEMA app TO mix_" + n));
        }
        default -> primary.psql(PsqlRun.script(db, "BEGIN; CREATE TABLE app.ab_" + n + " (); SELECT 1/0; COMMIT;"));
      }
      count++;
    }
    return count;
  }
}
