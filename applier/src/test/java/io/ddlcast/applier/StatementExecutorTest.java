package io.ddlcast.applier;

import static io.ddlcast.applier.TestEvents.TP;
import static io.ddlcast.applier.TestEvents.clusterWide;
import static io.ddlcast.applier.TestEvents.inDatabase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.applier.FakeStandby.Marker;
import io.ddlcast.applier.FakeStandby.Session;
import io.ddlcast.applier.FakeStandby.Sql;
import io.ddlcast.common.error.ErrorClassifier;
import io.ddlcast.common.error.ErrorKind;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.SessionSetting;
import io.ddlcast.common.jdbc.PgUrl;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the executor sends to the standby for an event, over {@link FakeStandby}: where and under which role it runs,
 * how its marker is written, and what it does not run.
 */
class StatementExecutorTest {
  private static final Lane CLUSTER = Lane.CLUSTER;
  private static final Lane APP = Lane.database("app");

  private final FakeStandby standby = new FakeStandby();
  private final StatementExecutor executor = new StatementExecutor(new StandbyConnections(
      PgUrl.parse("jdbc:postgresql://standby:5432/postgres?user=ddlcast"), standby::open),
      Map.of("/primary/fast", "/standby/fast"));

  private StatementExecutor.Result execute(DdlEvent event, Lane lane, long offset) throws SQLException {
    return executor.execute(new Work(TP, offset, lane, event, null));
  }

  private static Sql only(List<Sql> log, String sql) {
    List<Sql> found = log.stream().filter(s -> s.sql().equals(sql)).toList();
    assertThat(found).as("\"%s\" in %s", sql, log).hasSize(1);
    return found.get(0);
  }

  private static Sql markerWrite(List<Sql> log) {
    List<Sql> writes = log.stream().filter(s -> s.sql().startsWith("INSERT INTO ddlcast.applied")).toList();
    assertThat(writes).as("marker writes in %s", log).hasSize(1);
    return writes.get(0);
  }

  @Test
  void eventsOfManyDatabasesKeepAtMostMaxConnectionsOpen() throws SQLException {
    int max = StandbyLimits.DEFAULT.maxConnections();
    int databases = max + 10;
    for (int k = 0; k < databases; k++) {
      standby.database("db" + k);
      assertThat(execute(inDatabase("db" + k, k, "CREATE TABLE", "CREATE TABLE t ()", null),
          Lane.database("db" + k), k)).isEqualTo(StatementExecutor.Result.APPLIED);
    }
    assertThat(standby.opened()).hasSizeGreaterThanOrEqualTo(databases);
    assertThat(standby.opened().size() - standby.closed().size()).isLessThanOrEqualTo(max);
    // the most recently used stay: the next event of the last database reuses its connection
    int opened = standby.opened().size();
    execute(inDatabase("db" + (databases - 1), databases, "CREATE TABLE", "CREATE TABLE u ()", null),
        Lane.database("db" + (databases - 1)), databases);
    assertThat(standby.opened()).hasSize(opened);
  }

  @Test
  void theStatementRunsUnderTheEventsRoleAndSearchPathAndItsMarkerCommitsWithIt() throws SQLException {
    DdlEvent event = inDatabase("app", 7, "CREATE TABLE", "CREATE TABLE t ()",
        new ExecutionContext("app_owner", "alice", "app, public"));

    assertThat(execute(event, APP, 7)).isEqualTo(StatementExecutor.Result.APPLIED);

    List<Sql> log = standby.log("app");
    Sql ddl = only(log, "CREATE TABLE t ()");
    // as app_owner, through app_owner's definer function: the session user stays the applier (alice is not set)
    assertThat(ddl.session()).isEqualTo(new Session(null, "app_owner", "app, public"));
    assertThat(ddl.inTransaction()).isTrue();
    Sql marker = markerWrite(log);
    assertThat(marker.transaction()).isEqualTo(ddl.transaction());
    assertThat(marker.session().sessionRole()).isNull(); // written as the applier, not as alice
    assertThat(marker.session().role()).isNull();
    Sql commit = log.get(log.size() - 1);
    assertThat(commit.sql()).isEqualTo("COMMIT");
    assertThat(commit.transaction()).isEqualTo(ddl.transaction());
    assertThat(log.indexOf(marker)).isBetween(log.indexOf(ddl), log.indexOf(commit));
    assertThat(standby.marker("app", "app")).isEqualTo(new Marker(7, -1));
  }

  private static List<Sql> settingsQueries(List<Sql> log) {
    return log.stream().filter(s -> s.sql().equals(StatementSettings.SQL)).toList();
  }

