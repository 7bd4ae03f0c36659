package io.ddlcast.producer.csvlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsvlogParserTest {
  private static final byte[] SAMPLE = Csvlog.pg15Sample();

  private static CsvlogParser.Chunk parse(byte[] bytes) {
    return CsvlogParser.parse("f.csv", 0, bytes, bytes.length);
  }

  @Test
  void readsEveryRecordOfARealLogIncludingOnesSpanningLines() {
    CsvlogParser.Chunk chunk = parse(SAMPLE);

    assertThat(chunk.problems()).isEmpty();
    assertThat(chunk.consumed()).isEqualTo(SAMPLE.length);
    assertThat(chunk.records()).hasSize(27);
    LogRecord function = chunk.records().stream()
        .filter(r -> r.message().startsWith("statement: CREATE FUNCTION")).findFirst().orElseThrow();
    assertThat(function.message())
        .isEqualTo("statement: CREATE FUNCTION f() RETURNS int AS $$\nSELECT 1\n$$ LANGUAGE sql");
    assertThat(function.sessionId()).isEqualTo("6b048bd5.26f2");
    assertThat(function.sessionLine()).isEqualTo(1);
    assertThat(function.vxid()).isEqualTo("3/6");
    assertThat(function.backendType()).isEqualTo("client backend");
  }

  @Test
  void positionsAreExactByteOffsetsAndLengths() {
    List<LogRecord> records = parse(SAMPLE).records();
    long expected = 0;
    for (LogRecord r : records) {
      assertThat(r.position().offset()).isEqualTo(expected);
      byte[] alone = Arrays.copyOfRange(SAMPLE, (int) r.position().offset(), (int) r.end());
      CsvlogParser.Chunk again = CsvlogParser.parse("f.csv", r.position().offset(), alone, alone.length);
      assertThat(again.records()).containsExactly(r);
      expected = r.end();
    }
    assertThat(expected).isEqualTo(SAMPLE.length);
  }

  @Test
  void keepsAnIncompleteTrailingRecordBack() {
    String text = new String(SAMPLE, StandardCharsets.UTF_8);
    int cut = text.indexOf("SELECT 1\n$$ LANGUAGE sql"); // inside the quoted, multi-line function body
    byte[] partial = text.substring(0, cut).getBytes(StandardCharsets.UTF_8);

    CsvlogParser.Chunk chunk = parse(partial);

    assertThat(chunk.records()).hasSize(12);
    assertThat(chunk.records().get(11).message()).startsWith("disconnection:");
    assertThat(chunk.consumed()).isEqualTo(chunk.records().get(11).end()).isLessThan(partial.length);
    assertThat(chunk.problems()).isEmpty();
  }

  @Test
  void aRecordEndingWithoutItsNewlineIsIncomplete() {
    byte[] withoutNewline = Arrays.copyOf(SAMPLE, SAMPLE.length - 1);
    CsvlogParser.Chunk chunk = parse(withoutNewline);
    assertThat(chunk.records()).hasSize(26);
  }

  @ParameterizedTest(name = "{0} columns")
  @ValueSource(ints = {26, 24, 23})
  void readsTheColumnLayoutsOfPostgres9To17(int columns) {
    String csv = Csvlog.dropColumns(new String(SAMPLE, StandardCharsets.UTF_8), 26 - columns);
    CsvlogParser.Chunk chunk = parse(csv.getBytes(StandardCharsets.UTF_8));

    assertThat(chunk.problems()).isEmpty();
    assertThat(chunk.records()).hasSize(27);
    LogRecord error = chunk.records().stream().filter(LogRecord::isError).findFirst().orElseThrow();
    assertThat(error.sqlState()).isEqualTo("42P07");
    assertThat(error.query()).isEqualTo("CREATE TABLE t1(a int)");
    assertThat(error.applicationName()).isEqualTo("psql");
    assertThat(error.backendType()).isEqualTo(columns == 23 ? "" : "client backend");
  }

  @Test
  void aGarbledRecordIsReportedWithItsOffsetAndTheOthersSurvive() {
    String first = Csvlog.record("s.1", 1, "3/1", "LOG", "00000", "idle", "statement: CREATE TABLE a()", "");
    String garbled = "this,is,not,a,csvlog,record\n";
    String third = Csvlog.record("s.1", 2, "3/0", "LOG", "00000", "CREATE TABLE", "duration: 1 ms", "");
    byte[] bytes = Csvlog.utf8(first + garbled + third);

    CsvlogParser.Chunk chunk = parse(bytes);

    assertThat(chunk.records()).extracting(LogRecord::sessionLine).containsExactly(1L, 2L);
    assertThat(chunk.problems()).singleElement().asString()
        .contains("garbled record at f.csv offset " + Csvlog.utf8(first).length).contains("6 fields");
    assertThat(chunk.consumed()).isEqualTo(bytes.length);
  }

  @Test
  void invalidUtf8IsReportedAndTheRecordKept() {
    String before = Csvlog.record("s.1", 1, "3/1", "LOG", "00000", "idle", "statement: CREATE TABLE a()", "");
    byte[] bad = Csvlog.utf8(Csvlog.record("s.1", 2, "3/1", "LOG", "00000", "idle", "statement: CREATE TABLE bXX()",
        ""));
    int at = new String(bad, StandardCharsets.UTF_8).indexOf("XX");
    bad[at] = (byte) 0xC3;
    bad[at + 1] = (byte) 0x28; // not a continuation byte
    byte[] all = new byte[Csvlog.utf8(before).length + bad.length];
    System.arraycopy(Csvlog.utf8(before), 0, all, 0, Csvlog.utf8(before).length);
    System.arraycopy(bad, 0, all, Csvlog.utf8(before).length, bad.length);

    CsvlogParser.Chunk chunk = parse(all);

    assertThat(chunk.records()).hasSize(2);
    assertThat(chunk.problems()).singleElement().asString()
        .contains("offset " + Csvlog.utf8(before).length).contains("not valid UTF-8");
  }

  @Test
  void keepsCarriageReturnsAndNonAsciiInsideQuotedFields() {
    String sql = "CREATE TABLE \"münchen\" (\r\n  x int -- ü\r\n)";
    byte[] bytes = Csvlog.utf8(Csvlog.record("s.1", 1, "3/1", "LOG", "00000", "idle", "statement: " + sql, ""));
    CsvlogParser.Chunk chunk = parse(bytes);
    assertThat(chunk.records()).singleElement().extracting(LogRecord::message).isEqualTo("statement: " + sql);
  }
}
