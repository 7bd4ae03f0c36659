package io.ddlcast.common.event;

import java.util.Objects;

/**
 * Where a log record sits in the primary's csvlog: the file name (relative to the log directory), the byte offset
 * at which the record starts, and the record's own identity in PostgreSQL, {@code session_id} and
 * {@code session_line_num}. The pair (session, line) is unique per record and survives renaming or copying files,
 * so event ids are derived from it; the file and offset say where to look.
 */
public record LogPosition(String file, long offset, String session, long line) {
  public LogPosition {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(session, "session");
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0: " + offset);
    }
  }

  @Override
  public String toString() {
    return file + "@" + offset;
  }
}
