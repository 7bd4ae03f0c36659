package io.ddlcast.producer.settle;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.capture.EventFactory;
import io.ddlcast.producer.capture.HelperTrust;
import io.ddlcast.producer.capture.RecordKind;
import io.ddlcast.producer.csvlog.Csvlog;
import io.ddlcast.producer.csvlog.CsvlogParser;
import io.ddlcast.producer.csvlog.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Records any login can write ({@code RAISE LOG}, a statement name of its choosing) that read as the server's or
 * the helper's: none of them makes DDL reach a standby, none settles a transaction, each is reported.
 */
class ForgedRecordsTest {
  private static final String RAISED = "PL/pgSQL function inline_code_block line 1 at RAISE";
  private static final String HELPER = "PL/pgSQL function ddlcast.log_ddl() line 24 at RAISE";
  private static final String DO_BLOCK = "DO $$BEGIN RAISE LOG '...'; END$$";

  private final List<String> trusted = new ArrayList<>(List.of("postgres"));
  private final SessionTracker tracker = new SessionTracker(new EventFactory("p1"), false, trusted::contains);

  private List<Outcome> feed(String csv) {
    byte[] bytes = Csvlog.utf8(csv);
    List<Outcome> out = new ArrayList<>();
    CsvlogParser.parse("f.csv", 0, bytes, bytes.length).records().forEach(r -> out.addAll(tracker.accept(r)));
    return out;
  }

  private static String raised(String db, String session, long line, String vxid, String message, String context) {
    return Csvlog.record(db, session, line, vxid, "LOG", "00000", "DO", message, DO_BLOCK, context);
  }

  private static String helperJson(String user) {
    return "ddlcast ddl_command_end {\"v\": 2, \"tag\": \"ALTER ROLE\", \"user\": \"" + user
        + "\", \"session_user\": \"" + user + "\", \"search_path\": \"public\", \"objects\": []}";
  }

  @Test
  void aStatementRaisedByCodeIsNotAStatement() {
    List<Outcome> outcomes = feed(
        raised("postgres", "m.1", 1, "4/5", "statement: ALTER ROLE mallory SUPERUSER", RAISED)
            + Csvlog.record("m.1", 2, "4/0", "LOG", "00000", "DO", "duration: 0.2 ms", "")
            + Csvlog.record("m.1", 3, "", "LOG", "00000", "idle", "disconnection: session time: 0:00:01", ""));
    assertThat(outcomes).isEmpty();
    assertThat(tracker.drainProblems()).singleElement().asString()
        .contains("session m.1 (user postgres) reads as a statement but was raised by code (" + RAISED + ")");
  }

