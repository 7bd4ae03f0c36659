package io.ddlcast.producer.csvlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFollowerTest {
  @TempDir
  Path dir;

  private static String statement(long line, String sql) {
    return Csvlog.record("s.1", line, "3/" + line, "LOG", "00000", "idle", "statement: " + sql, "");
  }

  private void append(String file, String text) throws IOException {
    Files.writeString(dir.resolve(file), text, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static List<Long> lines(LogFollower follower) throws IOException {
    List<Long> lines = new ArrayList<>();
    LogFollower.Batch batch;
    do {
      batch = follower.poll();
      batch.records().forEach(r -> lines.add(r.sessionLine()));
    } while (batch.more() || !batch.isEmpty());
    return lines;
  }

  @Test
  void returnsNothingUntilAPartialRecordIsCompleted() throws IOException {
    String record = statement(1, "CREATE FUNCTION f() RETURNS int AS $$\nSELECT 1\n$$ LANGUAGE sql");
    int cut = record.indexOf("SELECT 1");
    append("postgresql-1.csv", record.substring(0, cut));
    LogFollower follower = new LogFollower(LogSource.ofLogDir(dir), null, 1 << 20);

    assertThat(lines(follower)).isEmpty();
    assertThat(follower.cursor()).isEqualTo(new LogCursor("postgresql-1.csv", 0));

    append("postgresql-1.csv", record.substring(cut));
    assertThat(lines(follower)).containsExactly(1L);
    assertThat(follower.cursor().offset()).isEqualTo(record.getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void followsRotationToTheNextFileOnlyOnceItHasContent() throws IOException {
    append("postgresql-2026-11-23_100000.csv", statement(1, "CREATE TABLE a()"));
    LogFollower follower = new LogFollower(LogSource.ofLogDir(dir), null, 1 << 20);
    assertThat(lines(follower)).containsExactly(1L);

    Files.createFile(dir.resolve("postgresql-2026-11-23_100100.csv"));
    append("postgresql-2026-11-23_100000.csv", statement(2, "CREATE TABLE b()")); // late write to the old file
    assertThat(lines(follower)).containsExactly(2L);
    assertThat(follower.cursor().file()).isEqualTo("postgresql-2026-11-23_100000.csv");

    append("postgresql-2026-11-23_100100.csv", statement(3, "CREATE TABLE c()"));
    assertThat(lines(follower)).containsExactly(3L);
    assertThat(follower.cursor().file()).isEqualTo("postgresql-2026-11-23_100100.csv");
  }

  @Test
  void sameSecondSizeRotationAppendsToTheSameFile() throws IOException {
    String name = "postgresql-2026-11-23_100000.csv";
    append(name, statement(1, "CREATE TABLE a()"));
    LogFollower follower = new LogFollower(LogSource.ofLogDir(dir), null, 1 << 20);
    assertThat(lines(follower)).containsExactly(1L);

    // PostgreSQL closes and reopens the same name in append mode: more bytes in the same file.
    append(name, statement(2, "CREATE TABLE b()"));
    append(name, statement(3, "CREATE TABLE c()"));
    assertThat(lines(follower)).containsExactly(2L, 3L);
  }

  @Test
  void readsEveryFileInNameOrderWhenSeveralRotationsHappenedMeanwhile() throws IOException {
    append("postgresql-2026-11-23_100000.csv", statement(1, "CREATE TABLE a()"));
    append("postgresql-2026-11-23_100100.csv", statement(2, "CREATE TABLE b()"));
    append("postgresql-2026-11-23_100200.csv", statement(3, "CREATE TABLE c()"));
    LogFollower follower = new LogFollower(LogSource.ofLogDir(dir), null, 1 << 20);
    assertThat(lines(follower)).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aRecordTruncatedByRotationIsReportedAndSkipped() throws IOException {
    String complete = statement(1, "CREATE TABLE a()");
    append("postgresql-1.csv", complete + statement(2, "CREATE TABLE b()").substring(0, 40));
    LogFollower follower = new LogFollower(LogSource.ofLogDir(dir), null, 1 << 20);
    assertThat(lines(follower)).containsExactly(1L);

    append("postgresql-2.csv", statement(3, "CREATE TABLE c()"));
    List<String> problems = new ArrayList<>();
    List<Long> lines = new ArrayList<>();
    LogFollower.Batch batch;
    do {
      batch = follower.poll();
      problems.addAll(batch.problems());
      batch.records().forEach(r -> lines.add(r.sessionLine()));
    } while (batch.more());

    assertThat(lines).containsExactly(3L);
    assertThat(problems).singleElement().asString()
        .contains("truncated record at the end of postgresql-1.csv offset " + complete.length());
  }

  @Test
  void resumesFromACursorWithoutRepeatingOrSkipping() throws IOException {
    append("postgresql-1.csv", statement(1, "CREATE TABLE a()") + statement(2, "CREATE TABLE b()"));
    LogFollower first = new LogFollower(LogSource.ofLogDir(dir), null, 1 << 20);
    assertThat(lines(first)).containsExactly(1L, 2L);
    LogCursor cursor = first.cursor();
    first.close();

    append("postgresql-1.csv", statement(3, "CREATE TABLE c()"));
    append("postgresql-2.csv", statement(4, "CREATE TABLE d()"));
    LogFollower second = new LogFollower(LogSource.ofLogDir(dir), cursor, 1 << 20);
    assertThat(lines(second)).containsExactly(3L, 4L);
  }

  @Test
  void findsTheLogThroughCurrentLogfilesInPgdata() throws IOException {
    Path pgdata = dir.resolve("pgdata");
    Files.createDirectories(pgdata.resolve("log"));
    Files.writeString(pgdata.resolve("log/postgresql-1.csv"), statement(1, "CREATE TABLE a()"));
    Files.writeString(pgdata.resolve("log/postgresql-1.log"), "not csv\n");
    Files.writeString(pgdata.resolve("current_logfiles"), "stderr log/postgresql-1.log\ncsvlog log/postgresql-1.csv\n");
    LogSource source = LogSource.ofPgdata(pgdata);

    assertThat(source.activeFile()).contains("postgresql-1.csv");
    assertThat(lines(new LogFollower(source, null, 1 << 20))).containsExactly(1L);
  }

  @Test
  void startsAtTheEndOfTheActiveFileWhenAskedTo() throws IOException {
    append("postgresql-1.csv", statement(1, "CREATE TABLE a()"));
    append("postgresql-2.csv", statement(2, "CREATE TABLE b()") + statement(3, "CREATE TABLE c()").substring(0, 30));
    LogFollower follower = new LogFollower(LogSource.ofLogDir(dir), null, 1 << 20);
    follower.seekToEnd();
    append("postgresql-2.csv", statement(3, "CREATE TABLE c()").substring(30));
    assertThat(lines(follower)).containsExactly(3L);
  }

  @Test
  void readsARecordLargerThanOneRead() throws IOException {
    String big = "CREATE TABLE big (" + "x int, ".repeat(300_000) + "y int)"; // ~2 MB statement
    append("postgresql-1.csv", statement(1, big) + statement(2, "CREATE TABLE a()"));
    LogFollower follower = new LogFollower(LogSource.ofLogDir(dir), null, 64 * 1024);
    List<LogRecord> records = new ArrayList<>();
    LogFollower.Batch batch;
    do {
      batch = follower.poll();
      records.addAll(batch.records());
    } while (batch.more() || !batch.isEmpty());
    assertThat(records).extracting(LogRecord::sessionLine).containsExactly(1L, 2L);
    assertThat(records.get(0).message()).isEqualTo("statement: " + big);
  }

  @Test
  void aFileThatShrankIsReportedAndReadAgain() throws IOException {
    append("postgresql-1.csv", statement(1, "CREATE TABLE a()") + statement(2, "CREATE TABLE b()"));
    LogFollower follower = new LogFollower(LogSource.ofLogDir(dir), null, 1 << 20);
    assertThat(lines(follower)).containsExactly(1L, 2L);

    Files.writeString(dir.resolve("postgresql-1.csv"), statement(9, "CREATE TABLE z()"));
    LogFollower.Batch batch = follower.poll();
    assertThat(batch.problems()).singleElement().asString().contains("shrank");
    assertThat(batch.records()).extracting(LogRecord::sessionLine).containsExactly(9L);
  }

  @Test
  void aFileRemovedWhileBeingReadIsReadToItsEndThenTheNextOne() throws IOException {
    append("postgresql-1.csv", statement(1, "CREATE TABLE a()"));
    LogFollower follower = new LogFollower(LogSource.ofLogDir(dir), null, 1 << 20);
    assertThat(lines(follower)).containsExactly(1L);
    append("postgresql-1.csv", statement(2, "CREATE TABLE b()"));
    Files.delete(dir.resolve("postgresql-1.csv")); // removed while open: its bytes stay readable
    append("postgresql-2.csv", statement(3, "CREATE TABLE c()"));

    assertThat(lines(follower)).containsExactly(2L, 3L);
  }

  @Test
  void aFileRemovedBeforeItWasOpenedIsReportedWithItsOffsetAndTheNextOneIsRead() throws IOException {
    append("postgresql-2.csv", statement(3, "CREATE TABLE c()"));
    LogFollower follower = new LogFollower(LogSource.ofLogDir(dir), new LogCursor("postgresql-1.csv", 120), 1 << 20);

    LogFollower.Batch batch = follower.poll();
    assertThat(batch.problems()).singleElement().asString()
        .contains("csvlog file postgresql-1.csv disappeared at offset 120; continuing with postgresql-2.csv");
    assertThat(batch.records()).extracting(LogRecord::sessionLine).containsExactly(3L);
  }

  @Test
  void anUnreadableFileFailsThePollNamingItAndIsReadOnceReadableAgain() throws IOException {
    append("postgresql-1.csv", statement(1, "CREATE TABLE a()"));
    LogFollower follower = new LogFollower(LogSource.ofLogDir(dir), null, 1 << 20);
    assertThat(lines(follower)).containsExactly(1L);
    Path file = dir.resolve("postgresql-1.csv");
    byte[] content = Files.readAllBytes(file);
    follower.close();
    Files.delete(file);
    Files.createDirectory(file); // unreadable as a file, whoever runs the test (root ignores permissions)

    org.assertj.core.api.Assertions.assertThatThrownBy(follower::poll).isInstanceOf(IOException.class)
        .hasMessageContaining("csvlog file " + file);
    assertThat(follower.cursor()).isEqualTo(new LogCursor("postgresql-1.csv", content.length));

    Files.delete(file);
    Files.write(file, content);
    append("postgresql-1.csv", statement(2, "CREATE TABLE b()"));
    assertThat(lines(follower)).containsExactly(2L);
  }

  @Test
  void theBytesBehindAPositionCountTheRestOfItsFileAndEveryLaterOne() throws IOException {
    append("postgresql-1.csv", "0123456789");
    append("postgresql-2.csv", "abcde");
    LogSource source = LogSource.ofLogDir(dir);
    assertThat(source.bytesAfter(null)).isEqualTo(15);
    assertThat(source.bytesAfter(new LogCursor("postgresql-1.csv", 4))).isEqualTo(11);
    assertThat(source.bytesAfter(new LogCursor("postgresql-2.csv", 5))).isZero();
    assertThat(source.bytesAfter(new LogCursor("postgresql-0.csv", 0))).isEqualTo(15); // removed: all after it
  }

  /**
   * A statement record of about {@code megabytes} MB, its body written in pieces with quotes and newlines inside;
   * returns the record's last bytes, appended unless {@code open}.
   */
  private String appendHuge(String file, long line, int megabytes, boolean open) throws IOException {
    String head = statement(line, "COMMENT ON TABLE t IS 'x");
    String prefix = head.substring(0, head.indexOf("x\"") + 1);
    String suffix = head.substring(head.indexOf("x\"") + 1);
    append(file, prefix);
    String piece = "a \"\"quoted\"\" line\n".repeat(1 << 14); // about 256 kB with CSV-doubled quotes
    int pieces = megabytes * 4;
    for (int i = 0; i < pieces; i++) {
      append(file, piece);
    }
    if (!open) {
      append(file, suffix);
    }
    return suffix;
  }

  @Test
  void aRecordTooLargeToHoldIsReportedAndPassedOverAndTheRecordsAfterItAreRead() throws IOException {
    String file = "postgresql-2026-11-23_100000.csv";
    append(file, statement(1, "CREATE TABLE before()"));
    appendHuge(file, 2, 100, false);
    append(file, statement(3, "CREATE TABLE after()"));
    long size = Files.size(dir.resolve(file));
    LogFollower follower = new LogFollower(LogSource.ofLogDir(dir), null, 4 << 20);
    List<Long> lines = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    LogFollower.Batch batch;
    do {
      batch = follower.poll();
      batch.records().forEach(r -> lines.add(r.sessionLine()));
      problems.addAll(batch.problems());
    } while (batch.more() || !batch.isEmpty());
    assertThat(lines).containsExactly(1L, 3L);
    assertThat(problems).singleElement().asString().contains("has " + (size
        - statement(1, "CREATE TABLE before()").length() - statement(3, "CREATE TABLE after()").length())
        + " bytes, more than ddlcast reads (16 MB): skipped");
    assertThat(follower.cursor()).isEqualTo(new LogCursor(file, size));
  }

  @Test
  void aRestartInsideARecordTooLargeToHoldStartsAtTheRecordAndPassesOverItAgain() throws IOException {
    String file = "postgresql-2026-11-23_100000.csv";
    append(file, statement(1, "CREATE TABLE before()"));
    long hugeStart = Files.size(dir.resolve(file));
    String end = appendHuge(file, 2, 24, true); // still being written
    LogFollower follower = new LogFollower(LogSource.ofLogDir(dir), null, 4 << 20);
    assertThat(lines(follower)).containsExactly(1L);
    assertThat(follower.cursor()).isEqualTo(new LogCursor(file, hugeStart)); // never inside a record

    append(file, end);
    append(file, statement(3, "CREATE TABLE after()"));
    LogFollower restarted = new LogFollower(LogSource.ofLogDir(dir), follower.cursor(), 4 << 20);
    assertThat(lines(restarted)).containsExactly(3L);
  }

  @Test
  void aLargeRecordBelowTheLimitArrivingOverManyReadsIsRead() throws IOException {
    String file = "postgresql-2026-11-23_100000.csv";
    appendHuge(file, 1, 12, false);
    append(file, statement(2, "CREATE TABLE after()"));
    LogFollower follower = new LogFollower(LogSource.ofLogDir(dir), null, 1 << 20);
    List<LogRecord> records = new ArrayList<>();
    LogFollower.Batch batch;
    do {
      batch = follower.poll();
      records.addAll(batch.records());
      assertThat(batch.problems()).isEmpty();
    } while (batch.more() || !batch.isEmpty());
    assertThat(records).extracting(LogRecord::sessionLine).containsExactly(1L, 2L);
    assertThat(records.get(0).message()).hasSizeGreaterThan(12_000_000).contains("a \"quoted\" line\n");
  }
}
