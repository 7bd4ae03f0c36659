package io.ddlcast.applier;

import static io.ddlcast.applier.TestEvents.TP;
import static io.ddlcast.applier.TestEvents.clusterWide;
import static io.ddlcast.applier.TestEvents.inDatabase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.applier.FakeStandby.Marker;
import io.ddlcast.applier.FakeStandby.Session;
import io.ddlcast.applier.FakeStandby.Sql;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.jdbc.PgUrl;
import java.sql.SQLException;
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
  void theStatementRunsUnderTheEventsRoleAndSearchPathAndItsMarkerCommitsWithIt() throws SQLException {
    DdlEvent event = inDatabase("app", 7, "CREATE TABLE", "CREATE TABLE t ()",
        new ExecutionContext("app_owner", "alice", "app, public"));

    assertThat(execute(event, APP, 7)).isEqualTo(StatementExecutor.Result.APPLIED);

    List<Sql> log = standby.log("app");
    Sql ddl = only(log, "CREATE TABLE t ()");
    assertThat(ddl.session()).isEqualTo(new Session("alice", "app_owner", "app, public"));
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

  @Test
  void anEventWithoutContextRunsAsTheApplier() throws SQLException {
    execute(inDatabase("app", 1, "CREATE TABLE", "CREATE TABLE a ()",
        new ExecutionContext("app_owner", "alice", "app")), APP, 1);
    execute(inDatabase("app", 2, "CREATE TABLE", "CREATE TABLE b ()"), APP, 2);

    assertThat(only(standby.log("app"), "CREATE TABLE b ()").session()).isEqualTo(Session.APPLIER);
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
}
