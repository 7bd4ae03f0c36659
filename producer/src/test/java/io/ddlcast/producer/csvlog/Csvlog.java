package io.ddlcast.producer.csvlog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test fixtures: a real PostgreSQL 15 csvlog and records written in its exact format. */
public final class Csvlog {
  private Csvlog() {}

  /** Records 1..N of a psql session against PostgreSQL 15.18 (see the file for what ran). */
  public static byte[] pg15Sample() {
    try (InputStream in = Csvlog.class.getResourceAsStream("/csvlog/pg15-session-outcomes.csv")) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One 26-column record as PostgreSQL 14-17 writes it. */
  public static String record(String session, long line, String vxid, String severity, String sqlState,
      String commandTag,
      String message, String query) {
    return record("postgres", session, line, vxid, severity, sqlState, commandTag, message, query);
  }

  public static String record(String session, long line, String vxid, String severity, String sqlState,
      String commandTag,
      String message, String query, String xid) {
    return record("postgres", session, line, vxid, severity, sqlState, commandTag, message, query)
        .replace("," + vxid + ",0," + severity + ",", "," + vxid + "," + xid + "," + severity + ",");
  }

  public static String record(String database, String session, long line, String vxid, String severity, String sqlState,
      String commandTag, String message, String query) {
    return record(database, session, line, vxid, severity, sqlState, commandTag, message, query, "");
  }

  /** With a context column: what code that raised the message (RAISE, ddlcast's helper) leaves in it. */
  public static String record(String database, String session, long line, String vxid, String severity,
      String sqlState, String commandTag, String message, String query, String context) {
    List<String> f = new ArrayList<>();
    f.add("2026-11-23 18:54:13.190 UTC");
    f.add(q("postgres"));
    f.add(q(database));
    f.add("9966");
    f.add(q("127.0.0.1:50050"));
    f.add(session);
    f.add(Long.toString(line));
    f.add(q(commandTag));
    f.add("2026-11-23 18:54:13 UTC");
    f.add(vxid);
    f.add("0");
    f.add(severity);
    f.add(sqlState);
    f.add(q(message));
    for (int i = 0; i < 4; i++) {
      f.add("");
    }
    f.add(q(context));
    f.add(q(query));
    f.add("");
    f.add("");
    f.add(q("psql"));
    f.add(q("client backend"));
    f.add("");
    f.add("0");
    return String.join(",", f) + "\n";
  }

  public static String q(String s) {
    return s == null || s.isEmpty() ? "" : "\"" + s.replace("\"", "\"\"") + "\"";
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Drops the last {@code n} columns of every record (PG 13 has 24 columns, PG 9.0-12 has 23). */
  public static String dropColumns(String csv, int n) {
    StringBuilder out = new StringBuilder();
    for (String record : splitRecords(csv)) {
      String body = record.substring(0, record.length() - 1);
      for (int i = 0; i < n; i++) {
        body = body.substring(0, lastTopLevelComma(body));
      }
      out.append(body).append('\n');
    }
    return out.toString();
  }

  public static List<String> splitRecords(String csv) {
    List<String> records = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < csv.length(); i++) {
      char c = csv.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\n' && !quoted) {
        records.add(csv.substring(start, i + 1));
        start = i + 1;
      }
    }
    return records;
  }

  private static int lastTopLevelComma(String record) {
    boolean quoted = false;
    int last = -1;
    for (int i = 0; i < record.length(); i++) {
      char c = record.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        last = i;
      }
    }
    return last;
  }
}
