package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.PsqlRun;
import io.ddlcast.testkit.SchemaSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.postgresql.PGConnection;

/**
 * Exactly the DDL that committed reaches the standbys, in commit order, with the context it ran in: one test per
 * point of the capture contract, each on a real primary (with ddlcast's event trigger installed) and two real
 * standbys. Every test ends with the standbys' schemas (pg_dump --schema-only of every database, pg_dumpall
 * --globals-only) equal to the primary's and no ERROR in their server logs, so a DDL that should not have shipped,
 * or shipped in the wrong order or context, fails it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CaptureExactnessIT {
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private Pipeline pipeline;
  private PostgresServer primary;
  private PostgresServer standby1;
  private PostgresServer standby2;

  @BeforeAll
  void start() throws Exception {
    pipeline = new Pipeline("CaptureExactnessIT", "standby1", "standby2");
    primary = pipeline.primary;
    standby1 = pipeline.standby("standby1");
    standby2 = pipeline.standby("standby2");
    assertThat(pipeline.installHelper()).contains("template1").contains("installed");
    pipeline.startProducer();
    pipeline.startApplier("standby1", "--tablespace-map", tablespaceDir("primary") + "=" + tablespaceDir("standby1"));
    pipeline.startApplier("standby2");
  }

  @AfterAll
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private void converged() {
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby1, standby2);
    assertThat(standby1.serverLogErrors()).as("ERRORs on standby1").isEmpty();
    assertThat(standby2.serverLogErrors()).as("ERRORs on standby2").isEmpty();
  }

  private void script(String database, String sql) {
    primary.psql(PsqlRun.script(database, sql));
  }

  private int command(String database, String sql) {
    return primary.psql(database, sql).exitCode();
  }

  private static boolean hasTable(PostgresServer server, String database, String table) {
    return !server.query(database, "SELECT 1 FROM pg_catalog.pg_class WHERE relname = '" + table + "'").isEmpty();
  }

  private List<String> shippedStatements() {
    return pipeline.topicEvents().stream().map(DdlEvent::statement).toList();
  }

  @Test
  @Order(1)
  void transactionsShipOnlyWhatCommitted() throws Exception {
    primary.execute("postgres", "CREATE DATABASE tx");
    primary.execute("tx", "CREATE TABLE parent (id int PRIMARY KEY)",
        "CREATE TABLE child (pid int REFERENCES parent DEFERRABLE INITIALLY DEFERRED)");
    script("tx", "BEGIN; CREATE TABLE tx_commit (a int); CREATE INDEX tx_commit_a ON tx_commit (a); COMMIT;");
    script("tx", "BEGIN; CREATE TABLE tx_rollback (); ROLLBACK;");
    script("tx", "BEGIN; CREATE TABLE tx_aborted (); SELECT 1/0; COMMIT;");
    script("tx", "BEGIN; CREATE TABLE tx_disconnected ();");
    script("tx", "BEGIN; CREATE TABLE tx_deferred (); INSERT INTO child VALUES (42); COMMIT;");
    script("tx", "BEGIN; CREATE TABLE tx_2pc_commit (); PREPARE TRANSACTION 'ddlcast_g1';");
    script("tx", "COMMIT PREPARED 'ddlcast_g1';");
    script("tx", "BEGIN; CREATE TABLE tx_2pc_rollback (); PREPARE TRANSACTION 'ddlcast_g2';");
    script("tx", "ROLLBACK PREPARED 'ddlcast_g2';");
    script("tx", "BEGIN; CREATE TABLE sp_a (); SAVEPOINT s; CREATE TABLE sp_b (); ROLLBACK TO s; "
        + "CREATE TABLE sp_c (); COMMIT;");
    script("tx", "BEGIN; CREATE TABLE sp_d (); SAVEPOINT s; CREATE TABLE sp_d (); ROLLBACK TO s; "
        + "CREATE TABLE sp_e (); COMMIT;");
    script("tx", "BEGIN; SAVEPOINT s1; CREATE TABLE sp_f (); SAVEPOINT s2; CREATE TABLE sp_g (); RELEASE s2; "
        + "SAVEPOINT s3; CREATE TABLE sp_h (); ROLLBACK TO s1; CREATE TABLE sp_i (); COMMIT;");
    try (Connection victim = primary.connect("tx"); Connection killer = primary.connect("tx");
        Statement v = victim.createStatement(); Statement k = killer.createStatement()) {
      victim.setAutoCommit(false);
      v.execute("CREATE TABLE tx_terminated ()");
      int pid = victim.unwrap(PGConnection.class).getBackendPID();
      k.execute("SELECT pg_terminate_backend(" + pid + ")");
    }
    converged();

    for (String present : List.of("tx_commit", "tx_2pc_commit", "sp_a", "sp_c", "sp_d", "sp_e", "sp_i")) {
      assertThat(hasTable(standby1, "tx", present)).as(present + " on standby1").isTrue();
    }
    List<String> shipped = shippedStatements();
    for (String absent : List.of("tx_rollback", "tx_aborted", "tx_disconnected", "tx_deferred", "tx_2pc_rollback",
        "sp_b", "sp_f", "sp_g", "sp_h", "tx_terminated")) {
      assertThat(hasTable(standby1, "tx", absent)).as(absent + " on standby1").isFalse();
      assertThat(shipped).as("shipped statements").noneMatch(sql -> sql.contains(absent + " "));
    }
  }

  @Test
  @Order(2)
  void concurrentSessionsApplyInCommitOrder() throws Exception {
    primary.execute("postgres", "CREATE DATABASE ord");
    try (Connection a = primary.connect("ord"); Statement sa = a.createStatement()) {
      a.setAutoCommit(false);
      sa.execute("CREATE TABLE ord_a (id int)"); // logged first
      assertThat(command("ord", "CREATE TABLE ord_b (id int)")).isZero(); // commits first
      a.commit(); // commits second
    }
    assertThat(command("ord", "ALTER TABLE ord_a ADD COLUMN x int")).isZero(); // depends on a
    try (Connection quiet = primary.connect("ord"); Statement q = quiet.createStatement()) {
      q.execute("CREATE TABLE ord_q (id int)"); // auto-commit over JDBC: no record marks its commit
      assertThat(command("ord", "CREATE INDEX ord_q_id ON ord_q (id)")).isZero(); // depends on it, logged at once
      converged();
    }
    List<String> shipped = shippedStatements();
    assertThat(shipped.indexOf("CREATE TABLE ord_b (id int)"))
        .isLessThan(shipped.indexOf("CREATE TABLE ord_a (id int)"));
    assertThat(shipped.indexOf("CREATE TABLE ord_q (id int)"))
        .isLessThan(shipped.indexOf("CREATE INDEX ord_q_id ON ord_q (id)"));
  }

  @Test
  @Order(3)
  void multiStatementStringsShipTheirDdlPartsOnly() {
    primary.execute("postgres", "CREATE DATABASE multi");
    assertThat(command("multi", "CREATE TABLE m1 (a int); INSERT INTO m1 VALUES (1); "
        + "CREATE TABLE m2 (b text DEFAULT 'x;y'); UPDATE m1 SET a = 2; SELECT 1")).isZero();
    assertThat(command("multi", "CREATE TABLE m3 (); CREATE TABLE m3 ()")).isNotZero();
    assertThat(command("multi", "CREATE TABLE m4 (); COMMIT; CREATE TABLE m5 (); CREATE TABLE m4 ()")).isNotZero();
    assertThat(command("multi", "COMMENT ON TABLE m1 IS E'semi;colon \\' quote'; "
        + "CREATE FUNCTION mf() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$; /* c; /* nested; */ */ "
        + "CREATE VIEW mv AS SELECT 1 AS one; CREATE TABLE \"m;6\" (); "
        + "CREATE TABLE m7 (a int); INSERT INTO m7 SELECT generate_series(1, 3); DELETE FROM m7 WHERE a = 1"))
        .isZero();
    converged();

    assertThat(primary.query("multi", "SELECT count(*) FROM m1")).containsExactly("1");
    assertThat(standby1.query("multi", "SELECT count(*) FROM m1")).containsExactly("0");
    assertThat(standby2.query("multi", "SELECT count(*) FROM m7")).containsExactly("0");
    assertThat(hasTable(standby1, "multi", "m4")).isTrue();
    assertThat(hasTable(standby1, "multi", "m5")).isFalse();
    assertThat(shippedStatements()).noneMatch(sql -> sql.contains("INSERT") || sql.contains("UPDATE")
        || sql.contains("DELETE"));
  }

  @Test
  @Order(4)
  void theExtendedProtocolShipsExactlyWhatCommitted() throws Exception {
    primary.execute("postgres", "CREATE DATABASE ext");
    try (Connection c = primary.connect("ext"); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE e1 (a int)");
      try {
        st.execute("CREATE TABLE e1 (a int)");
      } catch (SQLException expected) {
        // fails on the primary: must not ship
      }
      st.execute("CREATE TABLE e2 (); CREATE TABLE e3 ()"); // pgjdbc splits this into two statements
      st.addBatch("CREATE TABLE eb1 ()");
      st.addBatch("CREATE TABLE eb2 ()");
      st.addBatch("CREATE INDEX eb_i ON e1 (a)");
      st.executeBatch();
      try (PreparedStatement ps = c.prepareStatement("COMMENT ON TABLE e1 IS 'named statement'")) {
        for (int i = 0; i < 6; i++) {
          ps.execute(); // from the 5th run on: a server-side prepared statement S_1
        }
      }
      c.setAutoCommit(false);
      st.execute("CREATE TABLE e4 ()");
      c.rollback();
      st.execute("CREATE TABLE e5 ()");
      c.commit();
    }
    converged();
    assertThat(hasTable(standby2, "ext", "e4")).isFalse();
    assertThat(hasTable(standby2, "ext", "e5")).isTrue();
  }

  @Test
  @Order(5)
  void ddlLandsInTheSameSchemaWithTheSameOwner() {
    primary.execute("postgres", "CREATE DATABASE ctx", "CREATE ROLE r5 NOLOGIN", "CREATE ROLE u5 LOGIN",
        "GRANT r5 TO postgres");
    primary.execute("ctx", "GRANT CREATE ON DATABASE ctx TO r5, u5", "CREATE SCHEMA s5a",
        "CREATE SCHEMA s5b AUTHORIZATION u5", "GRANT ALL ON SCHEMA s5a TO r5, u5",
        "ALTER ROLE u5 IN DATABASE ctx SET search_path = s5b");
    script("ctx", "SET search_path = s5a; CREATE TABLE c1 (); SET ROLE r5; CREATE TABLE c2 (); RESET ROLE; "
        + "SET SESSION AUTHORIZATION u5; CREATE TABLE c3 (); RESET SESSION AUTHORIZATION;");
    assertThat(primary.psql(PsqlRun.command("ctx", "CREATE TABLE c4 ()").as("u5")).exitCode()).isZero();
    assertThat(primary.psql(PsqlRun.command("ctx", "CREATE TABLE c5 ()")
        .withEnv("PGOPTIONS", "-c search_path=s5a")).exitCode()).isZero();
    assertThat(command("ctx", "DO $$BEGIN EXECUTE 'CREATE TABLE s5a.d1 (a int)'; INSERT INTO s5a.d1 VALUES (1); "
        + "CREATE TABLE s5a.d2 (b int); END$$")).isZero();
    assertThat(command("ctx", "CREATE FUNCTION s5a.mk(n text) RETURNS void LANGUAGE plpgsql "
        + "AS $$BEGIN EXECUTE format('CREATE TABLE s5a.%I (x int)', n); END$$")).isZero();
    assertThat(command("ctx", "SELECT s5a.mk('d3')")).isZero();
    assertThat(command("ctx", "CREATE PROCEDURE s5a.pr() LANGUAGE plpgsql AS $$BEGIN CREATE TABLE s5a.d4 (); END$$"))
        .isZero();
    assertThat(command("ctx", "CALL s5a.pr()")).isZero();
    converged();

    String owners = "SELECT n.nspname || '.' || c.relname || ':' || pg_get_userbyid(c.relowner) FROM pg_class c "
        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname IN ('c1','c2','c3','c4','c5') ORDER BY 1";
    assertThat(standby1.query("ctx", owners)).containsExactly("s5a.c1:postgres", "s5a.c2:r5", "s5a.c3:u5",
        "s5a.c5:postgres", "s5b.c4:u5").isEqualTo(primary.query("ctx", owners));
    assertThat(standby2.query("ctx", "SELECT count(*) FROM s5a.d1")).containsExactly("0");
  }

  @Test
  @Order(6)
  void globalObjectsAndTheirDependenciesConverge() throws Exception {
    primary.execute("postgres", "CREATE ROLE g_app LOGIN PASSWORD 'AppSecret1'",
        "ALTER ROLE g_app PASSWORD 'AppSecret2'", "CREATE ROLE g_read NOLOGIN", "GRANT g_read TO g_app",
        "CREATE ROLE g_tmp NOLOGIN", "CREATE DATABASE glob1", "CREATE DATABASE glob2 OWNER g_app TEMPLATE template0",
        "ALTER DATABASE glob2 RENAME TO glob3", "COMMENT ON ROLE g_read IS 'readers'",
        "GRANT CONNECT ON DATABASE glob1 TO g_read");
    primary.execute("glob1", "CREATE TABLE gt (id serial PRIMARY KEY)", "GRANT SELECT ON gt TO g_read",
        "GRANT USAGE ON SEQUENCE gt_id_seq TO g_read", "CREATE SCHEMA gs", "GRANT USAGE ON SCHEMA gs TO g_read",
        "CREATE FUNCTION gs.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "REVOKE EXECUTE ON FUNCTION gs.f() FROM PUBLIC", "GRANT EXECUTE ON FUNCTION gs.f() TO g_read",
        "CREATE TYPE gs.t AS (a int)", "GRANT USAGE ON TYPE gs.t TO g_read",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA gs GRANT SELECT ON TABLES TO g_read",
        "REVOKE SELECT ON gt FROM g_read", "CREATE TABLE owned_by_tmp ()", "ALTER TABLE owned_by_tmp OWNER TO g_tmp",
        "DROP TABLE owned_by_tmp");
    primary.execute("glob3", "CREATE TABLE in_renamed (a int)");
    primary.execute("postgres", "DROP ROLE g_tmp");
    Path primaryDir = tablespaceDir("primary");
    primary.execute("postgres", "CREATE TABLESPACE gts LOCATION '" + primaryDir + "'");
    String standby1Dir = tablespaceDir("standby1").toString();
    Await.until("the tablespace on standby1, at its mapped location", CONVERGE,
        () -> standby1.query("postgres", "SELECT pg_tablespace_location(oid) FROM pg_tablespace WHERE spcname = 'gts'")
            .equals(List.of(standby1Dir)));
    Await.until("standby2 to report the tablespace skipped", CONVERGE,
        () -> pipeline.applierOutput("standby2").contains("skipped") && pipeline.applierOutput("standby2")
            .contains("no --tablespace-map entry"));
    primary.execute("postgres", "DROP TABLESPACE gts");
    converged();

    String verifier = "SELECT rolpassword FROM pg_authid WHERE rolname = 'g_app'";
    assertThat(standby1.query("postgres", verifier)).isEqualTo(primary.query("postgres", verifier))
        .allMatch(v -> v.startsWith("SCRAM-SHA-256$"));
    if (standby2.pgdata() != null) {
      allowPasswordLogin(standby2, "g_app");
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + standby2.host() + ":"
          + standby2.port() + "/glob1", "g_app", "AppSecret2")) {
        assertThat(c.isValid(5)).isTrue();
      }
    }
    assertThat(pipeline.rawTopic()).doesNotContain("AppSecret1").doesNotContain("AppSecret2");
  }

  @Test
  @Order(7)
  void temporaryObjectsAlterSystemAndDdlcastsOwnObjectsNeverShip() {
    primary.execute("postgres", "CREATE DATABASE never");
    script("never", "CREATE TEMP TABLE tmp1 (a int); CREATE INDEX ON tmp1 (a); ALTER TABLE tmp1 ADD COLUMN b int; "
        + "CREATE TEMP VIEW tmpv AS SELECT 1; DROP TABLE tmp1; BEGIN; CREATE TEMP TABLE tmp2 () ON COMMIT DROP; "
        + "COMMIT; CREATE TABLE real1 (); DROP TABLE real1; CREATE TABLE real2 ();");
    primary.execute("never", "ALTER SYSTEM SET work_mem = '8MB'", "ALTER SYSTEM RESET work_mem");
    assertThat(pipeline.installHelper()).contains("already current"); // idempotent, ships nothing
    converged();
    assertThat(shippedStatements()).noneMatch(sql -> sql.contains("tmp1") || sql.contains("tmpv")
        || sql.contains("tmp2") || sql.contains("ALTER SYSTEM") || sql.contains("ddlcast.")
        || sql.contains("ddlcast_") || sql.contains("SCHEMA ddlcast"));
    assertThat(hasTable(standby1, "never", "real2")).isTrue();
  }

  @Test
  @Order(8)
  void secretsNeverAppearInLogsAndRolePasswordsNeverInTheTopic() {
    primary.execute("postgres", "CREATE ROLE s_app LOGIN PASSWORD 'RoleSecret9'");
    primary.execute("never", "CREATE EXTENSION postgres_fdw",
        "CREATE SERVER sec_srv FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1')",
        "CREATE USER MAPPING FOR s_app SERVER sec_srv OPTIONS (user 'remote', password 'MappingSecret7')");
    converged();
    assertThat(pipeline.producerLog()).doesNotContain("RoleSecret9").doesNotContain("MappingSecret7")
        .doesNotContain("AppSecret").contains("'********'");
    for (String standby : List.of("standby1", "standby2")) {
      assertThat(pipeline.applierOutput(standby)).doesNotContain("RoleSecret9").doesNotContain("MappingSecret7")
          .doesNotContain("AppSecret");
    }
    assertThat(pipeline.rawTopic()).doesNotContain("RoleSecret9");
  }

  /** A directory for a tablespace, owned by the server's OS user. */
  private Path tablespaceDir(String server) throws Exception {
    Path base = pipeline.primary.pgdata() == null ? Path.of("/tmp") : pipeline.primary.pgdata().getParent();
    Path dir = base.resolveSibling(base.getFileName() + "-ts-" + server);
    if (!Files.exists(dir)) {
      Files.createDirectories(dir);
      if ("root".equals(System.getProperty("user.name"))) {
        new ProcessBuilder("chown", "postgres", dir.toString()).inheritIO().start().waitFor();
      }
    }
    return dir;
  }

  /** Lets a role log in with its password over TCP (the test clusters trust everyone otherwise). */
  @Test
  @Order(9)
  void scanReadsTheRealLogOfflineAndSaysWhatNeedsThePrimary() throws Exception {
    List<String> args = new ArrayList<>(List.of("scan"));
    try (var files = Files.list(primary.logDirectory())) {
      files.filter(f -> f.toString().endsWith(".csv")).sorted().forEach(f -> args.add(f.toString()));
    }
    Path out = Pipeline.ROOT.resolve("it/target/it-logs/CaptureExactnessIT/scan.log");
    List<JsonNode> lines = new ArrayList<>();
    try (JavaProcess scan = JavaProcess.startJar(Pipeline.PRODUCER_JAR, List.of("-Xmx256m"), args, Map.of(), out)) {
      assertThat(scan.waitFor(Duration.ofSeconds(120))).as(scan.output()).isZero();
      for (String line : scan.output().split("\n")) {
        if (line.startsWith("{")) {
          lines.add(EventCodec.mapper().readTree(line));
        }
      }
    }
    Function<String, List<String>> decisions = table -> lines.stream()
        .filter(l -> l.path("event").path("statement").asText().contains(table + " "))
        .map(l -> l.path("decision").asText() + ": " + l.path("reason").asText()).toList();
    assertThat(decisions.apply("tx_commit")).first().asString().startsWith("publish");
    assertThat(decisions.apply("tx_rollback")).singleElement().asString().startsWith("drop").contains("rolled back");
    assertThat(decisions.apply("tx_aborted")).singleElement().asString().startsWith("drop");
    assertThat(decisions.apply("tmp1")).isNotEmpty().allMatch(d -> d.startsWith("drop") && d.contains("temporary"));
    // offline, a prepared transaction is undecided: only the live primary knows COMMIT/ROLLBACK PREPARED's outcome
    assertThat(lines.stream().filter(l -> l.path("event").path("statement").asText().contains("tx_2pc_commit ")))
        .singleElement().satisfies(l -> {
          assertThat(l.path("decision").asText()).isEqualTo("undecided");
          assertThat(l.path("needs").asText()).isEqualTo("primary");
        });
    assertThat(lines.toString()).doesNotContain("RoleSecret9").doesNotContain("AppSecret");
  }

  private static void allowPasswordLogin(PostgresServer server, String role) throws Exception {
    Path hba = server.pgdata().resolve("pg_hba.conf");
    String rules = Files.readString(hba);
    Files.writeString(hba, "host all " + role + " 127.0.0.1/32 scram-sha-256\n" + rules);
    server.query("postgres", "SELECT pg_reload_conf()");
    Thread.sleep(500);
  }
}