  @Test
  void theEventsSettingsAreSetForItsTransactionOnlyBuiltInValuesForTheOthersValuesAsParameters() throws SQLException {
    Map<SessionSetting, String> settings = Map.of(SessionSetting.DATE_STYLE, "ISO, DMY'); DROP TABLE t; --",
        SessionSetting.CHECK_FUNCTION_BODIES, "off");
    execute(inDatabase("app", 1, "CREATE TABLE", "CREATE TABLE a ()",
        new ExecutionContext("app_owner", null, "app", settings)), APP, 1);
    execute(inDatabase("app", 2, "CREATE TABLE", "CREATE TABLE b ()",
        new ExecutionContext("app_owner", null, "app")), APP, 2); // settings unknown: nothing set

    List<Sql> log = standby.log("app");
    Sql set = settingsQueries(log).get(0);
    assertThat(settingsQueries(log)).hasSize(1);
    Sql ddl = only(log, "CREATE TABLE a ()");
    assertThat(set.transaction()).isNotNull().isEqualTo(ddl.transaction());
    assertThat(log.indexOf(set)).isLessThan(log.indexOf(ddl));
    assertThat(set.session()).isEqualTo(Session.APPLIER);
    // is_local, then one value per setting in the fixed order: the event's, or null for the built-in value
    List<Object> expected = new ArrayList<>();
    expected.add(true);
    for (SessionSetting s : SessionSetting.values()) {
      expected.add(settings.get(s));
    }
    assertThat(set.params()).containsExactlyElementsOf(expected);
    assertThat(StatementSettings.SQL).doesNotContain("DROP").contains("'check_function_bodies'", "'TimeZone'");
    // the marker is written after RESET ALL, which puts the connection's own settings back within the transaction
    Sql reset = log.stream().filter(s -> s.sql().equals("RESET ALL") && ddl.transaction().equals(s.transaction()))
        .findFirst().orElseThrow();
    Sql marker = log.stream().filter(s -> s.sql().startsWith("INSERT INTO ddlcast.applied")
        && ddl.transaction().equals(s.transaction())).findFirst().orElseThrow();
    assertThat(log.indexOf(reset)).isBetween(log.indexOf(ddl), log.indexOf(marker));
  }

  @Test
  void aStatementOutsideATransactionGetsTheSettingsForTheSessionResetRightAfter() throws SQLException {
    execute(inDatabase("app", 7, "CREATE INDEX", "CREATE INDEX CONCURRENTLY i ON t (c)",
        new ExecutionContext("app_owner", null, "app", Map.of(SessionSetting.DEFAULT_TABLESPACE, "fast"))), APP, 7);

    List<Sql> log = standby.log("app");
    Sql set = settingsQueries(log).get(0);
    Sql ddl = only(log, "CREATE INDEX CONCURRENTLY i ON t (c)");
    assertThat(set.inTransaction()).isFalse();
    assertThat(set.params().get(0)).isEqualTo(false);
    assertThat(set.params().get(1 + SessionSetting.DEFAULT_TABLESPACE.ordinal())).isEqualTo("fast");
    assertThat(set.session().sessionRole()).isEqualTo("app_owner");
    assertThat(log.indexOf(set)).isLessThan(log.indexOf(ddl));
    assertThat(log.get(log.indexOf(ddl) + 2).sql()).isEqualTo("RESET ALL");
  }

  @Test
  void anEventWithoutContextRunsAsItsLoginUserWithThatUsersDefaultSearchPath() throws SQLException {
    execute(inDatabase("app", 1, "CREATE TABLE", "CREATE TABLE a ()",
        new ExecutionContext("app_owner", "alice", "app")), APP, 1);
    execute(inDatabase("app", 2, "CREATE TABLE", "CREATE TABLE b ()"), APP, 2); // user "postgres", no context

    Session b = only(standby.log("app"), "CREATE TABLE b ()").session();
    assertThat(b).isEqualTo(new Session(null, "postgres", FakeStandby.DEFAULT_SEARCH_PATH));
    assertThat(b).isNotEqualTo(Session.APPLIER); // the applier logs in as ddlcast
    assertThat(standby.opened()).containsExactly("app"); // one connection for the database's events
  }

  @Test
  void aStatementThatCannotRunInATransactionIsMarkedInDoubtThenRunThenMarkedApplied() throws SQLException {
    DdlEvent event = inDatabase("app", 7, "CREATE INDEX", "CREATE INDEX CONCURRENTLY i ON t (c)");

    assertThat(execute(event, APP, 7)).isEqualTo(StatementExecutor.Result.APPLIED);

    assertThat(standby.markerWrites()).containsExactly(new Marker(-1, 7), new Marker(7, -1));
    List<Sql> log = standby.log("app");
    Sql ddl = only(log, "CREATE INDEX CONCURRENTLY i ON t (c)");
    assertThat(ddl.inTransaction()).isFalse();
    List<Sql> writes = log.stream().filter(s -> s.sql().startsWith("INSERT INTO ddlcast.applied")).toList();
    assertThat(log.indexOf(writes.get(0))).isLessThan(log.indexOf(ddl));
    assertThat(log.indexOf(writes.get(1))).isGreaterThan(log.indexOf(ddl));
    assertThat(writes).noneMatch(Sql::inTransaction);
    assertThat(standby.marker("app", "app")).isEqualTo(new Marker(7, -1));
  }

