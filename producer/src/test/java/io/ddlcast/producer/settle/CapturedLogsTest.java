package io.ddlcast.producer.settle;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.Scope;
import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.capture.EventFactory;
import io.ddlcast.producer.capture.HelperTrust;
import io.ddlcast.producer.capture.RolePasswords;
import io.ddlcast.producer.capture.Xid;
import io.ddlcast.producer.csvlog.CsvlogParser;
import io.ddlcast.producer.csvlog.LogRecord;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tracker on csvlogs captured from PostgreSQL 15.18 with ddlcast's helper installed (see
 * {@code csvlog/capture/README.md} for what ran and what the catalog held afterwards). Where only the primary can
 * decide, its answers are given as they were on that primary.
 */
class CapturedLogsTest {
  private record Run(List<Outcome> outcomes, SessionTracker tracker) {
    List<String> published() {
      return outcomes.stream().filter(o -> o instanceof Outcome.Publish).map(o -> o.event().statement()).toList();
    }

    List<String> dropped() {
      return outcomes.stream().filter(o -> o instanceof Outcome.Drop d && !d.reason().startsWith("undecided"))
          .map(o -> o.event().statement()).toList();
    }

    List<String> undecided() {
      return outcomes.stream().filter(o -> o instanceof Outcome.Drop d && d.reason().startsWith("undecided"))
          .map(o -> o.event().statement()).toList();
    }

    DdlEvent event(String statement) {
      return outcomes.stream().map(Outcome::event).filter(e -> e.statement().equals(statement)).findFirst()
          .orElseThrow(() -> new AssertionError("no event " + statement + " in " + outcomes));
    }
  }

  /** Feeds the files; with {@code primary} non-null, answers status questions from it after every record. */
  private static Run run(Map<String, XactStatus> primary, String... files) {
    SessionTracker tracker = new SessionTracker(new EventFactory("captured"), primary != null, HelperTrust.FRAMES_ONLY);
    List<Outcome> outcomes = new ArrayList<>();
    for (String file : files) {
      byte[] bytes = read(file);
      for (LogRecord record : CsvlogParser.parse(file, 0, bytes, bytes.length).records()) {
        if ("capture-ctl".equals(record.applicationName())) {
          continue; // the capture's own log rotations
        }
        outcomes.addAll(tracker.accept(record));
        if (primary != null) {
          Question question = tracker.ask();
          Map<Xid, XactStatus> answers = new HashMap<>();
          question.xids().forEach(q -> answers.put(q, primary.getOrDefault(q.toString(), XactStatus.IN_PROGRESS)));
          outcomes.addAll(tracker.answer(question, answers));
        }
      }
    }
    assertThat(tracker.drainProblems()).isEmpty();
    return new Run(outcomes, tracker);
  }

  private static Run offline(String... files) {
    return run(null, files);
  }

  private static byte[] read(String file) {
    try (InputStream in = CapturedLogsTest.class.getResourceAsStream("/csvlog/capture/" + file + ".csv")) {
      return in.readAllBytes();
    } catch (IOException | NullPointerException e) {
      throw new AssertionError("fixture " + file + " missing", e);
    }
  }

  @Test
  void autoCommitSuccessShipsAndFailureDoesNot() {
    Run run = offline("01-autocommit");
    assertThat(run.published()).containsExactly("CREATE TABLE t1(a int)");
    assertThat(run.dropped()).containsExactly("CREATE TABLE t1(a int)");
  }

  @Test
  void explicitTransactionsShipOnCommitOnly() {
    assertThat(offline("02-tx-commit").published()).containsExactly("CREATE TABLE t2(a int);",
        "CREATE INDEX t2_a ON t2(a);");
    assertThat(offline("03-tx-rollback").dropped()).containsExactly("CREATE TABLE t3();");
    Run aborted = offline("04-tx-error-aborted");
    assertThat(aborted.published()).isEmpty();
    assertThat(aborted.dropped()).hasSize(2);
    assertThat(offline("05-disconnect-open-tx").dropped()).containsExactly("CREATE TABLE t5();");
    assertThat(offline("06-terminated").dropped()).containsExactly("CREATE TABLE t6();");
    Run deferred = offline("07-deferred-commit-fails");
    assertThat(deferred.published()).isEmpty();
    assertThat(deferred.dropped()).containsExactly("CREATE TABLE t7();");
  }

  @Test
  void twoPhaseCommitIsDecidedByThePrimary() {
    assertThat(offline("08-2pc-commit").undecided()).containsExactly("CREATE TABLE t8();");
    assertThat(run(Map.of("745", XactStatus.COMMITTED), "08-2pc-commit").published())
        .containsExactly("CREATE TABLE t8();");
    Run rolledBack = run(Map.of("746", XactStatus.ABORTED), "09-2pc-rollback");
    assertThat(rolledBack.published()).isEmpty();
    assertThat(rolledBack.dropped()).containsExactly("CREATE TABLE t9();");
  }

