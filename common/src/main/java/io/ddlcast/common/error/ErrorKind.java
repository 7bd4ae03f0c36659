package io.ddlcast.common.error;

/** Whether trying the same thing again later can succeed. */
public enum ErrorKind {
  /** Connection lost, server starting or shutting down, broker unavailable, lock conflict: retry with backoff. */
  RETRIABLE,
  /** The statement or request itself is wrong for the target: retrying cannot help, an operator must act. */
  PERMANENT
}
