package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.PsqlResult;
import io.ddlcast.testkit.PsqlRun;
import io.ddlcast.testkit.SchemaSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Session settings that decide what a DDL statement creates travel with it: each case runs, in its own database,
 * psql on the primary under a setting other than the default, and the standby must end with the same
 * {@code pg_dump --schema-only}. The standby's own DateStyle is set to DMY where the primary's is MDY, so that a
 * statement run under the default must get the primary's value too, not the standby's; and one event's settings
 * must not reach the next.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SettingsIT {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final List<String> DATABASES = List.of("s_bodies", "s_literals", "s_storage", "s_dumped",
      "s_restored");

  private Pipeline pipeline;
  private PostgresServer primary;
  private PostgresServer standby;
  private Path primaryTablespace;

  @BeforeAll
  void start() throws Exception {
    pipeline = new Pipeline("SettingsIT", "standby1");
    primary = pipeline.primary;
    standby = pipeline.standby("standby1");
    standby.execute("postgres", "ALTER SYSTEM SET DateStyle = 'ISO, DMY'", "SELECT pg_reload_conf()");
    assertThat(pipeline.installHelper()).contains("installed");
    primaryTablespace = tablespaceDir("primary");
    pipeline.startProducer();
    pipeline.startApplier("standby1", "--tablespace-map", primaryTablespace + "=" + tablespaceDir("standby1"));
    // every cluster-wide statement first: they are barriers, which one case's stopped database would hold up
    for (String database : DATABASES) {
      primary.execute("postgres", "CREATE DATABASE " + database);
    }
    primary.execute("postgres", "CREATE TABLESPACE s_space LOCATION '" + primaryTablespace + "'");
    Await.until("the databases and the tablespace on the standby", CONVERGE,
        () -> standby.databases().containsAll(DATABASES)
            && !standby.query("postgres", "SELECT 1 FROM pg_tablespace WHERE spcname = 's_space'").isEmpty());
  }

  @AfterAll
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  /** The database converged on the standby, with no error there. */
  private void converged(String database) {
    Await.until("database " + database + " to converge on the standby", CONVERGE,
        () -> standby.schemaDump(database).equals(primary.schemaDump(database)));
  }

  private void script(String database, String sql) {
    PsqlResult run = primary.psql(PsqlRun.script(database, sql));
    assertThat(run.output()).as("psql on the primary").doesNotContain("ERROR");
  }

  @Test
  @Order(1)
  void aFunctionBodyNamingALaterTableUnderCheckFunctionBodiesOff() {
    script("s_bodies", """
        SET check_function_bodies = false;
        CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM later $$;
        CREATE TABLE later (a int);
        """);
    converged("s_bodies");
  }

  @Test
  @Order(2)
  void literalsReadUnderTheSessionsTimeZoneDateStyleIntervalStyleArrayNullsAndNullEquals() {
    script("s_literals", """
        SET TimeZone = 'America/New_York';
        SET DateStyle = 'ISO, DMY';
        SET IntervalStyle = sql_standard;
        SET array_nulls = off;
        SET transform_null_equals = on;
        CREATE TABLE t (ts timestamptz DEFAULT '2000-01-01 00:00', d date DEFAULT '01/02/2000',
          i interval DEFAULT '-1 2:03:04', a text[] DEFAULT '{NULL}');
        CREATE VIEW v AS SELECT 1 AS x WHERE 1 = NULL;
        """);
    // another session, all defaults: nothing of the first one's reaches it on the standby, nor the standby's DMY
    script("s_literals", """
        CREATE TABLE t2 (ts timestamptz DEFAULT '2000-01-01 00:00', d date DEFAULT '01/02/2000',
          i interval DEFAULT '-1 2:03:04', a text[] DEFAULT '{NULL}');
        CREATE VIEW v2 AS SELECT 1 AS x WHERE 1 = NULL;
        """);
    converged("s_literals");
    assertThat(standby.query("s_literals", "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef "
        + "WHERE adrelid = 't2'::regclass AND adnum = 2")).containsExactly("'2000-01-02'::date");
  }

  @Test
  @Order(3)
  void tablesGoToTheSessionsDefaultAccessMethodAndTablespace() {
    script("s_storage", """
        CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler;
        SET default_table_access_method = heap2;
        SET default_tablespace = s_space;
        CREATE TABLE t (a int PRIMARY KEY);
        CREATE MATERIALIZED VIEW mv AS SELECT 1 AS a;
        """);
    converged("s_storage");
    assertThat(standby.query("s_storage", "SELECT c.relname || ' ' || coalesce(a.amname, '-') || ' ' "
        + "|| coalesce(s.spcname, '-') FROM pg_class c LEFT JOIN pg_am a ON a.oid = c.relam LEFT JOIN pg_tablespace s "
        + "ON s.oid = c.reltablespace WHERE c.relname IN ('t', 't_pkey', 'mv') ORDER BY 1"))
        .containsExactly("mv heap2 s_space", "t heap2 s_space", "t_pkey btree s_space");
  }

  @Test
  @Order(4)
  void aPgDumpSchemaRestoredThroughPsqlConverges() {
    script("s_dumped", """
        CREATE TABLE later (a int, d date DEFAULT '2000-01-02');
        CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM later $$;
        CREATE VIEW v AS SELECT f() AS n;
        """);
    String dump = primary.schemaDump("s_dumped");
    assertThat(dump).contains("SET check_function_bodies = false;");
    assertThat(dump.indexOf("CREATE FUNCTION public.f()")).isLessThan(dump.indexOf("CREATE TABLE public.later"));
    script("s_restored", dump);
    converged("s_restored");
  }

  @Test
  @Order(99)
  void everythingConvergedWithoutAnErrorOnTheStandby() {
    // the tablespace's location is the standby's own: gone, the globals compare equal
    script("s_storage", "DROP MATERIALIZED VIEW mv; DROP TABLE t;");
    primary.execute("postgres", "DROP TABLESPACE s_space");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby);
    assertThat(standby.serverLogErrors()).as("ERRORs on the standby").isEmpty();
  }

  private Path tablespaceDir(String server) throws Exception {
    Path base = primary.pgdata() == null ? Path.of("/tmp") : primary.pgdata().getParent();
    Path dir = base.resolveSibling(base.getFileName() + "-settings-ts-" + server);
    if (!Files.exists(dir)) {
      Files.createDirectories(dir);
      if ("root".equals(System.getProperty("user.name"))) {
        new ProcessBuilder("chown", "postgres", dir.toString()).inheritIO().start().waitFor();
      }
    }
    return dir;
  }
}