  @Test
  void savepointRollbacksDropOnlyTheDdlTheyUndid() {
    assertThat(offline("10-savepoint-rollback").undecided()).hasSize(3);
    Run run = run(Map.of("x32:748@747", XactStatus.ABORTED,
        "x32:749@747", XactStatus.COMMITTED), "10-savepoint-rollback");
    assertThat(run.published()).containsExactly("CREATE TABLE s10a();", "CREATE TABLE s10c();");
    assertThat(run.dropped()).containsExactly("CREATE TABLE s10b();");

    Run recovered = run(Map.of("x32:751@750", XactStatus.COMMITTED), "11-savepoint-error-recovered");
    assertThat(recovered.published()).containsExactly("CREATE TABLE s11a();", "CREATE TABLE s11c();");

    Run nested = run(Map.of("x32:753@752", XactStatus.ABORTED,
        "x32:754@752", XactStatus.ABORTED, "x32:755@752", XactStatus.ABORTED,
        "x32:756@752", XactStatus.COMMITTED), "12-savepoint-release-nested");
    assertThat(nested.published()).containsExactly("CREATE TABLE s12d();");
  }

  @Test
  void concurrentSessionsShipInCommitOrder() {
    assertThat(offline("13-commit-order").published()).containsExactly("CREATE TABLE co_b()",
        "CREATE TABLE co_a(id int);", "ALTER TABLE co_a ADD COLUMN x int");
  }

  @Test
  void multiStatementStringsShipTheirDdlPartsWithoutTheDml() {
    Run run = offline("14-multi-statement");
    assertThat(run.published()).containsExactly("CREATE TABLE m1(a int)", "CREATE TABLE m2(b text DEFAULT 'x;y')",
        "CREATE TABLE m4()", "COMMENT ON TABLE m1 IS E'semi;colon \\' quote'",
        "CREATE FUNCTION mf() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$",
        "/* c; */ CREATE VIEW mv AS SELECT 1 AS one");
    assertThat(run.dropped()).containsExactlyInAnyOrder("CREATE TABLE m3()", "CREATE TABLE m3()",
        "CREATE TABLE m4()", "CREATE TABLE m5()");
    assertThat(run.event("CREATE TABLE m2(b text DEFAULT 'x;y')").id()).endsWith("/3");
  }

  @Test
  void theExtendedProtocolShipsWhatCommitted() {
    Run run = offline("15-jdbc");
    assertThat(run.published()).contains("CREATE TABLE j1(a int)", "CREATE TABLE j2()", " CREATE TABLE j3()",
        "CREATE TABLE jb1()", "CREATE TABLE jb2()", "CREATE INDEX jb_i ON j1(a)", "CREATE TABLE j5()")
        .doesNotContain("CREATE TABLE j4()");
    assertThat(run.dropped()).containsExactly("CREATE TABLE j1(a int)", "CREATE TABLE j4()");
  }

  @Test
  void theContextTheDdlRanInTravelsWithIt() {
    Run run = offline("16-context");
    assertThat(run.event("CREATE TABLE c1();").context()).isEqualTo(new ExecutionContext("postgres", "postgres",
        "s16a"));
    assertThat(run.event("CREATE TABLE c2();").context()).isEqualTo(new ExecutionContext("r16", "postgres", "s16a"));
    assertThat(run.event("CREATE TABLE c3();").context()).isEqualTo(new ExecutionContext("u16", "u16", "s16a"));
    assertThat(run.event("CREATE TABLE c4();").context()).isEqualTo(new ExecutionContext("u16", "u16", "s16b"));
    assertThat(run.event("CREATE TABLE c5()").context().searchPath()).isEqualTo("s16a");
  }

  @Test
  void ddlInsideDoBlocksFunctionsAndProceduresShipsAsTheInnerStatement() {
    Run run = offline("17-do-function-procedure");
    assertThat(run.published()).contains("CREATE TABLE d1(a int)", "CREATE TABLE d2(b int)", "CREATE TABLE d3 (x int)",
        "CREATE TABLE d4()").noneMatch(sql -> sql.startsWith("DO") || sql.contains("INSERT"));
    assertThat(run.outcomes()).filteredOn(o -> o instanceof Outcome.Drop d && d.reason().contains("SQL-language"))
        .hasSize(1);
  }

