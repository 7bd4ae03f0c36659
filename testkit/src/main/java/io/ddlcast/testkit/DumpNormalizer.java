package io.ddlcast.testkit;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Removes from pg_dump / pg_dumpall output the lines that differ between two clusters with identical schemas:
 * the server and pg_dump version comments and the {@code &#92;restrict} / {@code &#92;unrestrict} lines that recent
 * pg_dump versions write with a random key. Everything else, including the {@code SET} header, stays.
 */
final class DumpNormalizer {

  private static final List<String> DROPPED_PREFIXES = List.of(
      "-- Dumped from database version",
      "-- Dumped by pg_dump version",
      "\\restrict ",
      "\\unrestrict ");

  private DumpNormalizer() {
  }

  static String normalize(String dump) {
    return dump.lines()
        .filter(line -> DROPPED_PREFIXES.stream().noneMatch(line::startsWith))
        .collect(Collectors.joining("\n", "", "\n"));
  }

  /** A libpq connection string value: single quotes around, backslash and single quote escaped. */
  static String conninfoValue(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
