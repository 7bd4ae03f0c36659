package io.ddlcast.producer.csvlog;

import io.ddlcast.common.event.LogPosition;

/**
 * One complete csvlog record with the columns ddlcast reads, and where it was found. Columns common to every
 * layout since PostgreSQL 9.0 (the first 23) are all that is needed; {@code backendType} is empty before 13.
 *
 * @param length the record's size in bytes, terminating newline included
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
    String backendType) {

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
