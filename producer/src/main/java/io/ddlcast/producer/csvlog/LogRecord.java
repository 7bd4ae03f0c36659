package io.ddlcast.producer.csvlog;

import io.ddlcast.common.event.LogPosition;

/**
 * One complete csvlog record with the columns ddlcast reads, and where it was found. Columns common to every
 * layout since PostgreSQL 9.0 (the first 23) are all that is needed; {@code backendType} is empty before 13.
 *
 * @param length the record's size in bytes, terminating newline included
 * @param undecodable the record's bytes are not valid UTF-8: its text holds replacement characters, and whatever
 *     it says of a statement is not what ran
 */
public record LogRecord(
    LogPosition position,
    int length,
    String logTime,
    String user,
    String database,
    String pid,
    String commandTag,
    String vxid,
    String xid,
    String severity,
    String sqlState,
    String message,
    String detail,
    String context,
    String query,
    String applicationName,
    String backendType,
    boolean undecodable) {

  public String sessionId() {
    return position.session();
  }

  public long sessionLine() {
    return position.line();
  }

  /** Byte offset just past this record: where reading continues. */
  public long end() {
    return position.offset() + length;
  }

  public boolean isError() {
    return "ERROR".equals(severity) || "FATAL".equals(severity) || "PANIC".equals(severity);
  }
}
