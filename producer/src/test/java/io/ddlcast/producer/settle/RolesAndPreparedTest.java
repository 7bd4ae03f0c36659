package io.ddlcast.producer.settle;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.capture.EventFactory;
import io.ddlcast.producer.capture.HelperTrust;
import io.ddlcast.producer.capture.Xid;
import io.ddlcast.producer.csvlog.Csvlog;
import io.ddlcast.producer.csvlog.CsvlogParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The context of DDL no helper record reports (cluster-wide statements, REASSIGN OWNED), and the commit order of
 * two-phase commits: issue 11 items 1 and 9, as the log shows them (records as PostgreSQL 15 writes them).
 */
class RolesAndPreparedTest {
  private static final String HELPER_FRAME = "PL/pgSQL function ddlcast.log_ddl() line 24 at RAISE";

  private SessionTracker tracker = new SessionTracker(new EventFactory("primary1"), true, HelperTrust.FRAMES_ONLY);

  private List<Outcome> feed(String csv) {
    byte[] bytes = Csvlog.utf8(csv);
    List<Outcome> out = new ArrayList<>();
    CsvlogParser.parse("f.csv", 0, bytes, bytes.length).records().forEach(r -> out.addAll(tracker.accept(r)));
    return out;
  }

  private List<Outcome> round(Map<String, XactStatus> answers) {
    Map<Xid, XactStatus> byId = new HashMap<>();
    answers.forEach((xid, status) -> byId.put(Xid.parse(xid), status));
    return tracker.answer(tracker.ask(), byId);
  }

  private static List<String> published(List<Outcome> outcomes) {
    return outcomes.stream().filter(o -> o instanceof Outcome.Publish).map(o -> o.event().statement()).toList();
  }

  private static DdlEvent event(List<Outcome> outcomes, String command) {
    return outcomes.stream().map(Outcome::event).filter(e -> e.command().equals(command)).findFirst().orElseThrow();
  }

  /** The helper's report of a top-level command of {@code query}, run as {@code role}. */
  private static String helper(String session, long line, String vxid, String tag, String role, String sessionRole,
      String query) {
    String json = "ddlcast ddl_command_end {\"v\": 2, \"tag\": \"" + tag + "\", \"user\": \"" + role + "\", "
        + "\"session_user\": \"" + sessionRole + "\", \"search_path\": \"public\", \"objects\": [], "
        + "\"standard_conforming_strings\": \"on\"}";
    return Csvlog.record("postgres", session, line, vxid, "LOG", "00000", tag, json, query, HELPER_FRAME);
  }

  /** {@code psql -f}: one statement record and its completion, in auto-commit. */
  private static String autoCommit(String session, long line, String vxid, String tag, String sql) {
    return Csvlog.record(session, line, vxid, "LOG", "00000", "idle", "statement: " + sql, "")
        + Csvlog.record(session, line + 1, vxid.split("/")[0] + "/0", "LOG", "00000", tag, "duration: 0.3 ms", "");
  }

  /** {@code SET ROLE u; CREATE TABLE t (a int)} as the helper reports it: the session's last reported role is u. */
  private static String createTableAs(String session, String role, String sessionRole) {
    return Csvlog.record(session, 1, "3/4", "LOG", "00000", "idle", "statement: CREATE TABLE t (a int);", "")
        + helper(session, 2, "3/4", "CREATE TABLE", role, sessionRole, "CREATE TABLE t (a int);")
        + Csvlog.record(session, 3, "3/0", "LOG", "00000", "CREATE TABLE", "duration: 0.3 ms", "")
        // RESET ROLE (or RESET SESSION AUTHORIZATION) is not logged; with log_duration, only its completion is
        + Csvlog.record(session, 4, "3/0", "LOG", "00000", "RESET", "duration: 0.01 ms", "");
  }

  @Test
  void aRoleStatementAfterAnUnloggedResetRoleRunsAsTheLoginNotAsTheLastReportedRole() {
    List<Outcome> outcomes = feed(createTableAs("s.1", "u", "postgres")
        + autoCommit("s.1", 5, "3/6", "CREATE ROLE", "CREATE ROLE other;"));
    DdlEvent createRole = event(outcomes, "CREATE ROLE");
    assertThat(event(outcomes, "CREATE TABLE").context().role()).isEqualTo("u");
    assertThat(createRole.context()).isNull();
    assertThat(createRole.user()).isEqualTo("postgres");
  }

  @Test
  void dropRoleAfterAnUnloggedResetSessionAuthorizationRunsAsTheLogin() {
    List<Outcome> outcomes = feed(createTableAs("s.1", "su", "su")
        + autoCommit("s.1", 5, "3/6", "DROP ROLE", "DROP ROLE su;"));
    assertThat(event(outcomes, "DROP ROLE").context()).isNull();
  }

  @Test
  void reassignOwnedAfterAnUnloggedResetRoleRunsAsTheLogin() {
    List<Outcome> outcomes = feed(createTableAs("s.1", "ra", "postgres")
        + autoCommit("s.1", 5, "3/6", "REASSIGN OWNED", "REASSIGN OWNED BY ra TO rb;"));
    assertThat(event(outcomes, "REASSIGN OWNED").context()).isNull();
  }

