package io.ddlcast.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Removes from pg_dump / pg_dumpall output the lines that differ between two clusters with identical schemas:
 * the server and pg_dump version comments and the {@code &#92;restrict} / {@code &#92;unrestrict} lines that recent
 * pg_dump versions write with a random key; and ddlcast's own helper on a primary (schema {@code ddlcast} is left
 * out by {@code --exclude-schema}; its event triggers {@code ddlcast_*} are removed here), which is never
 * replicated. Everything else, including the {@code SET} header, stays.
 */
final class DumpNormalizer {

  private static final List<String> DROPPED_PREFIXES = List.of(
      "-- Dumped from database version",
      "-- Dumped by pg_dump version",
      "\\restrict ",
      "\\unrestrict ");

  private DumpNormalizer() {
  }

  /** pg_dump options that leave out ddlcast's own schema. */
  static final List<String> EXCLUDE = List.of("--exclude-schema=ddlcast");

  static String normalize(String dump) {
    List<String> lines = dump.lines()
        .filter(line -> DROPPED_PREFIXES.stream().noneMatch(line::startsWith))
        .collect(Collectors.toList());
    return withoutOwnEventTriggers(lines).stream().collect(Collectors.joining("\n", "", "\n"));
  }

  /** Drops each pg_dump section ("--", "-- Name: ddlcast_...; Type: EVENT TRIGGER; ...", "--", ...) of ddlcast's. */
  private static List<String> withoutOwnEventTriggers(List<String> lines) {
    List<String> out = new ArrayList<>(lines.size());
    boolean skipping = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      boolean header = line.equals("--") && i + 1 < lines.size() && lines.get(i + 1).startsWith("-- ");
      if (header) {
        String name = lines.get(i + 1);
        skipping = name.startsWith("-- Name: ddlcast_") && name.contains("; Type: EVENT TRIGGER;");
      }
      if (!skipping) {
        out.add(line);
      }
    }
    return out;
  }

  /** A libpq connection string value: single quotes around, backslash and single quote escaped. */
  static String conninfoValue(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
