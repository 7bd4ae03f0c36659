package io.ddlcast.producer;

/**
 * Where a producer with no checkpoint starts reading: the oldest csv file in the log directory, or the end of the
 * active one (for a primary whose standbys already match it).
 */
public enum StartFrom {
  EARLIEST,
  LATEST
}
