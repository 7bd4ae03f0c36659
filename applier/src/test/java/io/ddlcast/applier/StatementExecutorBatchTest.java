package io.ddlcast.applier;

import static io.ddlcast.applier.TestEvents.TP;
import static io.ddlcast.applier.TestEvents.inDatabase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.applier.FakeStandby.Session;
import io.ddlcast.applier.FakeStandby.Sql;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.SessionSetting;
import io.ddlcast.common.jdbc.PgUrl;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * A batch on the standby, over {@link FakeStandby}: one transaction, each statement in its own event's context
 * with {@code RESET ALL} between two, one marker write for the last event; a failure rolls all of it back.
 */
class StatementExecutorBatchTest {
  private static final Lane APP = Lane.database("app");

  private final FakeStandby standby = new FakeStandby();
  private final StatementExecutor executor = new StatementExecutor(new StandbyConnections(
      PgUrl.parse("jdbc:postgresql://standby:5432/postgres?user=ddlcast"), standby::open), Map.of());

  private static Work work(long offset, String statement, ExecutionContext context) {
    return new Work(TP, offset, APP, inDatabase("app", offset, "CREATE TABLE", statement, context), null);
  }

  private List<Work> batch(Work... works) throws EventExecutor.RolledBack {
    Deque<Work> rest = new ArrayDeque<>(List.of(works).subList(1, works.length));
    return executor.executeBatch(works[0], rest::poll);
  }

  /** The lane's first event runs alone: the marker is read and known from then on. */
  private void firstEvent() throws SQLException {
    executor.execute(work(0, "CREATE TABLE first ()", null));
  }

  @Test
  void onlyAnEventAboveAKnownMarkerWithNothingInDoubtIsBatchable() throws SQLException {
    Work w = work(5, "CREATE TABLE t ()", null);
    assertThat(executor.batchable(w)).as("the marker is not known yet").isFalse();
    standby.marker("app", "app", 5, -1);
    executor.execute(w); // found applied: the marker is known now
    assertThat(executor.batchable(w)).as("at the marker").isFalse();
    assertThat(executor.batchable(work(6, "CREATE TABLE u ()", null))).isTrue();
  }

  @Test
  void theEventsRunInOneTransactionEachInItsOwnContextWithOneMarkerWriteForTheLast() throws Exception {
    firstEvent();
    ExecutionContext owner = new ExecutionContext("app_owner", null, "app, public");
    ExecutionContext tokyo = new ExecutionContext("alice", null, "sales",
        Map.of(SessionSetting.TIME_ZONE, "Asia/Tokyo"));
    int writesBefore = standby.markerWrites().size();

    List<Work> applied = batch(work(1, "CREATE TABLE a ()", owner), work(2, "CREATE TABLE b ()", tokyo),
        work(3, "CREATE TABLE c ()", owner));

    assertThat(applied).extracting(Work::offset).containsExactly(1L, 2L, 3L);
    List<Sql> log = standby.log("app");
    Sql a = only(log, "CREATE TABLE a ()");
    Sql b = only(log, "CREATE TABLE b ()");
    Sql c = only(log, "CREATE TABLE c ()");
    assertThat(List.of(b.transaction(), c.transaction())).containsOnly(a.transaction());
    assertThat(a.session()).isEqualTo(new Session(null, "app_owner", "app, public"));
    assertThat(b.session()).isEqualTo(new Session(null, "alice", "sales"));
    assertThat(c.session()).isEqualTo(new Session(null, "app_owner", "app, public"));
    List<String> inTransaction = log.stream().filter(s -> Objects.equals(s.transaction(), a.transaction()))
        .map(Sql::sql).map(s -> s.startsWith("INSERT INTO ddlcast.applied") ? "INSERT" : s)
        .filter(s -> s.startsWith("CREATE TABLE") || s.equals("RESET ALL") || s.equals("COMMIT") || s.equals("INSERT")
            || s.equals(StatementSettings.SQL))
        .toList();
    // what a statement or its settings set is reset before the next; the settings are the event's only
    assertThat(inTransaction).containsExactly("CREATE TABLE a ()", "RESET ALL", StatementSettings.SQL,
        "CREATE TABLE b ()", "RESET ALL", "CREATE TABLE c ()", "RESET ALL", "INSERT", "COMMIT");
    Sql settings = log.stream().filter(s -> s.sql().equals(StatementSettings.SQL)).findFirst().orElseThrow();
    assertThat(settings.params()).startsWith(true).contains("Asia/Tokyo");
    assertThat(standby.markerWrites().subList(writesBefore, standby.markerWrites().size()))
        .containsExactly(new FakeStandby.Marker(3, -1));
    assertThat(standby.marker("app", "app")).isEqualTo(new FakeStandby.Marker(3, -1));
    assertThat(executor.batchable(work(4, "CREATE TABLE d ()", null))).isTrue();
  }

  @Test
  void aFailingStatementRollsTheWholeBatchBackAndNamesWhatWasTaken() throws Exception {
    firstEvent();
    standby.fail("CREATE TABLE b ()", "42P07");

    assertThatThrownBy(() -> batch(work(1, "CREATE TABLE a ()", null), work(2, "CREATE TABLE b ()", null),
        work(3, "CREATE TABLE c ()", null)))
        .isInstanceOfSatisfying(EventExecutor.RolledBack.class, e -> {
          assertThat(e.taken()).extracting(Work::offset).containsExactly(1L, 2L);
          assertThat(e.sqlState()).isEqualTo("42P07");
        });
    assertThat(standby.marker("app", "app")).isEqualTo(new FakeStandby.Marker(0, -1));
    List<String> sent = standby.log("app").stream().map(Sql::sql).toList();
    assertThat(sent.subList(sent.indexOf("CREATE TABLE a ()"), sent.size()))
        .containsExactly("CREATE TABLE a ()", "RESET ALL", "CREATE TABLE b ()", "ROLLBACK");
    assertThat(standby.closed()).containsExactly("app");
    // the marker is read again before anything else runs: the lane runs the taken events one by one
    assertThat(executor.batchable(work(1, "CREATE TABLE a ()", null))).isFalse();
    assertThat(executor.execute(work(1, "CREATE TABLE a ()", null))).isEqualTo(StatementExecutor.Result.APPLIED);
  }

  private static Sql only(List<Sql> log, String sql) {
    List<Sql> found = log.stream().filter(s -> s.sql().equals(sql)).toList();
    assertThat(found).as("\"%s\" in %s", sql, log).hasSize(1);
    return found.get(0);
  }
}
