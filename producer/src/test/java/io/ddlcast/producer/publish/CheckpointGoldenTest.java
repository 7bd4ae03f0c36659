package io.ddlcast.producer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.capture.EventFactory;
import io.ddlcast.producer.capture.HelperTrust;
import io.ddlcast.producer.capture.Xid;
import io.ddlcast.producer.csvlog.Csvlog;
import io.ddlcast.producer.csvlog.CsvlogParser;
import io.ddlcast.producer.csvlog.LogCursor;
import io.ddlcast.producer.csvlog.LogRecord;
import io.ddlcast.producer.settle.Outcome;
import io.ddlcast.producer.settle.Question;
import io.ddlcast.producer.settle.SessionTracker;
import io.ddlcast.producer.settle.XactStatus;
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
 *
 * <p>One addition since: each drop and each exclusion also names its kind ({@code dropKind}, {@code skipKind}).
 * An older producer reads past them; this one reads a checkpoint without them (the golden file) and derives the
 * kind. Apart from those two members, the bytes are the golden file's.
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
        "6b049189.18b:2", "2026-11-23T19:18:33.101Z", 1024, 3, 0).encode();
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
    SessionTracker tracker = new SessionTracker(new EventFactory("golden"), true, HelperTrust.FRAMES_ONLY);
    assertThat(feed(tracker)).isEmpty(); // everything waits: the golden state holds it all
    byte[] written = checkpoint(tracker);
    byte[] golden = golden();
    if (golden == null) {
      Path out = Path.of("target", "v2-golden.json");
      Files.write(out, written);
      throw new AssertionError("no " + GOLDEN + " yet: wrote " + out.toAbsolutePath() + " to review and commit");
    }
    assertThat(withoutKinds(written)).isEqualTo(new String(golden, StandardCharsets.UTF_8));
  }

  @Test
  void dropsNameTheirKindAndACheckpointWithoutKindsIsReadWithTheKindsItImplies() throws IOException {
    SessionTracker tracker = new SessionTracker(new EventFactory("golden"), true, HelperTrust.FRAMES_ONLY);
    feed(tracker);
    JsonNode written = EventCodec.mapper().readTree(checkpoint(tracker));
    JsonNode failed = written.path("tracker").path("outbox").get(2).path("outcomes").get(0);
    assertThat(failed.path("dropReason").asText()).startsWith("failed on the primary: ERROR 42P07");
    assertThat(failed.path("dropKind").asText()).isEqualTo("failed");

    SessionTracker restored = new SessionTracker(new EventFactory("golden"), true, HelperTrust.FRAMES_ONLY);
    restored.restore(Checkpoint.decode(golden()).tracker()); // the golden file has no kinds
    List<Outcome> outcomes = finish(restored);
    assertThat(outcomes).filteredOn(o -> o instanceof Outcome.Drop).extracting(o -> ((Outcome.Drop) o).kind())
        .containsExactly(DropKind.ROLLED_BACK, DropKind.FAILED);
  }

  /** The checkpoint's JSON without the members added after the golden file was written. */
  private static String withoutKinds(byte[] checkpoint) throws IOException {
    JsonNode root = EventCodec.mapper().readTree(checkpoint);
    strip(root);
    return root.toString();
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove(List.of("dropKind", "skipKind"));
    }
    node.forEach(CheckpointGoldenTest::strip);
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
    SessionTracker restored = new SessionTracker(new EventFactory("golden"), true, HelperTrust.FRAMES_ONLY);
    restored.restore(read.tracker());
    assertThat(withoutKinds(checkpoint(restored))).isEqualTo(new String(golden, StandardCharsets.UTF_8));
  }

  @Test
  void theRestoredTrackerFinishesTheWorkAsTheOriginalWould() throws IOException {
    SessionTracker original = new SessionTracker(new EventFactory("golden"), true, HelperTrust.FRAMES_ONLY);
    feed(original);
    SessionTracker restored = new SessionTracker(new EventFactory("golden"), true, HelperTrust.FRAMES_ONLY);
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
    Map<Xid, XactStatus> answers = new HashMap<>();
    Question question = tracker.ask();
    for (Xid q : question.xids()) {
      answers.put(q, q.toString().startsWith("x32:748") ? XactStatus.ABORTED : XactStatus.COMMITTED);
    }
    List<Outcome> out = new ArrayList<>(tracker.answer(question, answers));
    out.addAll(tracker.answer(tracker.ask(), Map.of()));
    String end = Csvlog.record("g.4", 2, "10/1", "LOG", "00000", "idle in transaction", "duration: 0.3 ms", "")
        + Csvlog.record("g.4", 3, "10/0", "LOG", "00000", "COMMIT", "duration: 0.2 ms", "");
    synthetic(end).forEach(r -> out.addAll(tracker.accept(r)));
    return out;
  }
}