  @Test
  void globalObjectsShipAsClusterWideEventsAndRolePasswordsNeverInClearText() {
    Run run = offline("18-globals");
    DdlEvent role = run.event("CREATE ROLE g_app LOGIN PASSWORD " + RolePasswords.PLACEHOLDER + ";");
    assertThat(role.scope()).isEqualTo(Scope.CLUSTER);
    assertThat(run.outcomes()).extracting(o -> o.event().statement()).noneMatch(s -> s.contains("AppSecret"));
    assertThat(run.event("CREATE DATABASE gdb OWNER g_app TEMPLATE template0;").key()).isEqualTo("gdb");
    assertThat(run.event("ALTER DATABASE gdb RENAME TO gdb2;").key()).isEqualTo("gdb");
    assertThat(run.event("GRANT g_read TO g_app;").scope()).isEqualTo(Scope.CLUSTER);
    assertThat(run.event("GRANT SELECT ON gt TO g_read;").scope()).isEqualTo(Scope.DATABASE);
    assertThat(run.event("CREATE EXTENSION postgres_fdw;").scope()).isEqualTo(Scope.DATABASE);
    assertThat(run.published()).contains("CREATE TABLESPACE gts LOCATION '/tmp/capture-BmrD/ts18';",
        "DROP ROLE g_read;", "REASSIGN OWNED BY g_read TO postgres;");
  }

  @Test
  void eventsNameTheSchemasTheirObjectsAreIn() {
    Run context = offline("16-context");
    assertThat(context.event("CREATE TABLE c1();").schemas()).containsExactly("s16a");
    assertThat(context.event("CREATE TABLE c4();").schemas()).containsExactly("s16b");
    Run globals = offline("18-globals");
    assertThat(globals.event("CREATE ROLE g_read NOLOGIN;").schemas()).isEmpty();
    assertThat(globals.event("CREATE DATABASE gdb OWNER g_app TEMPLATE template0;").schemas()).isEmpty();
    assertThat(globals.event("CREATE TABLE gt();").schemas()).containsExactly("public");
    assertThat(globals.event("GRANT SELECT ON gt TO g_read;").schemas()).containsExactly("public");
    assertThat(globals.event("CREATE EXTENSION postgres_fdw;").schemas()).isEmpty();
    assertThat(globals.event("CREATE SERVER gsrv FOREIGN DATA WRAPPER postgres_fdw;").schemas()).isEmpty();
    assertThat(globals.event("DROP OWNED BY g_read;").schemas()).isEmpty();
  }

  @Test
  void temporaryObjectsAndAlterSystemNeverShip() {
    Run temp = offline("19-temp");
    assertThat(temp.published()).containsExactly("CREATE TABLE real1();", "DROP TABLE real1;");
    assertThat(temp.dropped()).hasSize(6);
    Run misc = offline("20-misc");
    assertThat(misc.dropped()).containsExactly("ALTER SYSTEM SET work_mem = '8MB';");
    assertThat(misc.published()).contains("CREATE TABLE misc1 AS SELECT 1 AS a;", "SELECT 2 AS b INTO misc2;");
  }

  @Test
  void aTransactionOpenAtACrashIsDecidedByThePrimary() {
    Run offline = offline("21-crash-open-tx-1", "21-crash-open-tx-2");
    assertThat(offline.undecided()).containsExactly("CREATE TABLE cr1();");
    assertThat(offline.published()).containsExactly("CREATE TABLE cr2()");
    Run online = run(Map.of("846", XactStatus.ABORTED), "21-crash-open-tx-1", "21-crash-open-tx-2");
    assertThat(online.dropped()).containsExactly("CREATE TABLE cr1();");
    assertThat(online.published()).containsExactly("CREATE TABLE cr2()");
  }

  @Test
  void aNewDatabaseIsKeyedByItselfAndItsDdlFollows() {
    Run run = offline("22-create-database-then-fill");
    assertThat(run.published()).containsExactly("CREATE DATABASE filled", "CREATE TABLE f1()");
    assertThat(run.event("CREATE TABLE f1()").database()).isEqualTo("filled");
    assertThat(run.event("CREATE DATABASE filled").key()).isEqualTo("filled");
  }

  /** The kind a statement of the run was dropped with. */
  private static DropKind kindOf(Run run, String statement) {
    return run.outcomes.stream().filter(o -> o instanceof Outcome.Drop && o.event().statement().equals(statement))
        .map(o -> ((Outcome.Drop) o).kind()).findFirst()
        .orElseThrow(() -> new AssertionError("no drop of " + statement + " in " + run.outcomes));
  }

