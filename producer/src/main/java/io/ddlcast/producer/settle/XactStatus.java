package io.ddlcast.producer.settle;

/** What the primary says of a transaction id ({@code pg_xact_status}). */
public enum XactStatus {
  COMMITTED,
  ABORTED,
  IN_PROGRESS,
  UNKNOWN
}
