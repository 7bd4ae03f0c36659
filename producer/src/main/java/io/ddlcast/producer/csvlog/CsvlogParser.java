package io.ddlcast.producer.csvlog;

import io.ddlcast.common.event.LogPosition;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Turns bytes of a csvlog file into complete {@link LogRecord}s with exact byte positions.
 *
 * <p>PostgreSQL writes one record per line but quotes fields that hold newlines (statements with line breaks,
 * function bodies), so lines are not records. The record boundaries are found first, on bytes: a newline outside
 * double quotes ends a record ({@code "} and {@code \n} never occur inside a multi-byte UTF-8 sequence, and
 * {@code ""} inside a quoted field toggles twice). Bytes after the last boundary are an incomplete record still
 * being written and are left for the next read. Each complete record in the exact shape PostgreSQL writes is then
 * split on its bytes ({@link RecordFields}); any other is parsed by commons-csv, which reads it or names what is
 * wrong with it.
 *
 * <p>Layouts: 23 columns (PostgreSQL 9.0-12), 24 (13: backend_type), 26 (14-17: leader_pid, query_id). A record
 * with any other number of fields, or with bytes that are not UTF-8, is reported as a problem naming the file and
 * offset; the records around it are not affected.
 */
public final class CsvlogParser {
  private static final CSVFormat FORMAT =
      CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(false).setRecordSeparator('\n').get();

  /** What one parse produced: records, how many bytes they covered, and problems with skipped records. */
  public record Chunk(List<LogRecord> records, int consumed, List<String> problems) {}

  private CsvlogParser() {}

  /** Parses the complete records in {@code buf[0..len)}, which starts at {@code baseOffset} of {@code file}. */
  public static Chunk parse(String file, long baseOffset, byte[] buf, int len) {
    return parse(file, baseOffset, buf, boundaries(buf, len));
  }

  /** Parses the records of {@code buf} that end at {@code ends} (as {@link RecordScanner} found them). */
  static Chunk parse(String file, long baseOffset, byte[] buf, int[] ends) {
    if (ends.length == 0) {
      return new Chunk(List.of(), 0, List.of());
    }
    int consumed = ends[ends.length - 1];
    List<LogRecord> records = new ArrayList<>(ends.length);
    List<String> problems = new ArrayList<>();
    RecordFields fast = new RecordFields();
    int start = 0;
    for (int end : ends) {
      LogRecord record = fast.read(file, baseOffset + start, buf, start, end);
      if (record != null) {
        records.add(record);
      } else {
        parseOne(file, baseOffset, buf, start, end, records, problems);
      }
      start = end;
    }
    return new Chunk(records, consumed, problems);
  }

  /** The record in {@code buf[start..end)} as commons-csv reads it, or the problem it names (the slow path). */
  static Chunk parseWithCommonsCsv(String file, long baseOffset, byte[] buf, int start, int end) {
    List<LogRecord> records = new ArrayList<>(1);
    List<String> problems = new ArrayList<>();
    parseOne(file, baseOffset, buf, start, end, records, problems);
    return new Chunk(records, end - start, problems);
  }

  /** Offsets just past each record terminator found in {@code buf[0..len)}. */
  static int[] boundaries(byte[] buf, int len) {
    return new RecordScanner().scan(buf, len);
  }

  /** Slow path, one record at a time, so that one bad record costs only itself. */
  private static void parseOne(
      String file, long baseOffset, byte[] buf, int start, int end, List<LogRecord> out, List<String> problems) {
    long offset = baseOffset + start;
    String text = decode(buf, start, end - start);
    boolean undecodable = text == null;
    if (undecodable) {
      problems.add("record at " + file + " offset " + offset + " is not valid UTF-8 (a database whose encoding is not "
          + "UTF8?); read with its invalid bytes replaced, so a statement in it is not replicated");
      text = new String(buf, start, end - start, StandardCharsets.UTF_8);
    }
    try (CSVParser parser = CSVParser.builder().setFormat(FORMAT).setReader(new StringReader(text)).get()) {
      List<CSVRecord> csv = parser.getRecords();
      if (csv.size() != 1) {
        problems.add("garbled record at " + file + " offset " + offset + " (" + (end - start)
            + " bytes): not one CSV record; skipped");
        return;
      }
      LogRecord record = toRecord(file, offset, end - start, csv.get(0), problems, undecodable);
      if (record != null) {
        out.add(record);
      }
    } catch (IOException | RuntimeException e) {
      problems.add("garbled record at " + file + " offset " + offset + " (" + (end - start) + " bytes): "
          + e.getMessage() + "; skipped");
    }
  }

  private static LogRecord toRecord(String file, long offset, int length, CSVRecord csv, List<String> problems,
      boolean undecodable) {
    int n = csv.size();
    if (Arrays.stream(CsvColumn.LAYOUTS).noneMatch(layout -> layout == n)) {
      problems.add("garbled record at " + file + " offset " + offset + ": " + n
          + " fields where a PostgreSQL csvlog record has 23, 24 or 26; skipped");
      return null;
    }
    long line;
    try {
      line = Long.parseLong(column(csv, CsvColumn.SESSION_LINE_NUM));
    } catch (NumberFormatException e) {
      problems.add("garbled record at " + file + " offset " + offset + ": session_line_num '"
          + column(csv, CsvColumn.SESSION_LINE_NUM) + "' is not a number; skipped");
      return null;
    }
    return new LogRecord(
        new LogPosition(file, offset, column(csv, CsvColumn.SESSION_ID), line),
        length,
        column(csv, CsvColumn.LOG_TIME),
        column(csv, CsvColumn.USER_NAME),
        column(csv, CsvColumn.DATABASE_NAME),
        column(csv, CsvColumn.PROCESS_ID),
        column(csv, CsvColumn.COMMAND_TAG),
        column(csv, CsvColumn.VIRTUAL_TRANSACTION_ID),
        column(csv, CsvColumn.TRANSACTION_ID),
        column(csv, CsvColumn.ERROR_SEVERITY),
        column(csv, CsvColumn.SQL_STATE_CODE),
        column(csv, CsvColumn.MESSAGE),
        column(csv, CsvColumn.DETAIL),
        column(csv, CsvColumn.CONTEXT),
        column(csv, CsvColumn.QUERY),
        column(csv, CsvColumn.APPLICATION_NAME),
        column(csv, CsvColumn.BACKEND_TYPE),
        undecodable);
  }

  /** A column's value; empty for a column the record's layout does not have. */
  private static String column(CSVRecord csv, CsvColumn column) {
    return column.index() < csv.size() ? csv.get(column.index()) : "";
  }

  /** Strict UTF-8 decoding; null if the bytes are not valid UTF-8. */
  private static String decode(byte[] buf, int start, int length) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(buf, start, length))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
