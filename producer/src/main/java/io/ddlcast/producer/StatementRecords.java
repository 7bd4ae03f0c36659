package io.ddlcast.producer;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.Scope;
import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.LogPosition;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognizes the log records that carry a statement ({@code statement: <sql>} from the simple protocol,
 * {@code execute <name>: <sql>} from the extended protocol) and builds the event for a DDL command.
 *
 * <p>The event's key is the database the DDL belongs to: the connected database, except for statements about a
 * database itself ({@code CREATE/ALTER/DROP DATABASE x}), keyed by {@code x} and run from the standby's maintenance
 * database so that they order with x's own DDL.
 */
final class StatementRecords {
  private static final Pattern EXECUTE = Pattern.compile("^execute (?:fetch from )?[^:]*: ", Pattern.DOTALL);
  private static final String STATEMENT = "statement: ";
  private static final DateTimeFormatter LOG_TIME =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .appendLiteral(' ')
          .appendZoneText(java.time.format.TextStyle.SHORT)
          .toFormatter(java.util.Locale.ROOT);
  private static final DateTimeFormatter LOG_TIME_OFFSET =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .appendLiteral(' ')
          .appendOffset("+HH:mm", "+00")
          .toFormatter(java.util.Locale.ROOT);

  private final String source;

  StatementRecords(String source) {
    this.source = source;
  }

  /** The SQL of a statement record, or null if the record is not one. */
  static String statementText(LogRecord record) {
    if (!"LOG".equals(record.severity())) {
      return null;
    }
    String message = record.message();
    if (message.startsWith(STATEMENT)) {
      return message.substring(STATEMENT.length());
    }
    if (message.startsWith("execute ")) {
      Matcher m = EXECUTE.matcher(message);
      if (m.find()) {
        return message.substring(m.end());
      }
    }
    return null;
  }

  /**
   * The event for one DDL command. Statements about a database as a whole are keyed by that database and, like
   * every statement on cluster-wide objects (roles, membership, tablespaces), have scope CLUSTER.
   */
  DdlEvent event(String id, String database, String user, ExecutionContext context, String sql, String logTime,
      LogPosition position) {
    return event(id, database, user, context, sql, logTime, position, null, java.util.List.of());
  }

  /**
   * The event, with the schemas it touches ({@link EventSchemas}) from the event trigger's record ({@code helper},
   * null if none reported the command) and the objects it reported dropped just before.
   */
  DdlEvent event(String id, String database, String user, ExecutionContext context, String sql, String logTime,
      LogPosition position, HelperRecord helper, java.util.List<HelperRecord.HelperObject> dropped) {
    SqlCommand command = SqlCommand.of(sql);
    Scope scope = command.global() || command.isDatabaseCommand() ? Scope.CLUSTER : Scope.DATABASE;
    return new DdlEvent(
        DdlEvent.SCHEMA_VERSION,
        id,
        source,
        database,
        command.isDatabaseCommand() ? command.databaseName() : database,
        scope,
        user,
        context,
        command.tag(),
        sql,
        parseTime(logTime),
        position,
        EventSchemas.of(scope, command.tag(), helper, dropped, sql, context));
  }

  /** The csvlog's {@code log_time} ("2026-11-23 18:39:15.123 UTC"); null when the zone cannot be read. */
  static Instant parseTime(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return java.time.ZonedDateTime.parse(text, LOG_TIME).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return java.time.OffsetDateTime.parse(text, LOG_TIME_OFFSET).toInstant();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }
}