  @Test
  void aRoleStatementRightAfterAReportedCommandOfTheSameStringKeepsThatCommandsRole() {
    String sql = "CREATE TABLE t (a int); CREATE ROLE other";
    List<Outcome> outcomes = feed(
        Csvlog.record("s.1", 1, "3/4", "LOG", "00000", "idle", "statement: " + sql, "")
            + helper("s.1", 2, "3/4", "CREATE TABLE", "u", "postgres", sql)
            + Csvlog.record("s.1", 3, "3/0", "LOG", "00000", "CREATE ROLE", "duration: 0.3 ms", ""));
    assertThat(event(outcomes, "CREATE ROLE").context()).isEqualTo(new ExecutionContext("u", "postgres", "public"));
  }

  @Test
  void aRoleStatementWithAnotherStatementBetweenItAndTheReportedCommandRunsAsTheLogin() {
    String sql = "CREATE TABLE t (a int); RESET ROLE; CREATE ROLE other";
    List<Outcome> outcomes = feed(
        Csvlog.record("s.1", 1, "3/4", "LOG", "00000", "idle", "statement: " + sql, "")
            + helper("s.1", 2, "3/4", "CREATE TABLE", "u", "postgres", sql)
            + Csvlog.record("s.1", 3, "3/0", "LOG", "00000", "CREATE ROLE", "duration: 0.3 ms", ""));
    assertThat(event(outcomes, "CREATE ROLE").context()).isNull();
  }

  @Test
  void aStatementNamingTheCurrentRoleIsRefusedWhenThatRoleIsNotKnown() {
    List<Outcome> outcomes = feed(createTableAs("s.1", "u", "postgres")
        + autoCommit("s.1", 5, "3/6", "ALTER ROLE", "ALTER ROLE CURRENT_USER SET work_mem = '1MB';")
        + autoCommit("s.1", 7, "3/8", "GRANT", "GRANT g TO session_user;")
        // a database without the helper: its DDL is unreported too, and an expression naming session_user is fine
        + autoCommit("s.1", 9, "3/10", "CREATE TABLE", "CREATE TABLE w (who text DEFAULT session_user);"));
    assertThat(published(outcomes)).containsExactly("CREATE TABLE t (a int);",
        "CREATE TABLE w (who text DEFAULT session_user);");
    assertThat(outcomes).filteredOn(o -> o instanceof Outcome.Drop).extracting(o -> ((Outcome.Drop) o).kind())
        .containsExactly(DropKind.ROLE_UNKNOWN, DropKind.ROLE_UNKNOWN);
  }

  /** s.1 prepares {@code CREATE TABLE x} (xid 750) and ends; s.2, a new session, commits it, then drops x. */
  private static final String PREPARED = Csvlog.record("s.1", 1, "3/7", "LOG", "00000", "BEGIN", "duration: 0.01 ms",
      "")
      + Csvlog.record("s.1", 2, "3/7", "LOG", "00000", "idle in transaction", "statement: CREATE TABLE x (a int);", "")
      + Csvlog.record("s.1", 3, "3/7", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "", "750")
      + Csvlog.record("s.1", 4, "3/0", "LOG", "00000", "PREPARE TRANSACTION", "duration: 0.2 ms", "")
      + Csvlog.record("s.1", 5, "", "LOG", "00000", "idle", "disconnection: session time: 0:00:00.010", "");

  @Test
  void preparedDdlGoesOutAtItsCommitPreparedBeforeTheLaterDdlOfTheCommittingSession() {
    assertThat(feed(PREPARED)).isEmpty();
    List<Outcome> outcomes = new ArrayList<>(feed(
        Csvlog.record("s.2", 1, "4/0", "LOG", "00000", "COMMIT PREPARED", "duration: 0.3 ms", "")
            + autoCommit("s.2", 2, "4/9", "DROP TABLE", "DROP TABLE x;")));
    assertThat(outcomes).isEmpty(); // the DROP waits: a prepared transaction was committed before it

    // the state is checkpointed in between: the wait is kept
    TrackerState saved = TrackerState.fromJson(tracker.snapshot().json().deepCopy());
    tracker = new SessionTracker(new EventFactory("primary1"), true, HelperTrust.FRAMES_ONLY);
    tracker.restore(saved);
    outcomes.addAll(round(Map.of("x32:750", XactStatus.COMMITTED)));
    assertThat(published(outcomes)).containsExactly("CREATE TABLE x (a int);", "DROP TABLE x;");
    assertThat(tracker.pendingCount()).isZero();
  }

  @Test
  void preparedDdlIsDroppedAtRollbackPreparedAndWhatFollowsGoesOut() {
    assertThat(feed(PREPARED)).isEmpty();
    List<Outcome> outcomes = new ArrayList<>(feed(
        Csvlog.record("s.2", 1, "4/0", "LOG", "00000", "ROLLBACK PREPARED", "duration: 0.3 ms", "")
            + autoCommit("s.2", 2, "4/9", "CREATE TABLE", "CREATE TABLE x (b int);")));
    outcomes.addAll(round(Map.of("x32:750", XactStatus.ABORTED)));
    assertThat(published(outcomes)).containsExactly("CREATE TABLE x (b int);");
    assertThat(outcomes).filteredOn(o -> o instanceof Outcome.Drop).extracting(o -> o.event().statement())
        .containsExactly("CREATE TABLE x (a int);");
  }
}