  @Test
  void aDatabaseIsCreatedFromTheMaintenanceDatabaseAfterTheApplierLetGoOfTheOthers() throws SQLException {
    execute(inDatabase("app", 1, "CREATE TABLE", "CREATE TABLE t ()"), APP, 1);

    DdlEvent create = clusterWide("shop", 2, "CREATE DATABASE", "CREATE DATABASE shop");
    assertThat(execute(create, CLUSTER, 2)).isEqualTo(StatementExecutor.Result.APPLIED);

    assertThat(standby.closed()).containsExactly("app");
    assertThat(standby.ddl("postgres")).containsExactly("CREATE DATABASE shop");
    assertThat(only(standby.log("postgres"), "CREATE DATABASE shop").inTransaction()).isFalse();
    assertThat(standby.markerWrites()).endsWith(new Marker(-1, 2), new Marker(2, -1));
    assertThat(standby.marker("postgres", "(cluster)")).isEqualTo(new Marker(2, -1)); // the stored lane name
  }

  @Test
  void aStatementRefusedInATransactionBlockRunsOutsideOne() throws SQLException {
    standby.failInTransaction("ALTER TYPE mood ADD VALUE 'sad'", "25001");
    DdlEvent event = inDatabase("app", 5, "ALTER TYPE", "ALTER TYPE mood ADD VALUE 'sad'");

    assertThat(execute(event, APP, 5)).isEqualTo(StatementExecutor.Result.APPLIED);

    List<Sql> log = standby.log("app");
    List<Sql> attempts = log.stream().filter(s -> s.sql().equals("ALTER TYPE mood ADD VALUE 'sad'")).toList();
    assertThat(attempts).extracting(Sql::inTransaction).containsExactly(true, false);
    assertThat(log.subList(log.indexOf(attempts.get(0)), log.size())).extracting(Sql::sql)
        .filteredOn(sql -> sql.equals("ROLLBACK") || sql.equals("COMMIT")).containsExactly("ROLLBACK");
    assertThat(standby.markerWrites()).containsExactly(new Marker(-1, 5), new Marker(5, -1));
    assertThat(standby.marker("app", "app")).isEqualTo(new Marker(5, -1));
  }

  @Test
  void anEventAtOrBelowTheMarkerIsNotRunAgain() throws SQLException {
    standby.marker("app", "app", 7, -1);

    assertThat(execute(inDatabase("app", 6, "CREATE TABLE", "CREATE TABLE six ()"), APP, 6))
        .isEqualTo(StatementExecutor.Result.ALREADY_APPLIED);
    assertThat(execute(inDatabase("app", 7, "CREATE TABLE", "CREATE TABLE seven ()"), APP, 7))
        .isEqualTo(StatementExecutor.Result.ALREADY_APPLIED);
    assertThat(execute(inDatabase("app", 8, "CREATE TABLE", "CREATE TABLE eight ()"), APP, 8))
        .isEqualTo(StatementExecutor.Result.APPLIED);

    assertThat(standby.ddl("app")).containsExactly("CREATE TABLE eight ()");
  }

  @Test
  void anotherLanesMarkerDoesNotHoldThisLaneBack() throws SQLException {
    standby.marker("app", "other", 7, -1);

    assertThat(execute(inDatabase("app", 3, "CREATE TABLE", "CREATE TABLE t ()"), APP, 3))
        .isEqualTo(StatementExecutor.Result.APPLIED);
  }

  @Test
  void anEventLeftInDoubtThatTookEffectIsMarkedAppliedWithoutRunningAgain() throws SQLException {
    standby.marker("postgres", "(cluster)", 3, 8);
    standby.database("shop");

    StatementExecutor.Result result = execute(clusterWide("shop", 8, "CREATE DATABASE", "CREATE DATABASE shop"),
        CLUSTER, 8);

    assertThat(result.applied()).isFalse();
    assertThat(result.skipReason()).isEqualTo("it took effect before the applier stopped (database shop exists)");
    assertThat(standby.ddl("postgres")).isEmpty();
    assertThat(standby.marker("postgres", "(cluster)")).isEqualTo(new Marker(8, -1));
  }

  @Test
  void anEventLeftInDoubtThatDidNotTakeEffectRunsWithoutBeingMarkedInDoubtAgain() throws SQLException {
    standby.marker("postgres", "(cluster)", 3, 8);

    assertThat(execute(clusterWide("shop", 8, "CREATE DATABASE", "CREATE DATABASE shop"), CLUSTER, 8))
        .isEqualTo(StatementExecutor.Result.APPLIED);

    assertThat(standby.ddl("postgres")).containsExactly("CREATE DATABASE shop");
    assertThat(standby.markerWrites()).containsExactly(new Marker(8, -1));
  }

  @Test
  void aTablespaceWithoutMappingIsSkippedAndMarked() throws SQLException {
    StatementExecutor.Result result = execute(clusterWide("postgres", 4, "CREATE TABLESPACE",
        "CREATE TABLESPACE slow LOCATION '/primary/slow'"), CLUSTER, 4);

    assertThat(result.applied()).isFalse();
    assertThat(result.skipReason()).isEqualTo("no --tablespace-map entry for the primary's location '/primary/slow'");
    assertThat(standby.ddl("postgres")).isEmpty();
    assertThat(standby.marker("postgres", "(cluster)")).isEqualTo(new Marker(4, -1));
  }

