package io.ddlcast.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The producer's checkpoint format, held byte for byte: {@code checkpoint/v2-golden.json} was written by the
 * producer before its tracker was split into stages (commit 22478a2), from the state below: a prepared transaction,
 * a commit waiting for the primary's word on its savepoints, a commit waiting for another session's open
 * transaction, a failed statement queued behind them, an open transaction and a statement still being read.
 * Rebuilding that state must give the same bytes, reading the file back and writing it again must too, and the
 * restored tracker must finish the work exactly as the original would.
 */
class CheckpointGoldenTest {
  private static final String GOLDEN = "/checkpoint/v2-golden.json";

  private static List<LogRecord> records(String fixture) {
    try (InputStream in = CheckpointGoldenTest.class.getResourceAsStream("/csvlog/capture/" + fixture + ".csv")) {
      byte[] bytes = in.readAllBytes();
      return CsvlogParser.parse(fixture, 0, bytes, bytes.length).records();
    } catch (IOException | NullPointerException e) {
      throw new AssertionError("fixture " + fixture + " missing", e);
    }
  }

  private static List<LogRecord> synthetic(String csv) {
    byte[] bytes = Csvlog.utf8(csv);
    return CsvlogParser.parse("postgresql-2026-11-23_190000.csv", 0, bytes, bytes.length).records();
  }

  /** Feeds the state described above; returns what became final on the way. */
  private static List<Outcome> feed(SessionTracker tracker) {
    List<Outcome> out = new ArrayList<>();
    records("08-2pc-commit").subList(0, 5).forEach(r -> out.addAll(tracker.accept(r)));
    records("10-savepoint-rollback").forEach(r -> out.addAll(tracker.accept(r)));
    String quiet = Csvlog.record("g.1", 1, "7/1", "LOG", "00000", "idle", "execute <unnamed>: CREATE TABLE gq()", "")
        + Csvlog.record("g.1", 2, "7/1", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", "", "900");
    String committed = Csvlog.record("g.2", 1, "8/1", "LOG", "00000", "idle", "statement: CREATE TABLE gc()", "")
        + Csvlog.record("g.2", 2, "8/0", "LOG", "00000", "CREATE TABLE", "duration: 0.4 ms", "");
    String failed = Csvlog.record("g.3", 1, "9/1", "LOG", "00000", "idle", "statement: CREATE TABLE gf()", "")
        + Csvlog.record("g.3", 2, "9/1", "ERROR", "42P07", "CREATE TABLE", "relation \"gf\" already exists",
            "CREATE TABLE gf()");
    String open = Csvlog.record("g.4", 1, "10/1", "LOG", "00000", "idle in transaction",
        "statement: CREATE TABLE go1(); CREATE TABLE go2()", "");
    synthetic(quiet + committed + failed + open).forEach(r -> out.addAll(tracker.accept(r)));
    return out;
  }

  private static byte[] checkpoint(SessionTracker tracker) {
    return new Checkpoint(new LogCursor("postgresql-2026-11-23_190000.csv", 48213), tracker.snapshot(), 42,
        "6b049189.18b:2", "2026-11-23T19:18:33.101Z", 1024, 3).encode();
  }

  private static byte[] golden() throws IOException {
    try (InputStream in = CheckpointGoldenTest.class.getResourceAsStream(GOLDEN)) {
      if (in == null) {
        return null;
      }
      return in.readAllBytes();
    }
  }

  @Test
  void theSameStateWritesTheSameBytes() throws IOException {
    SessionTracker tracker = new SessionTracker(new StatementRecords("golden"), true);
    assertThat(feed(tracker)).isEmpty(); // everything waits: the golden state holds it all
    byte[] written = checkpoint(tracker);
    byte[] golden = golden();
    if (golden == null) {
      Path out = Path.of("target", "v2-golden.json");
      Files.write(out, written);
      throw new AssertionError("no " + GOLDEN + " yet: wrote " + out.toAbsolutePath() + " to review and commit");
    }
    assertThat(new String(written, StandardCharsets.UTF_8)).isEqualTo(new String(golden, StandardCharsets.UTF_8));
  }

  @Test
  void readingTheGoldenCheckpointAndWritingItAgainChangesNoByte() throws IOException {
    byte[] golden = golden();
    assertThat(golden).as("golden file").isNotNull();
    Checkpoint read = Checkpoint.decode(golden);
    assertThat(read.cursor()).isEqualTo(new LogCursor("postgresql-2026-11-23_190000.csv", 48213));
    assertThat(read.published()).isEqualTo(42);
    assertThat(read.lastEventId()).isEqualTo("6b049189.18b:2");
    assertThat(read.behindBytes()).isEqualTo(1024);
    assertThat(read.filtered()).isEqualTo(3);
    SessionTracker restored = new SessionTracker(new StatementRecords("golden"), true);
    restored.restore(read.tracker());
    assertThat(new String(checkpoint(restored), StandardCharsets.UTF_8))
        .isEqualTo(new String(golden, StandardCharsets.UTF_8));
  }

  @Test
  void theRestoredTrackerFinishesTheWorkAsTheOriginalWould() throws IOException {
    SessionTracker original = new SessionTracker(new StatementRecords("golden"), true);
    feed(original);
    SessionTracker restored = new SessionTracker(new StatementRecords("golden"), true);
    restored.restore(Checkpoint.decode(golden()).tracker());
    for (SessionTracker tracker : List.of(original, restored)) {
      List<Outcome> outcomes = new ArrayList<>(finish(tracker));
      assertThat(outcomes).extracting(o -> (o instanceof Outcome.Publish ? "publish " : "drop ")
          + o.event().statement()).containsExactly(
              "publish CREATE TABLE s10a();", "drop CREATE TABLE s10b();", "publish CREATE TABLE s10c();",
              "publish CREATE TABLE gq()", "publish CREATE TABLE gc()", "drop CREATE TABLE gf()",
              "publish CREATE TABLE t8();", "publish CREATE TABLE go1()", "publish CREATE TABLE go2()");
      assertThat(tracker.pendingCount()).isZero();
    }
  }

  /** The primary's answers, then the rest of the open session's string and its COMMIT. */
  private static List<Outcome> finish(SessionTracker tracker) {
    Map<String, SessionTracker.XactStatus> answers = new HashMap<>();
    for (String q : tracker.statusQueries()) {
      answers.put(q, q.startsWith("x32:748") ? SessionTracker.XactStatus.ABORTED
          : SessionTracker.XactStatus.COMMITTED);
    }
    List<Outcome> out = new ArrayList<>(tracker.applyStatuses(answers));
    out.addAll(tracker.applyStatuses(Map.of()));
    String end = Csvlog.record("g.4", 2, "10/1", "LOG", "00000", "idle in transaction", "duration: 0.3 ms", "")
        + Csvlog.record("g.4", 3, "10/0", "LOG", "00000", "COMMIT", "duration: 0.2 ms", "");
    synthetic(end).forEach(r -> out.addAll(tracker.accept(r)));
    return out;
  }
}
