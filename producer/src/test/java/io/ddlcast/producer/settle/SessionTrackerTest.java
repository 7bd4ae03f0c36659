package io.ddlcast.producer.settle;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.Scope;
import io.ddlcast.common.event.SessionSetting;
import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.capture.EventFactory;
import io.ddlcast.producer.capture.HelperTrust;
import io.ddlcast.producer.capture.RolePasswords;
import io.ddlcast.producer.capture.Xid;
import io.ddlcast.producer.csvlog.Csvlog;
import io.ddlcast.producer.csvlog.CsvlogParser;
import io.ddlcast.producer.csvlog.LogRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionTrackerTest {
  /** s.1 (pgjdbc, explicit transaction) logs its DDL first; s.2 commits an auto-commit DDL; then s.1 commits. */
  private static final String S1_DDL = Csvlog.record("s.1", 1, "3/7", "LOG", "00000", "BEGIN", "duration: 0.01 ms", "")
      + Csvlog.record("s.1", 2, "3/7", "LOG", "00000", "idle in transaction",
          "execute <unnamed>: CREATE TABLE ord_a()", "")
      + Csvlog.record("s.1", 3, "3/7", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "", "744");
  private static final String S2 = Csvlog.record("s.2", 1, "4/8", "LOG", "00000", "idle",
      "statement: CREATE TABLE ord_b()", "") + Csvlog.record("s.2", 2, "4/0", "LOG", "00000", "CREATE TABLE",
      "duration: 0.4 ms", "");
  private static final String S1_COMMIT = Csvlog.record("s.1", 4, "3/0", "LOG", "00000", "COMMIT",
      "duration: 0.1 ms", "");

  private static final String HELPER_FRAME = "PL/pgSQL function ddlcast.log_ddl() line 24 at RAISE";
  private final SessionTracker tracker =
      new SessionTracker(new EventFactory("primary1"), true, HelperTrust.FRAMES_ONLY);

  private List<Outcome> feed(String csv) {
    byte[] bytes = Csvlog.utf8(csv);
    return feed(CsvlogParser.parse("f.csv", 0, bytes, bytes.length).records());
  }

  private List<Outcome> feed(List<LogRecord> records) {
    List<Outcome> out = new ArrayList<>();
    records.forEach(r -> out.addAll(tracker.accept(r)));
    return out;
  }

  /** The ids the question asks about, as text. */
  private static List<String> asked(Question question) {
    return question.xids().stream().map(Xid::toString).toList();
  }

  /** Answers a question, with the ids as text. */
  private List<Outcome> answer(Question question, Map<String, XactStatus> answers) {
    Map<Xid, XactStatus> byId = new HashMap<>();
    answers.forEach((xid, status) -> byId.put(Xid.parse(xid), status));
    return tracker.answer(question, byId);
  }

  /** A whole round: ask, then answer at once. */
  private List<Outcome> round(Map<String, XactStatus> answers) {
    return answer(tracker.ask(), answers);
  }

  private static List<String> published(List<Outcome> outcomes) {
    return outcomes.stream().filter(o -> o instanceof Outcome.Publish).map(o -> o.event().statement()).toList();
  }

  private static List<String> dropped(List<Outcome> outcomes) {
    return outcomes.stream().filter(o -> o instanceof Outcome.Drop).map(o -> o.event().statement()).toList();
  }

  @Test
  void aRealPsqlSessionLogPublishesExactlyWhatCommitted() {
    byte[] sample = Csvlog.pg15Sample();
    List<Outcome> outcomes = feed(CsvlogParser.parse("f.csv", 0, sample, sample.length).records());

    assertThat(published(outcomes)).containsExactly(
        "CREATE TABLE t1(a int)",
        "CREATE FUNCTION f() RETURNS int AS $$\nSELECT 1\n$$ LANGUAGE sql",
        "CREATE TABLE t3();");
    assertThat(dropped(outcomes)).containsExactly(
        "CREATE TABLE t1(a int)", // the second one: 42P07
        "CREATE TABLE t2()", // the DDL part of "BEGIN; CREATE TABLE t2(); ROLLBACK"
        "CREATE TABLE t4();");
    assertThat(outcomes).filteredOn(o -> o instanceof Outcome.Drop).extracting(o -> ((Outcome.Drop) o).reason())
        .containsExactly("failed on the primary: ERROR 42P07 relation \"t1\" already exists",
            "rolled back on the primary", "rolled back on the primary");
    assertThat(tracker.pendingCount()).isZero();
  }

  @Test
  void aDdlFollowedByAnErrorOfTheSameTransactionIsDropped() {
    List<Outcome> outcomes = feed(
        Csvlog.record("s.1", 1, "3/4", "LOG", "00000", "idle", "statement: CREATE TABLE t1(a int)", "")
            + Csvlog.record("s.1", 2, "3/4", "ERROR", "42P07", "CREATE TABLE", "relation \"t1\" already exists",
                "CREATE TABLE t1(a int)"));
    assertThat(published(outcomes)).isEmpty();
    assertThat(dropped(outcomes)).containsExactly("CREATE TABLE t1(a int)");
  }

  @Test
  void anErrorOfALaterTransactionDoesNotDropAnEarlierDdl() {
    List<Outcome> outcomes = feed(
        Csvlog.record("s.1", 1, "3/4", "LOG", "00000", "idle", "statement: CREATE TABLE a()", "")
            + Csvlog.record("s.1", 2, "3/5", "ERROR", "42601", "SELECT", "syntax error at or near \"x\"", "x"));
    assertThat(published(outcomes)).containsExactly("CREATE TABLE a()");
  }

  @Test
  void anErrorOfAnotherSessionDoesNotDecideAnything() {
    List<Outcome> outcomes = feed(
        Csvlog.record("s.1", 1, "3/4", "LOG", "00000", "idle", "statement: CREATE TABLE a()", "")
            + Csvlog.record("s.2", 1, "4/4", "ERROR", "42P07", "CREATE TABLE", "relation \"a\" already exists", ""));
    assertThat(outcomes).isEmpty();
    assertThat(tracker.openWithoutXid()).containsExactly("3/4");
  }

  @Test
  void aQuietSessionWaitsUntilThePrimarySaysItsTransactionCommitted() {
    // pgjdbc in auto-commit: the execute's duration carries the statement's own vxid; the commit leaves no record
    List<Outcome> outcomes = feed(
        Csvlog.record("s.1", 1, "3/7", "LOG", "00000", "idle", "execute <unnamed>: CREATE TABLE j()", "")
            + Csvlog.record("s.1", 2, "3/7", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "", "744"));
    assertThat(outcomes).isEmpty();
    Question question = tracker.ask();
    assertThat(asked(question)).containsExactly("x32:744");

    assertThat(answer(question, Map.of("x32:744", XactStatus.IN_PROGRESS))).isEmpty();
    assertThat(published(round(Map.of("x32:744", XactStatus.COMMITTED))))
        .containsExactly("CREATE TABLE j()");
    assertThat(tracker.pendingCount()).isZero();
  }

  @Test
  void aCommitReadAfterThePrimaryWasAskedKeepsItsPlaceInCommitOrder() {
    // s.1 (pgjdbc, explicit transaction) logs its DDL first; s.2 commits an auto-commit DDL; then s.1 commits
    assertThat(feed(S1_DDL + S2)).isEmpty(); // ord_b waits: s.1's open transaction may have committed first
    Question question = tracker.ask();
    assertThat(asked(question)).containsExactly("x32:744");
    // the primary answers "committed" because s.1 committed after the question's log was read; the producer reads
    // the log up to the question before applying the answer, and finds s.1's COMMIT there
    List<Outcome> outcomes = new ArrayList<>(feed(S1_COMMIT));
    outcomes.addAll(answer(question, Map.of("x32:744", XactStatus.COMMITTED)));
    outcomes.addAll(round(Map.of()));
    assertThat(published(outcomes)).containsExactly("CREATE TABLE ord_b()", "CREATE TABLE ord_a()");
    assertThat(tracker.pendingCount()).isZero();
  }

  @Test
  void anExplicitTransactionReportedCommittedBeforeItsCommitRecordIsReadIsOrderedByThatRecord() {
    // seen in CaptureExactnessIT under load: s.1 commits after s.2, the primary is asked in between, and s.1's COMMIT
    // record reaches the file only after the answer (it is written once the commit is visible)
    assertThat(feed(S1_DDL + S2)).isEmpty();
    List<Outcome> outcomes = new ArrayList<>(round(Map.of("x32:744", XactStatus.COMMITTED)));
    outcomes.addAll(feed(S1_COMMIT));
    outcomes.addAll(round(Map.of()));
    assertThat(published(outcomes)).containsExactly("CREATE TABLE ord_b()", "CREATE TABLE ord_a()");
    assertThat(tracker.pendingCount()).isZero();
  }

  @Test
  void anExplicitTransactionWhoseCommitRecordNeverComesIsSettledByTheNextAnswer() {
    String s1Ddl = Csvlog.record("s.1", 1, "3/7", "LOG", "00000", "BEGIN", "duration: 0.01 ms", "")
        + Csvlog.record("s.1", 2, "3/7", "LOG", "00000", "idle in transaction",
            "execute <unnamed>: CREATE TABLE late()", "")
        + Csvlog.record("s.1", 3, "3/7", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "", "744");
    assertThat(feed(s1Ddl)).isEmpty();
    assertThat(round(Map.of("x32:744", XactStatus.COMMITTED))).isEmpty(); // one round for its record to come
    assertThat(published(round(Map.of("x32:744", XactStatus.COMMITTED)))).containsExactly("CREATE TABLE late()");
  }

  @Test
  void aQuietTransactionThePrimaryReportsCommittedGoesBeforeTheCommitThatWaitedForIt() {
    String s1Ddl = Csvlog.record("s.1", 1, "3/7", "LOG", "00000", "idle",
        "execute <unnamed>: CREATE TABLE q1()", "")
        + Csvlog.record("s.1", 2, "3/7", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "", "744");
    String s2 = Csvlog.record("s.2", 1, "4/8", "LOG", "00000", "idle", "statement: CREATE INDEX ON q1 (x)", "")
        + Csvlog.record("s.2", 2, "4/0", "LOG", "00000", "CREATE INDEX", "duration: 0.4 ms", "");
    assertThat(feed(s1Ddl + s2)).isEmpty();
    Question question = tracker.ask();
    assertThat(asked(question)).containsExactly("x32:744");
    assertThat(published(answer(question, Map.of("x32:744", XactStatus.COMMITTED))))
        .containsExactly("CREATE TABLE q1()", "CREATE INDEX ON q1 (x)");
  }

  @Test
  void aLateDisconnectionKeepsAnAutoCommitInItsPlaceBeforeTheCommitsThatWaitedForIt() {
    // pgjdbc in auto-commit, one connection per statement (seen in ProducerRestartIT): t7 committed before t8's
    // connection opened, but the backends log their disconnections in either order
    String t7 = Csvlog.record("s.7", 1, "3/7", "LOG", "00000", "idle", "execute <unnamed>: CREATE TABLE t7()", "")
        + Csvlog.record("s.7", 2, "3/7", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "", "744");
    String t8 = Csvlog.record("s.8", 1, "4/8", "LOG", "00000", "idle", "execute <unnamed>: CREATE TABLE t8()", "")
        + Csvlog.record("s.8", 2, "4/8", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "", "745");
    String t8Gone = Csvlog.record("s.8", 3, "", "LOG", "00000", "idle", "disconnection: session time: 0:00:00.01", "");
    String t7Gone = Csvlog.record("s.7", 3, "", "LOG", "00000", "idle", "disconnection: session time: 0:00:00.02", "");
    List<Outcome> outcomes = new ArrayList<>(feed(t7 + t8 + t8Gone + t7Gone));
    outcomes.addAll(round(Map.of()));
    assertThat(published(outcomes)).containsExactly("CREATE TABLE t7()", "CREATE TABLE t8()");
    assertThat(tracker.pendingCount()).isZero();
  }

  @Test
  void aQuietSessionWithoutATransactionIdIsSettledByTheBarrier() {
    List<Outcome> outcomes = feed(
        Csvlog.record("s.1", 1, "3/7", "LOG", "00000", "idle", "execute <unnamed>: CREATE TABLE j()", ""));
    assertThat(outcomes).isEmpty();
    assertThat(tracker.openWithoutXid()).containsExactly("3/7");
    assertThat(published(tracker.transactionsEnded(List.of("3/7")))).containsExactly("CREATE TABLE j()");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|LOG|00000|disconnection: session time: 0:00:01",
      "3/9|FATAL|57P01|terminating connection due to administrator command"})
  void aSessionEndingInsideATransactionDropsItsDdl(String vxid, String severity, String sqlState, String message) {
    List<Outcome> outcomes = feed(
        Csvlog.record("s.1", 1, "3/9", "LOG", "00000", "idle in transaction", "statement: CREATE TABLE x();", "")
            + Csvlog.record("s.1", 2, vxid, severity, sqlState, "idle in transaction", message, ""));
    assertThat(dropped(outcomes)).containsExactly("CREATE TABLE x();");
  }

  @Test
  void aRollbackToSavepointWithACommentInsideIsNotTakenForARollback() {
    String string = "BEGIN; CREATE TABLE a(); SAVEPOINT s; CREATE TABLE b(); ROLLBACK /* b */ TO s; COMMIT";
    List<Outcome> outcomes = feed(
        Csvlog.record("s.1", 1, "3/9", "LOG", "00000", "idle", "statement: " + string, "")
            + Csvlog.record("s.1", 2, "3/0", "LOG", "00000", "COMMIT", "duration: 0.5 ms", ""));
    // no subtransaction ids to ask the primary about: undecided, not "rolled back" (a committed)
    assertThat(outcomes).hasSize(2).allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(Outcome.Drop.class,
        d -> assertThat(d.kind()).isEqualTo(DropKind.UNDECIDED)));
  }

  @Test
  void alterSystemIsNeverPublished() {
    List<Outcome> outcomes = feed(
        Csvlog.record("s.1", 1, "3/1", "LOG", "00000", "idle", "statement: ALTER SYSTEM SET work_mem = '64MB'", "")
            + Csvlog.record("s.1", 2, "3/0", "LOG", "00000", "ALTER SYSTEM", "duration: 0.5 ms", ""));
    assertThat(dropped(outcomes)).containsExactly("ALTER SYSTEM SET work_mem = '64MB'");
    assertThat(tracker.pendingCount()).isZero();
  }

  @Test
  void aCommentOnASubscriptionIsNeverPublishedAsTheSubscriptionIsNot() {
    List<Outcome> outcomes = feed(
        Csvlog.record("s.1", 1, "3/1", "LOG", "00000", "idle", "statement: COMMENT ON SUBSCRIPTION s IS 'x'", "")
            + Csvlog.record("s.1", 2, "3/0", "LOG", "00000", "COMMENT", "duration: 0.5 ms", "")
            + Csvlog.record("s.1", 3, "3/2", "LOG", "00000", "idle", "statement: COMMENT ON TABLE t IS 'on'", "")
            + Csvlog.record("s.1", 4, "3/0", "LOG", "00000", "COMMENT", "duration: 0.5 ms", ""));
    assertThat(dropped(outcomes)).containsExactly("COMMENT ON SUBSCRIPTION s IS 'x'");
    assertThat(published(outcomes)).containsExactly("COMMENT ON TABLE t IS 'on'");
  }

  @Test
  void createDatabaseIsKeyedByTheNewDatabaseAndRunsFromTheMaintenanceDatabase() {
    List<Outcome> outcomes = feed(
        Csvlog.record("s.1", 1, "3/1", "LOG", "00000", "idle", "statement: CREATE DATABASE \"Company\"", "")
            + Csvlog.record("s.1", 2, "3/0", "LOG", "00000", "CREATE DATABASE", "duration: 20 ms", "")
            + Csvlog.record("s.1", 3, "3/2", "LOG", "00000", "idle", "statement: DROP DATABASE IF EXISTS sales", "")
            + Csvlog.record("s.1", 4, "3/0", "LOG", "00000", "DROP DATABASE", "duration: 20 ms", ""));
    assertThat(outcomes).extracting(o -> o.event().key()).containsExactly("Company", "sales");
    assertThat(outcomes).extracting(o -> o.event().scope()).containsOnly(Scope.CLUSTER);
    assertThat(outcomes).extracting(o -> o.event().database()).containsOnly("postgres");
  }

  @Test
  void eventsCarryTheirSourcePositionAsAStableId() {
    List<Outcome> first = feed(
        Csvlog.record("company", "6b048bd5.26ee", 1, "3/2", "LOG", "00000", "idle", "statement: CREATE TABLE t()", "")
            + Csvlog.record("company", "6b048bd5.26ee", 2, "3/0", "LOG", "00000", "CREATE TABLE", "duration: 1 ms",
                ""));
    DdlEvent event = first.get(0).event();
    assertThat(event.id()).isEqualTo("6b048bd5.26ee:1");
    assertThat(event.source()).isEqualTo("primary1");
    assertThat(event.database()).isEqualTo("company");
    assertThat(event.key()).isEqualTo("company");
    assertThat(event.command()).isEqualTo("CREATE TABLE");
    assertThat(event.position().file()).isEqualTo("f.csv");
    assertThat(event.position().offset()).isZero();
    assertThat(event.logTime()).hasToString("2026-11-23T18:54:13.190Z");
  }

  @Test
  void snapshotAndRestoreKeepPendingStatements() {
    feed(Csvlog.record("s.1", 1, "3/7", "LOG", "00000", "idle", "execute S_1: CREATE TABLE j()", ""));
    TrackerState snapshot = TrackerState.fromJson(tracker.snapshot().json().deepCopy());

    SessionTracker restored = new SessionTracker(new EventFactory("primary1"), true, HelperTrust.FRAMES_ONLY);
    restored.restore(snapshot);
    byte[] next = Csvlog.utf8(Csvlog.record("s.1", 2, "3/8", "LOG", "00000", "idle", "statement: CREATE TABLE k()",
        ""));
    List<Outcome> outcomes = restored.accept(CsvlogParser.parse("f.csv", 0, next, next.length).records().get(0));
    assertThat(published(outcomes)).containsExactly("CREATE TABLE j()");
    assertThat(restored.openWithoutXid()).containsExactly("3/8");
  }

  @Test
  void statementsThatAreNotDdlAreIgnored() {
    List<Outcome> outcomes = feed(
        Csvlog.record("s.1", 1, "3/1", "LOG", "00000", "idle", "statement: SELECT 1", "")
            + Csvlog.record("s.1", 2, "3/0", "LOG", "00000", "SELECT", "duration: 1 ms", ""));
    assertThat(outcomes).isEmpty();
    assertThat(tracker.pendingCount()).isZero();
  }

  @Test
  void aStatementIsLexedOnceOnItsWayFromRecordToEvents() {
    String sql = "CREATE TABLE audit.t (a int); GRANT SELECT ON audit.t TO r; CREATE ROLE w LOGIN PASSWORD 'x'";
    String csv = Csvlog.record("s.1", 1, "3/4", "LOG", "00000", "idle", "statement: " + sql, "")
        + Csvlog.record("s.1", 2, "3/0", "LOG", "00000", "CREATE ROLE", "duration: 0.5 ms", "");
    byte[] bytes = Csvlog.utf8(csv);
    List<LogRecord> records = CsvlogParser.parse("f.csv", 0, bytes, bytes.length).records();
    long before = SqlLexer.charactersLexed();
    List<Outcome> outcomes = feed(records);
    assertThat(SqlLexer.charactersLexed() - before).isEqualTo(sql.length());
    assertThat(outcomes).extracting(o -> o.event().command()).containsExactly("CREATE TABLE", "GRANT", "CREATE ROLE");
    assertThat(outcomes.get(0).event().schemas()).containsExactly("audit");
    assertThat(outcomes.get(2).event().statement()).doesNotContain("'x'");
  }

  @Test
  void aLongStringFromASessionWithStandardConformingStringsOffIsNotLexedAgainAtEachOfItsCommands() {
    // a backslash, but only in dollar-quoted bodies: the reading does not depend on the setting, which takes reading
    // the whole string to tell
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      sql.append("CREATE FUNCTION f").append(i).append("() RETURNS text LANGUAGE sql AS $$SELECT 'a\\b'$$; ");
    }
    String text = sql.toString();
    StringBuilder csv = new StringBuilder(Csvlog.record("s.1", 1, "3/4", "LOG", "00000", "idle", "statement: " + text,
        ""));
    for (int i = 0; i < 40; i++) {
      String helper = "ddlcast ddl_command_end {\"v\": 2, \"tag\": \"CREATE FUNCTION\", \"user\": \"postgres\", "
          + "\"session_user\": \"postgres\", \"search_path\": \"public\", \"objects\": [], "
          + "\"standard_conforming_strings\": \"off\"}";
      csv.append(Csvlog.record("postgres", "s.1", 2 + i, "3/4", "LOG", "00000", "CREATE FUNCTION", helper, text,
          HELPER_FRAME));
    }
    csv.append(Csvlog.record("s.1", 42, "3/0", "LOG", "00000", "CREATE FUNCTION", "duration: 2 ms", ""));
    byte[] bytes = Csvlog.utf8(csv.toString());
    List<LogRecord> records = CsvlogParser.parse("f.csv", 0, bytes, bytes.length).records();
    long before = SqlLexer.charactersLexed();
    List<Outcome> outcomes = feed(records);
    assertThat(published(outcomes)).hasSize(40);
    assertThat(SqlLexer.charactersLexed() - before).isLessThan(3L * text.length());
  }

  @Test
  void aHelperRecordWithAMalformedTransactionIdIsReportedAndTheTrackerGoesOn() {
    String forged = "ddlcast ddl_command_end {\"\"v\"\": 1, \"\"tag\"\": \"\"CREATE TABLE\"\", "
        + "\"\"xid\"\": \"\"abc\"\"}";
    List<Outcome> outcomes = feed(
        Csvlog.record("s.1", 1, "3/4", "LOG", "00000", "idle", "statement: CREATE TABLE a()", "")
            + Csvlog.record("postgres", "s.1", 2, "3/4", "LOG", "00000", "CREATE TABLE",
                forged.replace("\"\"", "\""), "CREATE TABLE a()", HELPER_FRAME)
            + Csvlog.record("s.1", 3, "3/0", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", ""));
    assertThat(tracker.drainProblems()).singleElement().asString()
        .contains("unreadable ddlcast helper record: xid 'abc' is not a transaction id");
    assertThat(published(outcomes)).containsExactly("CREATE TABLE a()");
  }

  @Test
  void aStatementInFlightIsCheckpointedWithoutItsSecretsAndResumesWithoutRepeatingAPart() {
    String sql = "ALTER ROLE app PASSWORD 'AppSecret-1'; CREATE TABLE t_after_role (a int); "
        + "CREATE SUBSCRIPTION s CONNECTION 'host=p password=SubSecret-2' PUBLICATION p";
    feed(Csvlog.record("s.1", 1, "3/4", "LOG", "00000", "idle", "statement: " + sql, ""));
    TrackerState saved = TrackerState.fromJson(tracker.snapshot().json().deepCopy());
    assertThat(saved.json().toString()).doesNotContain("AppSecret-1").doesNotContain("SubSecret-2");

    SessionTracker restored = new SessionTracker(new EventFactory("primary1"), true, HelperTrust.FRAMES_ONLY);
    restored.restore(saved);
    String helper = "ddlcast ddl_command_end {\"v\": 2, \"tag\": \"CREATE TABLE\", \"user\": \"postgres\", "
        + "\"session_user\": \"postgres\", \"search_path\": \"public\", \"objects\": [], "
        + "\"standard_conforming_strings\": \"on\"}";
    byte[] rest = Csvlog.utf8(Csvlog.record("postgres", "s.1", 2, "3/4", "LOG", "00000", "CREATE TABLE", helper, sql,
        HELPER_FRAME) + Csvlog.record("s.1", 3, "3/0", "LOG", "00000", "CREATE SUBSCRIPTION", "duration: 2 ms", ""));
    List<Outcome> outcomes = new ArrayList<>();
    CsvlogParser.parse("f.csv", 0, rest, rest.length).records().forEach(r -> outcomes.addAll(restored.accept(r)));
    assertThat(published(outcomes)).containsExactly("ALTER ROLE app PASSWORD " + RolePasswords.PLACEHOLDER,
        "CREATE TABLE t_after_role (a int)");
    assertThat(dropped(outcomes)).singleElement().asString().startsWith("CREATE SUBSCRIPTION");
    assertThat(restored.snapshot().json().toString()).doesNotContain("SubSecret-2");
  }

  /** A helper report of a top-level CREATE TABLE (auto-commit, then its completion), of helper version {@code v}. */
  private static String reported(String session, String sql, String v, String settings) {
    String helper = "ddlcast ddl_command_end {\"v\": " + v + ", \"tag\": \"CREATE TABLE\", \"user\": \"postgres\", "
        + "\"session_user\": \"postgres\", \"search_path\": \"public\", \"objects\": [], " + settings
        + "\"standard_conforming_strings\": \"on\"}";
    return Csvlog.record(session, 1, "3/4", "LOG", "00000", "idle", "statement: " + sql, "")
        + Csvlog.record("postgres", session, 2, "3/4", "LOG", "00000", "CREATE TABLE", helper, sql, HELPER_FRAME)
        + Csvlog.record(session, 3, "3/0", "LOG", "00000", "CREATE TABLE", "duration: 1 ms", "");
  }

  @Test
  void theSettingsAHelperReportsTravelWithItsCommandOnlyAndAnOlderHelpersAreUnknown() {
    List<Outcome> v3 = feed(reported("s.1", "CREATE TABLE t (d date DEFAULT '01/02/2000')", "3",
        "\"settings\": {\"DateStyle\": \"ISO, DMY\", \"check_function_bodies\": \"off\"}, ")
        + Csvlog.record("s.1", 4, "3/5", "LOG", "00000", "idle", "statement: CREATE ROLE r", "")
        + Csvlog.record("s.1", 5, "3/0", "LOG", "00000", "CREATE ROLE", "duration: 1 ms", ""));
    assertThat(published(v3)).containsExactly("CREATE TABLE t (d date DEFAULT '01/02/2000')", "CREATE ROLE r");
    assertThat(v3.get(0).event().context().settings()).isEqualTo(Map.of(SessionSetting.DATE_STYLE, "ISO, DMY",
        SessionSetting.CHECK_FUNCTION_BODIES, "off"));
    // the role statement no trigger reports, in a statement of its own, takes no context (it runs as the login):
    // not the settings the session may have changed since, nor its role
    assertThat(v3.get(1).event().context()).isNull();
    assertThat(tracker.snapshot().json().toString()).doesNotContain("DMY");

    List<Outcome> none = feed(reported("s.2", "CREATE TABLE u ()", "3", "\"settings\": {}, "));
    assertThat(none.get(0).event().context().settings()).isEmpty();
    List<Outcome> v2 = feed(reported("s.3", "CREATE TABLE w ()", "2", ""));
    assertThat(v2.get(0).event().context().settings()).isNull();
    assertThat(v2.get(0).event().context().searchPath()).isEqualTo("public");

    tracker.drainProblems();
    feed(reported("s.4", "CREATE TABLE x ()", "3", "\"settings\": {\"role\": \"postgres\"}, "));
    assertThat(tracker.drainProblems()).anyMatch(p -> p.contains("setting role"));
  }
}