  @Test
  void aMappedTablespaceIsCreatedAtTheStandbysLocation() throws SQLException {
    assertThat(execute(clusterWide("postgres", 4, "CREATE TABLESPACE",
        "CREATE TABLESPACE fast LOCATION '/primary/fast'"), CLUSTER, 4)).isEqualTo(StatementExecutor.Result.APPLIED);

    assertThat(standby.ddl("postgres")).containsExactly("CREATE TABLESPACE fast LOCATION '/standby/fast'");
  }

  @Test
  void aTablespaceTheStandbyNeverCreatedIsNeitherAlteredNorDropped() throws SQLException {
    standby.tablespace("fast");

    StatementExecutor.Result skipped = execute(clusterWide("postgres", 5, "ALTER TABLESPACE",
        "ALTER TABLESPACE slow OWNER TO bob"), CLUSTER, 5);
    StatementExecutor.Result dropped = execute(clusterWide("postgres", 6, "DROP TABLESPACE",
        "DROP TABLESPACE IF EXISTS fast"), CLUSTER, 6);

    assertThat(skipped.skipReason())
        .isEqualTo("the tablespace was never created on this standby (no --tablespace-map entry)");
    assertThat(dropped).isEqualTo(StatementExecutor.Result.APPLIED);
    assertThat(standby.ddl("postgres")).containsExactly("DROP TABLESPACE IF EXISTS fast");
    assertThat(standby.marker("postgres", "(cluster)")).isEqualTo(new Marker(6, -1));
  }

  @Test
  void aFailedStatementLeavesNoMarkerAndTheConnectionIsOpenedAfresh() throws SQLException {
    standby.fail("CREATE TABLE t ()", "42P07");

    assertThatThrownBy(() -> execute(inDatabase("app", 3, "CREATE TABLE", "CREATE TABLE t ()"), APP, 3))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42P07"));
    assertThat(standby.marker("app", "app")).isNull();
    assertThat(standby.closed()).containsExactly("app");

    assertThat(execute(inDatabase("app", 4, "CREATE TABLE", "CREATE TABLE u ()"), APP, 4))
        .isEqualTo(StatementExecutor.Result.APPLIED);
    assertThat(standby.opened()).containsExactly("app", "app");
    assertThat(standby.log("app").stream().filter(s -> s.sql().startsWith("SELECT last_offset"))).hasSize(2);
  }

  // --- rights: the role's definer function, the guard, one statement, session authorization outside transactions ---

  /** The event as run by another login user. */
  private static DdlEvent byUser(DdlEvent e, String user) {
    return new DdlEvent(e.schema(), e.id(), e.source(), e.database(), e.key(), e.scope(), user, e.context(),
        e.command(), e.statement(), e.logTime(), e.position(), e.schemas());
  }

  private static List<Sql> calls(List<Sql> log) {
    return log.stream().filter(s -> s.sql().startsWith("WITH a AS MATERIALIZED")).toList();
  }

  @Test
  void eachRolesFunctionIsMadeOnFirstUseInEachDatabaseAndOwnedByThatRole() throws SQLException {
    ExecutionContext owner = new ExecutionContext("app_owner", null, "app");
    execute(inDatabase("app", 1, "CREATE TABLE", "CREATE TABLE a ()", owner), APP, 1);
    execute(inDatabase("app", 2, "CREATE TABLE", "CREATE TABLE b ()", owner), APP, 2);
    execute(byUser(inDatabase("app", 3, "CREATE TABLE", "CREATE TABLE c ()"), "carol"), APP, 3);
    execute(inDatabase("shop", 4, "CREATE TABLE", "CREATE TABLE d ()", owner), Lane.database("shop"), 4);

    assertThat(standby.installs()).containsExactly("app:app_owner", "app:carol", "shop:app_owner");
    assertThat(only(standby.log("app"), "CREATE TABLE c ()").session())
        .isEqualTo(new Session(null, "carol", FakeStandby.DEFAULT_SEARCH_PATH));
    List<String> made = standby.log().stream().map(Sql::sql).filter(sql -> sql.contains("FUNCTION ddlcast.run_as_"))
        .toList();
    assertThat(made).contains("ALTER FUNCTION " + RunAs.signature("app_owner") + " OWNER TO \"app_owner\"",
        "REVOKE ALL ON FUNCTION " + RunAs.signature("carol") + " FROM PUBLIC");
    assertThat(made).filteredOn(sql -> sql.startsWith("CREATE OR REPLACE FUNCTION"))
        .allMatch(sql -> sql.contains("SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET "
            + "standard_conforming_strings = on AS $ddlcast$" + RunAs.BODY + "$ddlcast$"));
    assertThat(RunAs.functionName("app_owner")).matches("run_as_[0-9a-f]{32}")
        .isNotEqualTo(RunAs.functionName("carol"));
  }

