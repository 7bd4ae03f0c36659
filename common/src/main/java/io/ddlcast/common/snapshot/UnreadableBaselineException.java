package io.ddlcast.common.snapshot;

/** A record of the snapshots topic that is not a baseline this build can load; the message says why. */
public final class UnreadableBaselineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnreadableBaselineException(String message) {
    super(message);
  }
}