  @Test
  void onlyWhatAStandbyCanHoldShips() {
    Run run = offline("23-shipped");
    assertThat(run.published()).containsExactly(
        "CREATE TABLE perm (a int);", "CREATE TABLE perm2 (a int);",
        "CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;",
        "GRANT SELECT ON TABLE perm2 TO PUBLIC", // of "GRANT SELECT ON TABLE tt, perm2 TO PUBLIC;"
        "DROP TABLE public.perm", // of "DROP TABLE tt, perm;"
        "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM tt $$;", // a text body
        "CREATE TABLE mt (a int PRIMARY KEY);", "CREATE MATERIALIZED VIEW mv AS SELECT * FROM mt;",
        "CREATE UNIQUE INDEX mv_a ON mv (a);", "REFRESH MATERIALIZED VIEW CONCURRENTLY mv;",
        "CREATE TABLE ci (a int);",
        "CREATE FUNCTION fragile(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$\nBEGIN\n  IF current_setting("
            + "'test.fail', true) = 'on' THEN RAISE EXCEPTION 'fragile'; END IF;\n  RETURN $1;\nEND $$;",
        "CREATE INDEX ci_f ON ci (fragile(a));",
        "DROP INDEX public.ci_f"); // of "DROP INDEX ci_f_ccnew, ci_f;"
    for (String temporary : List.of("CREATE TRIGGER tg BEFORE INSERT ON tt FOR EACH ROW EXECUTE FUNCTION trg();",
        "GRANT SELECT ON tt TO PUBLIC;", "CREATE RULE r AS ON INSERT TO tt DO ALSO NOTIFY x;", "DROP VIEW tv;",
        "CREATE FUNCTION g(tt) RETURNS int LANGUAGE sql AS 'SELECT 1';",
        "CREATE FUNCTION h() RETURNS SETOF tt LANGUAGE sql AS 'SELECT * FROM tt';", "CREATE DOMAIN d AS tt;",
        "DROP DOMAIN d;", "DROP INDEX ci_u;")) {
      assertThat(kindOf(run, temporary)).as(temporary).isEqualTo(DropKind.NOT_REPLICATED);
    }
    for (String data : List.of("GRANT SELECT ON LARGE OBJECT 4242 TO PUBLIC;",
        "COMMENT ON LARGE OBJECT 4242 IS 'data';",
        "ALTER LARGE OBJECT 4242 OWNER TO postgres;", "REVOKE SELECT ON LARGE OBJECT 4242 FROM PUBLIC;")) {
      assertThat(kindOf(run, data)).as(data).isEqualTo(DropKind.DATA);
    }
    for (String refused : List.of("CREATE TABLE p2 (x tt);", "EXPLAIN ANALYZE CREATE TABLE ea AS SELECT 1 AS x;",
        "EXPLAIN (ANALYZE, COSTS OFF) CREATE MATERIALIZED VIEW emv AS SELECT 1 AS x;",
        "EXPLAIN ANALYZE SELECT 1 AS y INTO esi;", "CREATE TABLE tp AS EXECUTE p;")) {
      assertThat(kindOf(run, refused)).as(refused).isEqualTo(DropKind.REFUSED);
    }
    assertThat(kindOf(run, "CREATE UNIQUE INDEX CONCURRENTLY ci_u ON ci (a);")).isEqualTo(DropKind.FAILED);
    assertThat(run.outcomes).extracting(o -> o.event().statement()).noneMatch(s -> s.contains("pg_temp_")
        || s.startsWith("EXPLAIN CREATE"));
  }

  @Test
  void stateSurvivesACheckpointInTheMiddleOfATransaction() {
    byte[] bytes = read("10-savepoint-rollback");
    List<LogRecord> records = CsvlogParser.parse("f", 0, bytes, bytes.length).records();
    SessionTracker first = new SessionTracker(new EventFactory("captured"), true, HelperTrust.FRAMES_ONLY);
    int half = records.size() / 2;
    records.subList(0, half).forEach(first::accept);
    TrackerState saved = TrackerState.fromJson(first.snapshot().json().deepCopy());
    SessionTracker second = new SessionTracker(new EventFactory("captured"), true, HelperTrust.FRAMES_ONLY);
    second.restore(saved);
    List<Outcome> outcomes = new ArrayList<>();
    for (LogRecord record : records.subList(half, records.size())) {
      outcomes.addAll(second.accept(record));
      Map<Xid, XactStatus> answers = new HashMap<>();
      Question question = second.ask();
      question.xids().forEach(q -> answers.put(q, q.toString().startsWith("x32:748")
          ? XactStatus.ABORTED : XactStatus.COMMITTED));
      outcomes.addAll(second.answer(question, answers));
    }
    assertThat(outcomes).filteredOn(o -> o instanceof Outcome.Publish).extracting(o -> o.event().statement())
        .containsExactly("CREATE TABLE s10a();", "CREATE TABLE s10c();");
  }
}