  @Test
  void theCallRunsTheFunctionOnlyIfTheSameStatementFindsItAsDdlcastMadeIt() throws SQLException {
    execute(inDatabase("app", 1, "CREATE TABLE", "CREATE TABLE a ()", new ExecutionContext("r", null, "s")), APP, 1);

    Sql call = calls(standby.log()).get(0);
    assertThat(call.params()).containsExactly("CREATE TABLE a ()", "s", "r", "r", RunAs.BODY);
    String sql = call.sql();
    // the arguments come from a materialized CTE: the planner cannot call the function before the CASE decides
    assertThat(sql).startsWith("WITH a AS MATERIALIZED (SELECT ?::pg_catalog.text AS s, coalesce(?::pg_catalog.text, ");
    String guard = sql.substring(sql.indexOf("CASE WHEN"), sql.indexOf(" THEN ddlcast."));
    assertThat(guard).contains("f.prosecdef", "f.provolatile = 'v'",
        "f.proowner = (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = ?)",
        "f.proconfig = '{\"search_path=pg_catalog, pg_temp\",standard_conforming_strings=on}'", "f.prosrc = ?");
    assertThat(sql).contains("THEN ddlcast." + RunAs.functionName("r") + "(a.s, a.p) END FROM a, pg_catalog.pg_proc f "
        + "WHERE f.oid = pg_catalog.to_regprocedure('ddlcast." + RunAs.functionName("r")
        + "(pg_catalog.text,pg_catalog.text)')");
  }

  @Test
  void eachCallScansTheTriggersOnceAndTheFilesSearchPathIsReadOncePerConnection() throws SQLException {
    assertThat(RunAs.BODY.split("pg_catalog.pg_trigger", -1)).hasSize(2);
    assertThat(RunAs.BODY.indexOf("pg_catalog.pg_trigger")).isGreaterThan(RunAs.BODY.indexOf("EXECUTE $1;"));
    for (int n = 1; n <= 3; n++) { // no context: the login user's default search_path
      execute(inDatabase("app", n, "CREATE TABLE", "CREATE TABLE t" + n + " ()"), APP, n);
    }
    execute(inDatabase("app", 4, "CREATE INDEX", "CREATE INDEX CONCURRENTLY i ON t1 (c)"), APP, 4);
    execute(inDatabase("shop", 5, "CREATE TABLE", "CREATE TABLE s ()"), Lane.database("shop"), 5);

    assertThat(standby.fileSearchPathReads()).isEqualTo(2); // app's connection, shop's
    List<Sql> calls = calls(standby.log().stream().filter(s -> s.database().equals("app")).toList());
    assertThat(calls).hasSize(3).extracting(Sql::sql).containsOnly(calls.get(0).sql());
    assertThat(only(standby.log("app"), "CREATE INDEX CONCURRENTLY i ON t1 (c)").session().searchPath())
        .isEqualTo(FakeStandby.DEFAULT_SEARCH_PATH);
  }

  @Test
  void aFunctionTheRoleChangedIsMadeAgainBeforeTheStatementRunsOnce() throws SQLException {
    ExecutionContext mallory = new ExecutionContext("mallory", null, "mallory");
    execute(inDatabase("app", 1, "CREATE TABLE", "CREATE TABLE a ()", mallory), APP, 1);
    standby.tamperWithFunction("app", "mallory"); // e.g. ALTER FUNCTION ... SECURITY INVOKER from her code

    assertThat(execute(inDatabase("app", 2, "CREATE TABLE", "CREATE TABLE b ()", mallory), APP, 2))
        .isEqualTo(StatementExecutor.Result.APPLIED);

    assertThat(standby.installs()).containsExactly("app:mallory", "app:mallory");
    Sql b = only(standby.log("app"), "CREATE TABLE b ()");
    assertThat(b.session().role()).isEqualTo("mallory");
    List<String> inItsTransaction = standby.log().stream().filter(s -> b.transaction().equals(s.transaction()))
        .map(Sql::sql).map(sql -> sql.startsWith("WITH a AS MATERIALIZED") ? "call" : sql)
        .filter(sql -> !sql.startsWith("REVOKE") && !sql.startsWith("CREATE SCHEMA") && !sql.startsWith("SELECT r."))
        .map(sql -> sql.startsWith("CREATE OR REPLACE FUNCTION") ? "make" : sql).toList();
    assertThat(inItsTransaction.subList(0, 5)).containsExactly("call", "make",
        "ALTER FUNCTION " + RunAs.signature("mallory") + " OWNER TO \"mallory\"", "call", "CREATE TABLE b ()");
    assertThat(standby.marker("app", "app")).isEqualTo(new Marker(2, -1));
  }

  @Test
  void aFunctionTheRoleDroppedIsMadeAgainAndTheEventTriedOnceMore() throws SQLException {
    ExecutionContext mallory = new ExecutionContext("mallory", null, "mallory");
    execute(inDatabase("app", 1, "CREATE TABLE", "CREATE TABLE a ()", mallory), APP, 1);
    standby.dropFunction("app", "mallory"); // DROP OWNED BY mallory, from her code

    assertThat(execute(inDatabase("app", 2, "CREATE TABLE", "CREATE TABLE b ()", mallory), APP, 2))
        .isEqualTo(StatementExecutor.Result.APPLIED);

    assertThat(standby.installs()).containsExactly("app:mallory", "app:mallory");
    assertThat(only(standby.log("app"), "CREATE TABLE b ()").session().role()).isEqualTo("mallory");
    assertThat(standby.log("app")).extracting(Sql::sql).containsSubsequence("ROLLBACK", "CREATE TABLE b ()", "COMMIT");
    assertThat(standby.marker("app", "app")).isEqualTo(new Marker(2, -1));
  }

