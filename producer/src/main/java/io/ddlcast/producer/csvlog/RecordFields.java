package io.ddlcast.producer.csvlog;

import io.ddlcast.common.event.LogPosition;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The fast path of {@link CsvlogParser}: one csvlog record's fields, straight from its bytes, for records in the exact
 * shape PostgreSQL writes ({@code elog.c}'s {@code write_csvlog}): a field is either bare (no quote, comma, newline
 * or carriage return in it) or quoted whole, with a quote inside doubled; fields are separated by one comma and the
 * record ends with its newline. Only the columns {@link LogRecord} holds are decoded, an ASCII record (nearly all
 * of them) with no decoder at all.
 *
 * <p>Why it exists: commons-csv reads a field a character at a time through a {@code StringBuilder}, and took two
 * thirds of the producer's reading time (measured on a 100 MB log of pgbench with sparse DDL: 1.5 s of 1.9 s). Any
 * record not in that shape (another field count, a stray quote, a {@code \r}, bytes that are not UTF-8, a line
 * number that is not one) is left to commons-csv, which reads it or names the problem exactly as before:
 * {@code CsvlogParserTest} holds both paths to the same result on real and generated records.
 */
final class RecordFields {
  private static final int MAX_FIELDS = 26;

  private final int[] starts = new int[MAX_FIELDS];
  private final int[] ends = new int[MAX_FIELDS];
  private final boolean[] doubledQuote = new boolean[MAX_FIELDS];
  private final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private byte[] unquoted = new byte[256];
  private boolean ascii;

  /** The record in {@code buf[start..end)} (its newline last), or null to leave it to commons-csv. */
  LogRecord read(String file, long offset, byte[] buf, int start, int end) {
    int fields = split(buf, start, end - 1);
    if (fields != 23 && fields != 24 && fields != 26) {
      return null;
    }
    if (!ascii && !validUtf8(buf, start, end - start)) {
      return null;
    }
    long line = lineNumber(buf, CsvColumn.SESSION_LINE_NUM.index());
    if (line < 0) {
      return null;
    }
    return new LogRecord(
        new LogPosition(file, offset, text(buf, CsvColumn.SESSION_ID, fields, ascii), line),
        end - start,
        text(buf, CsvColumn.LOG_TIME, fields, ascii),
        text(buf, CsvColumn.USER_NAME, fields, ascii),
        text(buf, CsvColumn.DATABASE_NAME, fields, ascii),
        text(buf, CsvColumn.PROCESS_ID, fields, ascii),
        text(buf, CsvColumn.COMMAND_TAG, fields, ascii),
        text(buf, CsvColumn.VIRTUAL_TRANSACTION_ID, fields, ascii),
        text(buf, CsvColumn.TRANSACTION_ID, fields, ascii),
        text(buf, CsvColumn.ERROR_SEVERITY, fields, ascii),
        text(buf, CsvColumn.SQL_STATE_CODE, fields, ascii),
        text(buf, CsvColumn.MESSAGE, fields, ascii),
        text(buf, CsvColumn.DETAIL, fields, ascii),
        text(buf, CsvColumn.CONTEXT, fields, ascii),
        text(buf, CsvColumn.QUERY, fields, ascii),
        text(buf, CsvColumn.APPLICATION_NAME, fields, ascii),
        text(buf, CsvColumn.BACKEND_TYPE, fields, ascii),
        false);
  }

  /**
   * Finds the fields of {@code buf[start..last)}, {@code buf[last]} being the record's newline, and whether they are
   * all ASCII; their count, or -1 if the record is not in PostgreSQL's shape.
   */
  private int split(byte[] buf, int start, int last) {
    if (last < start || buf[last] != '\n') {
      return -1;
    }
    int fields = 0;
    ascii = true;
    int i = start;
    while (true) {
      if (fields == MAX_FIELDS) {
        return -1;
      }
      if (i < last && buf[i] == '"') {
        int from = ++i;
        boolean doubled = false;
        while (true) {
          if (i >= last) {
            return -1;
          }
          byte b = buf[i];
          if (b == '"') {
            if (i + 1 < last && buf[i + 1] == '"') {
              doubled = true;
              i += 2;
              continue;
            }
            break;
          }
          ascii &= b >= 0;
          i++;
        }
        starts[fields] = from;
        ends[fields] = i;
        doubledQuote[fields] = doubled;
        i++; // the closing quote
      } else {
        int from = i;
        while (i < last) {
          byte b = buf[i];
          if (b == ',') {
            break;
          }
          if (b == '"' || b == '\r' || b == '\n') {
            return -1;
          }
          ascii &= b >= 0;
          i++;
        }
        starts[fields] = from;
        ends[fields] = i;
        doubledQuote[fields] = false;
      }
      fields++;
      if (i == last) {
        break;
      }
      if (buf[i] != ',') {
        return -1;
      }
      i++;
    }
    return fields;
  }

  /** The field's digits as a number; -1 if it is empty, not all digits, or too long to be one. */
  private long lineNumber(byte[] buf, int field) {
    int from = starts[field];
    int to = ends[field];
    if (to == from || to - from > 18) {
      return -1;
    }
    long n = 0;
    for (int i = from; i < to; i++) {
      int digit = buf[i] - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      n = n * 10 + digit;
    }
    return n;
  }

  private String text(byte[] buf, CsvColumn column, int fields, boolean ascii) {
    int field = column.index();
    if (field >= fields || ends[field] == starts[field]) {
      return "";
    }
    byte[] source = buf;
    int from = starts[field];
    int length = ends[field] - from;
    if (doubledQuote[field]) {
      length = undouble(buf, from, ends[field]);
      source = unquoted;
      from = 0;
    }
    return new String(source, from, length, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
  }

  /** Copies {@code buf[from..to)} with each doubled quote made one into {@link #unquoted}; its new length. */
  private int undouble(byte[] buf, int from, int to) {
    if (unquoted.length < to - from) {
      unquoted = new byte[Math.max(to - from, unquoted.length * 2)];
    }
    int n = 0;
    for (int i = from; i < to; i++) {
      byte b = buf[i];
      unquoted[n++] = b;
      if (b == '"') {
        i++; // its double
      }
    }
    return n;
  }

  private boolean validUtf8(byte[] buf, int from, int length) {
    try {
      strict.reset().decode(ByteBuffer.wrap(buf, from, length));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
