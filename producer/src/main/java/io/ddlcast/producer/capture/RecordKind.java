package io.ddlcast.producer.capture;

import io.ddlcast.producer.csvlog.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a csvlog record is, for capture: the one place a record's kind is decided. Read in this order:
 *
 * <pre>
 * SERVER_READY      postmaster: "database system is ready to accept connections" (every session before it ended)
 * NO_SESSION        a record of no client session (checkpointer, autovacuum, ...)
 * HELPER            ddlcast's event trigger: "ddlcast ddl_command_end|sql_drop {json}", "ddlcast error ..."
 * UNREADABLE_HELPER a record that claims to be the helper's and cannot be read (reported, not used)
 * STATEMENT         log_statement: "statement: SQL" (simple protocol), "execute NAME: SQL" (extended protocol)
 * ERROR             ERROR, FATAL or PANIC of the session
 * COMPLETION        log_duration: "duration: ..." (the command tag says what completed)
 * DISCONNECTION     log_disconnections: "disconnection: ..."
 * OTHER             anything else of a session (its virtual transaction id still tells where the session is)
 * </pre>
 */
public enum RecordKind {
  SERVER_READY,
  NO_SESSION,
  HELPER,
  UNREADABLE_HELPER,
  STATEMENT,
  ERROR,
  COMPLETION,
  DISCONNECTION,
  OTHER;

  /** A record with its kind and what was read from it: the statement's SQL, the helper's report, or the problem. */
  public record Classified(RecordKind kind, LogRecord record, String statement, HelperRecord helper, String problem) {
    static Classified of(RecordKind kind, LogRecord record) {
      return new Classified(kind, record, null, null, null);
    }
  }

  private static final Pattern EXECUTE = Pattern.compile("^execute (?:fetch from )?[^:]*: ", Pattern.DOTALL);
  private static final String STATEMENT_PREFIX = "statement: ";
  private static final String SERVER_READY_MESSAGE = "database system is ready to accept connections";

  public static Classified classify(LogRecord record) {
    if ("postmaster".equals(record.backendType()) && record.message().startsWith(SERVER_READY_MESSAGE)) {
      return Classified.of(SERVER_READY, record);
    }
    if (record.sessionId().isEmpty()) {
      return Classified.of(NO_SESSION, record);
    }
    try {
      HelperRecord helper = HelperRecord.parse(record);
      if (helper != null) {
        return new Classified(HELPER, record, null, helper, null);
      }
    } catch (IllegalArgumentException e) {
      return new Classified(UNREADABLE_HELPER, record, null, null, e.getMessage() + " at " + record.position());
    }
    String sql = statementText(record);
    if (sql != null) {
      return new Classified(STATEMENT, record, sql, null, null);
    }
    if (record.isError()) {
      return Classified.of(ERROR, record);
    }
    String message = record.message();
    if (message.startsWith("duration: ")) {
      return Classified.of(COMPLETION, record);
    }
    return Classified.of(message.startsWith("disconnection: ") ? DISCONNECTION : OTHER, record);
  }

  /** The SQL of a statement record, or null if the record is not one. */
  static String statementText(LogRecord record) {
    if (!"LOG".equals(record.severity())) {
      return null;
    }
    String message = record.message();
    if (message.startsWith(STATEMENT_PREFIX)) {
      return message.substring(STATEMENT_PREFIX.length());
    }
    if (message.startsWith("execute ")) {
      Matcher m = EXECUTE.matcher(message);
      if (m.find()) {
        return message.substring(m.end());
      }
    }
    return null;
  }
}