  @Test
  void afterDropOwnedTheRolesFunctionIsLookedForBeforeItIsCalled() throws SQLException {
    ExecutionContext mallory = new ExecutionContext("mallory", null, "mallory");
    execute(inDatabase("app", 1, "CREATE TABLE", "CREATE TABLE a ()", mallory), APP, 1);
    execute(inDatabase("app", 2, "DROP OWNED", "DROP OWNED BY mallory", mallory), APP, 2);
    standby.dropFunction("app", "mallory"); // what that DROP OWNED did on a real standby

    assertThat(execute(inDatabase("app", 3, "CREATE TABLE", "CREATE TABLE b ()", mallory), APP, 3))
        .isEqualTo(StatementExecutor.Result.APPLIED);
    // no call that fails on the missing function (an ERROR in the standby's log), no rollback before it
    assertThat(standby.log("app")).extracting(Sql::sql).doesNotContain("ROLLBACK");
    assertThat(standby.installs()).containsExactly("app:mallory", "app:mallory");
  }

  @Test
  void aFunctionStillWrongAfterItWasMadeAgainFailsTheEventAndRunsNothing() throws SQLException {
    standby.refuseFunctions("app");

    assertThatThrownBy(() -> execute(inDatabase("app", 1, "CREATE TABLE", "CREATE TABLE a ()"), APP, 1))
        .isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("55000");
          assertThat(e.getMessage()).contains(RunAs.signature("postgres"), "not the function ddlcast just made");
        });
    assertThat(standby.ddl("app")).isEmpty();
    assertThat(standby.marker("app", "app")).isNull();
  }

  @Test
  void anEventOfSeveralStatementsFailsPermanentlyAndRunsNothing() throws SQLException {
    String two = "CREATE TABLE a (); ALTER ROLE mallory SUPERUSER";
    assertThatThrownBy(() -> execute(inDatabase("app", 1, "CREATE TABLE", two), APP, 1))
        .isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(ErrorClassifier.classifySql(e)).isEqualTo(ErrorKind.PERMANENT);
          assertThat(e.getMessage()).contains("holds 2 statements where ddlcast runs exactly one");
        });
    assertThatThrownBy(() -> execute(clusterWide("x", 2, "CREATE DATABASE", "CREATE DATABASE x; DROP DATABASE y"),
        CLUSTER, 2)).isInstanceOf(SQLException.class);
    assertThat(standby.ddl("app")).isEmpty();
    assertThat(standby.ddl("postgres")).isEmpty();
    assertThat(standby.marker("app", "app")).isNull();

    String withComments = "CREATE TABLE c (); -- done\n/* ; */";
    assertThat(execute(inDatabase("app", 3, "CREATE TABLE", withComments), APP, 3))
        .isEqualTo(StatementExecutor.Result.APPLIED);
  }

  @Test
  void anEventWithNeitherRoleNorUserIsNotRunWithTheAppliersRights() {
    assertThatThrownBy(() -> execute(byUser(inDatabase("app", 1, "CREATE TABLE", "CREATE TABLE a ()"), null), APP, 1))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getMessage()).contains("names no role"));
    assertThat(standby.ddl("app")).isEmpty();
  }

  @Test
  void aStatementOutsideATransactionRunsUnderTheRolesSessionAuthorizationWhichIsResetRightAfter()
      throws SQLException {
    DdlEvent event = inDatabase("app", 7, "CREATE INDEX", "CREATE INDEX CONCURRENTLY i ON t (c)",
        new ExecutionContext("app_owner", "alice", "app, public"));

    assertThat(execute(event, APP, 7)).isEqualTo(StatementExecutor.Result.APPLIED);

    List<Sql> log = standby.log("app");
    Sql ddl = only(log, "CREATE INDEX CONCURRENTLY i ON t (c)");
    assertThat(ddl.session()).isEqualTo(new Session("app_owner", null, "app, public"));
    assertThat(log.subList(log.indexOf(ddl) + 1, log.indexOf(ddl) + 3)).extracting(Sql::sql)
        .containsExactly("RESET SESSION AUTHORIZATION", "RESET ALL");
    assertThat(log.get(log.size() - 1).sql()).startsWith("INSERT INTO ddlcast.applied");
    assertThat(log.get(log.size() - 1).session()).isEqualTo(Session.APPLIER);
    assertThat(calls(standby.log())).isEmpty();

    execute(clusterWide("shop", 8, "CREATE DATABASE", "CREATE DATABASE shop"), CLUSTER, 8); // no context: its user
    assertThat(only(standby.log("postgres"), "CREATE DATABASE shop").session())
        .isEqualTo(new Session("postgres", null, FakeStandby.DEFAULT_SEARCH_PATH));
  }

  @Test
  void aStatementWhoseCodeRaises25001IsNotRunOutsideTheFunction() {
    String ctas = "CREATE TABLE t AS SELECT mallory.grab()";
    standby.failInTransaction(ctas, "25001"); // her function raises it, to be run again as her session

    assertThatThrownBy(() -> execute(inDatabase("app", 5, "CREATE TABLE AS", ctas,
        new ExecutionContext("mallory", null, "mallory")), APP, 5))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25001"));
    assertThat(standby.log("app")).filteredOn(s -> s.sql().equals(ctas)).extracting(Sql::inTransaction)
        .containsExactly(true);
    assertThat(standby.log()).noneMatch(s -> s.sql().startsWith("SET SESSION AUTHORIZATION"));
    assertThat(StatementExecutor.mayRunOutsideTransaction("ALTER TYPE mood ADD VALUE 'sad'")).isTrue();
    assertThat(StatementExecutor.mayRunOutsideTransaction("REINDEX SCHEMA s")).isTrue();
    assertThat(StatementExecutor.mayRunOutsideTransaction("ALTER TYPE t ALTER ATTRIBUTE a TYPE text CASCADE"))
        .isFalse();
    assertThat(StatementExecutor.mayRunOutsideTransaction("ALTER TABLE t ADD COLUMN b int DEFAULT f()")).isFalse();
  }

  @Test
  void selectIntoRunsAsTheCreateTableAsItMeans() throws SQLException {
    execute(inDatabase("app", 1, "SELECT INTO", "SELECT grab() AS x INTO t FROM s",
        new ExecutionContext("r", null, "p")), APP, 1);

    assertThat(only(standby.log("app"), "CREATE TABLE t AS SELECT grab() AS x FROM s").session().role())
        .isEqualTo("r");
  }

  @Test
  void markersAndLookupsAreTheAppliersWithPgCatalogNamesAfterTheStatementsSettingsAreReset() throws SQLException {
    standby.tablespace("fast");
    execute(inDatabase("app", 1, "CREATE TABLE", "CREATE TABLE a ()", new ExecutionContext("r", null, "r")), APP, 1);
    execute(inDatabase("app", 2, "CREATE TABLE", "CREATE TABLE b ()", new ExecutionContext("r", null, "r")), APP, 2);
    execute(clusterWide("postgres", 3, "DROP TABLESPACE", "DROP TABLESPACE fast"), CLUSTER, 3);

    List<Sql> all = standby.log();
    assertThat(all).filteredOn(s -> s.sql().contains("ddlcast.applied")).isNotEmpty().allSatisfy(s -> {
      assertThat(s.session()).isEqualTo(Session.APPLIER);
      assertThat(s.sql().replace("pg_catalog.now()", "")).doesNotContain("now()");
    });
    assertThat(all).filteredOn(s -> s.sql().startsWith("CREATE TABLE IF NOT EXISTS ddlcast.applied"))
        .allMatch(s -> s.sql().contains("DEFAULT pg_catalog.now()"));
    assertThat(all).extracting(Sql::sql).contains("SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = ?");
    List<Sql> app = standby.log("app");
    Sql b = only(app, "CREATE TABLE b ()");
    Sql reset = app.get(app.indexOf(b) + 1);
    assertThat(reset.sql()).isEqualTo("RESET ALL");
    assertThat(reset.transaction()).isEqualTo(b.transaction());
    assertThat(app.get(app.indexOf(b) + 2).sql()).startsWith("INSERT INTO ddlcast.applied AS a");
  }

  @Test
  void anIndexLeftInDoubtIsLookedUpWithTheEventsRoleAndSearchPathInATransactionRolledBack() throws SQLException {
    standby.marker("app", "app", 3, 8);

    assertThat(execute(inDatabase("app", 8, "CREATE INDEX", "CREATE INDEX CONCURRENTLY i ON t (c)",
        new ExecutionContext("r", null, "s, public")), APP, 8)).isEqualTo(StatementExecutor.Result.APPLIED);

    List<Sql> log = standby.log("app");
    Sql set = only(log, "SELECT pg_catalog.set_config('role', E'r', true), "
        + "pg_catalog.set_config('search_path', E's, public', true)");
    Sql lookup = only(log, "SELECT pg_catalog.to_regclass(?)::pg_catalog.oid");
    assertThat(lookup.params()).containsExactly("i");
    assertThat(set.transaction()).isNotNull().isEqualTo(lookup.transaction());
    assertThat(log.get(log.indexOf(lookup) + 1).sql()).isEqualTo("ROLLBACK");
    assertThat(only(log, "CREATE INDEX CONCURRENTLY i ON t (c)").session())
        .isEqualTo(new Session("r", null, "s, public"));
  }

  @Test
  void whatTheStatementsCodeMadeForTheSessionIsDiscardedBeforeTheAppliersNextStatement() throws SQLException {
    // in the function, after the statement and its checks (what it made is gone before the call returns)
    assertThat(RunAs.BODY).containsSubsequence("EXECUTE $1;", "IF EXISTS (SELECT FROM pg_catalog.pg_cursors)",
        "EXECUTE 'DISCARD TEMP';", "RETURN true;");
    assertThat(RunAs.BODY).doesNotContain("'pg_catalog'"); // pg_temp is named (last) wherever a path is set
    // outside a transaction: right after the session is the applier's again, before the marker
    execute(inDatabase("app", 7, "CREATE INDEX", "CREATE INDEX CONCURRENTLY i ON t (c)",
        new ExecutionContext("app_owner", "alice", "app, public")), APP, 7);
    List<String> log = standby.log("app").stream().map(Sql::sql).toList();
    assertThat(log).containsSubsequence("CREATE INDEX CONCURRENTLY i ON t (c)", "RESET SESSION AUTHORIZATION",
        "RESET ALL", "DISCARD TEMP", "INSERT INTO ddlcast.applied AS a (lane, topic, kafka_partition, last_offset, "
        + "event_id, in_doubt_offset, applied_at) VALUES (?, ?, ?, ?, ?, ?, pg_catalog.now()) ON CONFLICT (lane, "
        + "topic, kafka_partition) DO UPDATE SET last_offset = EXCLUDED.last_offset, event_id = EXCLUDED.event_id, "
        + "in_doubt_offset = EXCLUDED.in_doubt_offset, applied_at = pg_catalog.now()");
  }

  @Test
  void theStatementQuotedInTheStandbysErrorIsMaskedExactlyWhateverItsPasswordHolds() {
    // PostgreSQL quotes the statement EXECUTE ran in the error's context as it is: a " in it ends nothing
    String statement = "ALTER ROLE x PASSWORD 'a\"b c'";
    SQLException e = new SQLException("ERROR: role \"x\" does not exist\n  Where: SQL statement \"" + statement
        + "\"\nPL/pgSQL function ddlcast.run_as_0(text,text) line 12 at EXECUTE", "42704");

    String message = StatementExecutor.errorMessage(e, inDatabase("app", 1, "ALTER ROLE", statement));

    assertThat(message).doesNotContain("a\"b").doesNotContain("b c").contains("ERROR: role \"x\" does not exist",
        "Where: SQL statement \"ALTER ROLE x PASSWORD '********'\"\nPL/pgSQL function", "line 12 at EXECUTE");
  }

  @Test
  void aSelectIntoQuotedInTheStandbysErrorIsMaskedAsTheCreateTableAsThatRan() {
    String statement = "SELECT password 'a\"b c' AS p INTO t";
    String ran = SelectInto.asCreateTableAs(statement);
    assertThat(ran).isEqualTo("CREATE TABLE t AS SELECT password 'a\"b c' AS p");
    SQLException e = new SQLException("ERROR: type \"password\" does not exist\n  Where: SQL statement \"" + ran
        + "\"\nPL/pgSQL function ddlcast.run_as_0(text,text) line 12 at EXECUTE", "42704");

    assertThat(StatementExecutor.errorMessage(e, inDatabase("app", 1, "SELECT INTO", statement)))
        .doesNotContain("b c").contains("SQL statement \"CREATE TABLE t AS SELECT password '********' AS p\"");
  }

  @Test
  void aStandbysErrorWithoutTheStatementIsMaskedAsAnyText() {
    // the case SecretsTest.aStatementQuotedInAnErrorsContextIsMaskedToo keeps for Secrets alone
    String error = "ERROR: user mapping for \"postgres\" already exists for server \"remote\"\n"
        + "  Where: SQL statement \"CREATE USER MAPPING FOR postgres SERVER remote OPTIONS (user 'app', "
        + "password 'TopSecret42')\"\nPL/pgSQL function ddlcast.run_as_x(text,text) line 12 at EXECUTE";
    assertThat(StatementExecutor.errorMessage(new SQLException(error, "42710"), null))
        .doesNotContain("TopSecret42").contains("password '********'")
        .contains("user mapping for \"postgres\" already exists");
  }

  @Test
  void everyConnectionStartsWithPgCatalogStandardStringsRowCountsAndNoBodyChecksAndEnglishAfterTheUrlsOwnOptions() {
    assertThat(StandbyConnections.connectProperties(PgUrl.parse("jdbc:postgresql://h/db")).getProperty("options"))
        .isEqualTo("-c search_path=pg_catalog,pg_temp -c standard_conforming_strings=on -c track_counts=on "
            + "-c check_function_bodies=off -c lc_messages=C -c lock_timeout=10000 -c statement_timeout=0");
    assertThat(StandbyConnections.connectProperties(PgUrl.parse("jdbc:postgresql://h/db?options=-c%20work_mem%3D8MB"))
        .getProperty("options"))
        .isEqualTo("-c work_mem=8MB -c search_path=pg_catalog,pg_temp -c standard_conforming_strings=on "
            + "-c track_counts=on -c check_function_bodies=off -c lc_messages=C -c lock_timeout=10000 "
            + "-c statement_timeout=0");
    assertThat(StandbyConnections.connectProperties(PgUrl.parse("jdbc:postgresql://h/db"))
        .getProperty("assumeMinServerVersion")).isEqualTo("9.0");
  }
}