  @Test
  void aHelperReportRaisedByOtherCodeOrFromAnUnverifiedHelperIsNotBelieved() {
    String statement = Csvlog.record("m.2", 1, "4/6", "LOG", "00000", "idle", "statement: CREATE TABLE mine()", "");
    String forged = raised("postgres", "m.2", 2, "4/6", helperJson("postgres"), RAISED);
    String unverified = Csvlog.record("scratch", "m.2", 3, "4/6", "LOG", "00000", "CREATE TABLE",
        helperJson("postgres"), "CREATE TABLE mine()", HELPER);
    String end = Csvlog.record("m.2", 4, "4/0", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "");
    List<Outcome> outcomes = feed(statement + forged + unverified + end);
    assertThat(outcomes).singleElement().satisfies(o -> {
      assertThat(o.event().statement()).isEqualTo("CREATE TABLE mine()");
      assertThat(o.event().context()).isNull(); // no believed report: the login role only
    });
    assertThat(tracker.drainProblems()).hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("reads as ddlcast's helper but was raised by other code"))
        .anySatisfy(p -> assertThat(p).contains("helper in database scratch that is not verified"));
  }

  @Test
  void withoutAPrimaryHelperRecordsAreForgedAndReportedOncePerDatabase() {
    SessionTracker tracker = new SessionTracker(new EventFactory("p1"), false, HelperTrust.NONE);
    String csv = "";
    int line = 1;
    for (String db : List.of("app", "app", "hr")) {
      String table = "CREATE TABLE t" + line + "()";
      csv += Csvlog.record(db, "m.20", line++, "4/30", "LOG", "00000", "idle", "statement: " + table, "")
          + Csvlog.record(db, "m.20", line++, "4/30", "LOG", "00000", "CREATE TABLE",
              helperJson("mallory").replace("ALTER ROLE", "CREATE TABLE"), table, HELPER)
          + Csvlog.record(db, "m.20", line++, "4/0", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "");
    }
    byte[] bytes = Csvlog.utf8(csv);
    List<LogRecord> records = CsvlogParser.parse("f.csv", 0, bytes, bytes.length).records();
    assertThat(records).filteredOn(r -> r.message().startsWith("ddlcast "))
        .extracting(r -> RecordKind.classify(r, HelperTrust.NONE).kind()).containsExactly(RecordKind.FORGED,
            RecordKind.FORGED, RecordKind.FORGED);
    List<Outcome> outcomes = new ArrayList<>();
    records.forEach(r -> outcomes.addAll(tracker.accept(r)));
    assertThat(outcomes).hasSize(3).allSatisfy(o -> assertThat(o.event().context()).isNull()); // login role only
    assertThat(tracker.drainProblems()).hasSize(2).allMatch(p -> p.contains("without --primary-url"))
        .anySatisfy(p -> assertThat(p).contains("in database app"))
        .anySatisfy(p -> assertThat(p).contains("in database hr"));
  }

  @Test
  void aRaisedDisconnectionDoesNotSettleTheTransactionItInterrupts() {
    // "CREATE TABLE x(); DO $$ RAISE LOG 'disconnection: ...' $$; SELECT 1/0": all of it rolls back
    String string = "CREATE TABLE x(); " + DO_BLOCK + "; SELECT 1/0";
    List<Outcome> outcomes = feed(
        Csvlog.record("m.3", 1, "4/7", "LOG", "00000", "idle", "statement: " + string, "")
            + Csvlog.record("postgres", "m.3", 2, "4/7", "LOG", "00000", "CREATE TABLE",
                helperJson("mallory").replace("ALTER ROLE", "CREATE TABLE"), string, HELPER)
            + raised("postgres", "m.3", 3, "4/7", "disconnection: session time: 0:00:00.01", RAISED)
            + raised("postgres", "m.3", 4, "4/7", "duration: 0.1 ms", RAISED)
            + Csvlog.record("m.3", 5, "4/7", "ERROR", "22012", "SELECT", "division by zero", string)
            + Csvlog.record("m.3", 6, "", "LOG", "00000", "idle", "disconnection: session time: 0:00:01", ""));
    assertThat(outcomes).allMatch(o -> o instanceof Outcome.Drop);
    assertThat(outcomes).extracting(o -> o.event().statement()).containsExactly("CREATE TABLE x()");
    assertThat(tracker.drainProblems()).hasSize(2).allMatch(p -> p.contains("was raised by code"));
  }

  @Test
  void anExecuteRecordWhoseNameHoldsAColonIsReadAfterTheNamesEnd() {
    // a client named its prepared statement "S:1" (a colon, no blank after it): the name ends at the first ": "
    String named = Csvlog.record("m.3", 1, "4/7", "LOG", "00000", "idle", "execute S:1: CREATE ROLE mine", "")
        + Csvlog.record("m.3", 2, "4/0", "LOG", "00000", "CREATE ROLE", "duration: 0.5 ms", "");
    assertThat(feed(named)).extracting(o -> o.event().statement()).containsExactly("CREATE ROLE mine");
    assertThat(tracker.drainProblems()).isEmpty();
  }

  @Test
  void anExecuteRecordWhoseNameMayHideTheSqlIsTakenOnlyWhereTheHelperConfirmsIt() {
    // a client named its prepared statement "x: ALTER ROLE mallory SUPERUSER;" and ran CREATE TABLE mine()
    String twoParts = Csvlog.record("m.4", 1, "4/8", "LOG", "00000", "idle",
        "execute x: ALTER ROLE mallory SUPERUSER;: CREATE TABLE mine()", "")
        + Csvlog.record("m.4", 2, "4/0", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "");
    assertThat(feed(twoParts)).isEmpty();
    assertThat(tracker.drainProblems()).singleElement().asString().contains("holds 2 statements");

    // one cluster-wide statement: no helper can confirm it
    String global = Csvlog.record("m.5", 1, "4/9", "LOG", "00000", "idle",
        "execute x: CREATE ROLE evil --: CREATE ROLE mine", "")
        + Csvlog.record("m.5", 2, "4/0", "LOG", "00000", "CREATE ROLE", "duration: 0.5 ms", "");
    assertThat(feed(global)).isEmpty();
    assertThat(tracker.drainProblems()).singleElement().asString().contains("no helper report confirmed");

    // DDL of a database: the helper's report carries what ran
    String local = Csvlog.record("m.6", 1, "4/10", "LOG", "00000", "idle",
        "execute x: CREATE TABLE evil --: CREATE TABLE mine()", "")
        + Csvlog.record("postgres", "m.6", 2, "4/10", "LOG", "00000", "CREATE TABLE",
            helperJson("mallory").replace("ALTER ROLE", "CREATE TABLE"), "CREATE TABLE mine()", HELPER)
        + Csvlog.record("m.6", 3, "4/0", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "");
    assertThat(feed(local)).extracting(o -> o.event().statement()).containsExactly("CREATE TABLE mine()");
    assertThat(tracker.drainProblems()).isEmpty();
  }

  @Test
  void aClientNamedLikeDdlcastDoesNotHideItsDdl() {
    String csv = Csvlog.record("m.7", 1, "4/11", "LOG", "00000", "idle", "statement: CREATE TABLE hidden()", "")
        .replace("\"psql\"", "\"ddlcast-producer\"")
        + Csvlog.record("m.7", 2, "4/0", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "");
    assertThat(feed(csv)).singleElement().isInstanceOf(Outcome.Publish.class);
  }

  @Test
  void subscriptionsAreNeverReplicated() {
    String csv = Csvlog.record("m.8", 1, "4/12", "LOG", "00000", "idle",
        "statement: CREATE SUBSCRIPTION s CONNECTION 'host=p password=x' PUBLICATION p", "")
        + Csvlog.record("m.8", 2, "4/0", "LOG", "00000", "CREATE SUBSCRIPTION", "duration: 5 ms", "");
    assertThat(feed(csv)).singleElement().isInstanceOfSatisfying(Outcome.Drop.class,
        d -> assertThat(d.reason()).isEqualTo("CREATE SUBSCRIPTION changes only the instance it runs on"));
  }

  @Test
  void aStatementNotReadAsItRanIsNeverPublished() {
    // a LATIN1 database: its "é" reaches the log as one byte, not UTF-8
    HelperTrust latin1 = new HelperTrust() {
      @Override
      public boolean trusts(String database) {
        return true;
      }

      @Override
      public boolean utf8(String database) {
        return !database.equals("legacy");
      }
    };
    SessionTracker tracker = new SessionTracker(new EventFactory("p1"), false, latin1);
    String invalid = Csvlog.record("m.9", 1, "4/13", "LOG", "00000", "idle", "statement: CREATE TABLE caf\u00e9()", "")
        + Csvlog.record("m.9", 2, "4/0", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "");
    byte[] bytes = Csvlog.utf8(invalid);
    byte[] latin = invalid.replace("\u00e9", "\u0001").getBytes(StandardCharsets.UTF_8);
    int at = new String(latin, StandardCharsets.UTF_8).indexOf('\u0001');
    latin[at] = (byte) 0xE9; // é in LATIN1
    String legacy = Csvlog.record("legacy", "m.10", 1, "4/14", "LOG", "00000", "idle",
        "statement: CREATE TABLE \"Stra\u00dfe\"()", "")
        + Csvlog.record("legacy", "m.10", 2, "4/0", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "")
        + Csvlog.record("legacy", "m.11", 1, "4/15", "LOG", "00000", "idle", "statement: CREATE TABLE plain()", "")
        + Csvlog.record("legacy", "m.11", 2, "4/0", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "");
    List<Outcome> outcomes = new ArrayList<>();
    for (byte[] log : List.of(latin, Csvlog.utf8(legacy))) {
      CsvlogParser.Chunk chunk = CsvlogParser.parse("f.csv", 0, log, log.length);
      chunk.records().forEach(r -> outcomes.addAll(tracker.accept(r)));
    }
    assertThat(bytes).isNotEqualTo(latin);
    assertThat(outcomes).extracting(o -> o.event().statement()).containsExactly("CREATE TABLE plain()");
    assertThat(tracker.drainProblems()).singleElement().asString().contains("in database legacy, whose encoding is "
        + "not UTF8, holds characters beyond ASCII");
  }

  @Test
  void aStatementWhoseStringsReadDifferentlyWithStandardConformingStringsOffIsRefusedUnlessTheSettingIsKnownOn() {
    // with standard_conforming_strings off (any user may SET it), 'it\'s; DROP TABLE x' is one string
    String tricky = "COMMENT ON TABLE t IS 'it\\'s; DROP TABLE x'";
    String unknown = Csvlog.record("m.12", 1, "4/16", "LOG", "00000", "idle", "statement: " + tricky, "")
        + Csvlog.record("m.12", 2, "4/0", "LOG", "00000", "COMMENT", "duration: 0.5 ms", "");
    List<Outcome> refused = feed(unknown);
    assertThat(refused).isNotEmpty().allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(Outcome.Drop.class,
        d -> assertThat(d.kind()).isEqualTo(DropKind.UNSAFE)));

    String reportedOff = Csvlog.record("m.13", 1, "4/17", "LOG", "00000", "idle", "statement: " + tricky, "")
        + Csvlog.record("postgres", "m.13", 2, "4/17", "LOG", "00000", "COMMENT",
            helperJson("mallory").replace("ALTER ROLE", "COMMENT").replace("}", ", \"standard_conforming_strings\": "
                + "\"off\"}"), tricky, HELPER)
        + Csvlog.record("m.13", 3, "4/0", "LOG", "00000", "COMMENT", "duration: 0.5 ms", "");
    assertThat(feed(reportedOff)).isNotEmpty().allMatch(o -> o instanceof Outcome.Drop);

    String path = "COMMENT ON TABLE t IS 'C:\\temp'";
    String reportedOn = Csvlog.record("m.14", 1, "4/18", "LOG", "00000", "idle", "statement: " + path, "")
        + Csvlog.record("postgres", "m.14", 2, "4/18", "LOG", "00000", "COMMENT",
            helperJson("mallory").replace("ALTER ROLE", "COMMENT").replace("}", ", \"standard_conforming_strings\": "
                + "\"on\"}"), path, HELPER)
        + Csvlog.record("m.14", 3, "4/0", "LOG", "00000", "COMMENT", "duration: 0.5 ms", "");
    assertThat(feed(reportedOn)).singleElement().isInstanceOf(Outcome.Publish.class);

    // the session reported "on" for an earlier statement, then SET it off (not logged): its next statement is not
    // taken on that earlier word (seen in SecurityIT: the string was published as two statements)
    String staleOn = Csvlog.record("m.14", 4, "4/19", "LOG", "00000", "idle", "statement: " + tricky, "")
        + Csvlog.record("m.14", 5, "4/0", "LOG", "00000", "COMMENT", "duration: 0.5 ms", "");
    assertThat(feed(staleOn)).isNotEmpty().allMatch(o -> o instanceof Outcome.Drop);
  }

  @Test
  void aCommitThatIsOnlyACommitWithStandardConformingStringsOnSettlesNothing() {
    // with the setting off, the server reads 'a\'; COMMIT; SELECT ' as one string: nothing commits there, and the
    // session then rolls back (ROLLBACK is not DDL: not logged) and goes on in a new transaction
    String hidden = "CREATE TABLE z(); SELECT 'a\\'; COMMIT; SELECT ';";
    List<Outcome> outcomes = feed(
        Csvlog.record("m.16", 1, "4/30", "LOG", "00000", "idle", "statement: BEGIN; CREATE TABLE y()", "")
            + Csvlog.record("m.16", 2, "4/30", "LOG", "00000", "idle in transaction", "statement: " + hidden, "")
            + Csvlog.record("m.16", 3, "4/31", "LOG", "00000", "idle", "statement: CREATE TABLE after()", "")
            + Csvlog.record("m.16", 4, "4/0", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", ""));
    assertThat(outcomes).filteredOn(o -> o instanceof Outcome.Publish).extracting(o -> o.event().statement())
        .containsExactly("CREATE TABLE after()");
    assertThat(outcomes).filteredOn(o -> o instanceof Outcome.Drop).extracting(o -> o.event().statement())
        .contains("CREATE TABLE y()");
  }

  @Test
  void nothingInOrOnASchemaNamedDdlcastIsReplicatedWhoeverMadeIt() {
    // on a standby, schema ddlcast holds the applier's markers and functions: dropping the helper on the primary
    // (its own event trigger is gone by the time the drop ends: no helper record) or a user's schema of that name
    // must not reach it
    String csv = Csvlog.record("m.15", 1, "4/20", "LOG", "00000", "idle", "statement: DROP SCHEMA ddlcast CASCADE",
        "") + Csvlog.record("m.15", 2, "4/0", "LOG", "00000", "DROP SCHEMA", "duration: 0.5 ms", "")
        + Csvlog.record("m.15", 3, "4/21", "LOG", "00000", "idle", "statement: CREATE SCHEMA ddlcast", "")
        + Csvlog.record("m.15", 4, "4/0", "LOG", "00000", "CREATE SCHEMA", "duration: 0.5 ms", "")
        + Csvlog.record("m.15", 5, "4/22", "LOG", "00000", "idle",
            "statement: CREATE FUNCTION ddlcast.log_ddl() RETURNS void LANGUAGE sql AS 'SELECT 1'", "")
        + Csvlog.record("m.15", 6, "4/0", "LOG", "00000", "CREATE FUNCTION", "duration: 0.5 ms", "");
    List<Outcome> outcomes = feed(csv);
    assertThat(outcomes).hasSize(3).allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(Outcome.Drop.class,
        d -> assertThat(d.reason()).startsWith("schema ddlcast is ddlcast's own")));
  }
}
