package io.ddlcast.producer.csvlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The byte-level fast path reads every record exactly as commons-csv does, or leaves it to commons-csv. */
class RecordFieldsTest {
  private static final String[] PIECES = {"a", "DROP TABLE t", ",", "\"", "\"\"", "\n", "\r", "\r\n", " ", "é",
      "日本", "\u00ff", "12", "-3", "+4", "", "statement: CREATE TABLE x (a int)", "\t", "ẞ"};

  private static LogRecord fast(byte[] bytes) {
    return new RecordFields().read("f.csv", 100, bytes, 0, bytes.length);
  }

  private static CsvlogParser.Chunk slow(byte[] bytes) {
    return CsvlogParser.parseWithCommonsCsv("f.csv", 100, bytes, 0, bytes.length);
  }

  @Test
  void readsEachRecordOfARealLogAsCommonsCsvDoes() {
    byte[] sample = Csvlog.pg15Sample();
    int start = 0;
    int read = 0;
    for (int end : CsvlogParser.boundaries(sample, sample.length)) {
      byte[] one = Arrays.copyOfRange(sample, start, end);
      LogRecord fast = fast(one);
      assertThat(fast).as("record at %d", start).isNotNull().isEqualTo(slow(one).records().get(0));
      read++;
      start = end;
    }
    assertThat(read).isEqualTo(27);
  }

  @Test
  void generatedRecordsReadTheSameOrFallBackToCommonsCsv() {
    Random random = new Random(20261201);
    int fastRead = 0;
    for (int n = 0; n < 20_000; n++) {
      byte[] bytes = generated(random);
      LogRecord fast = fast(bytes);
      if (fast == null) {
        continue;
      }
      fastRead++;
      CsvlogParser.Chunk slow = slow(bytes);
      assertThat(slow.problems()).as(new String(bytes, StandardCharsets.UTF_8)).isEmpty();
      assertThat(fast).as(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(slow.records().get(0));
    }
    assertThat(fastRead).as("records the fast path read").isGreaterThan(5_000);
  }

  @Test
  void leavesWhatIsNotInPostgresShapeToCommonsCsv() {
    String good = Csvlog.record("6b048bd5.26f2", 3, "3/6", "LOG", "00000", "idle", "statement: SELECT 1", "");
    assertThat(fast(bytes(good))).isNotNull();
    assertThat(fast(bytes(good.replace(",3,", ",x3,")))).as("line number not a number").isNull();
    assertThat(fast(bytes(good.replace("statement: SELECT 1", "stat\"ement")))).as("stray quote").isNull();
    assertThat(fast(bytes(good.replace("\n", "\r\n")))).as("carriage return").isNull();
    assertThat(fast(bytes(good.substring(0, good.length() - 1)))).as("no newline").isNull();
    assertThat(fast(bytes(good.replace("\n", ",x\n")))).as("27 fields").isNull();
    byte[] invalid = bytes(good.replace("SELECT 1", "SELECT \u00e9"));
    int at = new String(invalid, StandardCharsets.ISO_8859_1).indexOf('\u00c3');
    invalid[at + 1] = (byte) 0x28; // a lead byte without its continuation
    assertThat(fast(invalid)).as("not UTF-8").isNull();
    assertThat(slow(invalid).records().get(0).undecodable()).isTrue();
  }

  @Test
  void undoublesQuotesAndKeepsNewlinesAndCommasOfQuotedFields() {
    String record = Csvlog.record("6b048bd5.26f2", 7, "3/6", "LOG", "00000", "idle",
        "statement: COMMENT ON TABLE t IS 'say \"hi\", and\nbye, é'", "");
    LogRecord fast = fast(bytes(record));
    assertThat(fast.message()).isEqualTo("statement: COMMENT ON TABLE t IS 'say \"hi\", and\nbye, é'");
    assertThat(fast).isEqualTo(slow(bytes(record)).records().get(0));
  }

  private static byte[] generated(Random random) {
    int fields = new int[] {23, 24, 26, 25, 22}[random.nextInt(5)];
    List<String> values = new ArrayList<>();
    for (int f = 0; f < fields; f++) {
      StringBuilder value = new StringBuilder();
      boolean quote = random.nextBoolean();
      boolean shaped = random.nextInt(10) > 0; // bare fields as PostgreSQL writes them, mostly
      if (f == CsvColumn.SESSION_LINE_NUM.index() && random.nextInt(10) > 0) {
        value.append(random.nextInt(100_000));
      } else {
        for (int k = random.nextInt(4); k > 0; k--) {
          String piece = PIECES[random.nextInt(PIECES.length)];
          if (quote || !shaped || piece.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r')) {
            value.append(piece);
          }
        }
      }
      values.add(quote ? "\"" + value.toString().replace("\"", random.nextInt(20) == 0 ? "\"" : "\"\"") + "\""
          : value.toString());
    }
    byte[] bytes = (String.join(",", values) + "\n").getBytes(StandardCharsets.UTF_8);
    if (random.nextInt(30) == 0) {
      bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(0x7f));
    }
    return bytes;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
