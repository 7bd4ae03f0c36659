package io.ddlcast.producer.csvlog;

/**
 * The producer's read position: the file (name within the log directory) and the byte offset of the first record
 * not yet consumed. Always at a record boundary.
 */
public record LogCursor(String file, long offset) {
  @Override
  public String toString() {
    return file + "@" + offset;
  }
}
