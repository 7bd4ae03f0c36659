package io.ddlcast.common.event;

/** A record on the topic that is not a DDL event this build can read. */
public class InvalidEventException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean newerSchema;

  public InvalidEventException(String message, boolean newerSchema, Throwable cause) {
    super(message, cause);
    this.newerSchema = newerSchema;
  }

  /** True when the record is a well-formed event of a newer schema version: the reader needs upgrading. */
  public boolean newerSchema() {
    return newerSchema;
  }
}
