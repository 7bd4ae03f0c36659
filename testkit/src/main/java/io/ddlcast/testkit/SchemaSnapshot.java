package io.ddlcast.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything that makes up a cluster's schema, as text: the non-template databases, the normalized
 * {@code pg_dump --schema-only} of each and the normalized {@code pg_dumpall --globals-only}. Replication is
 * correct when a standby's snapshot equals the primary's; {@link #diff} says where they differ in terms a reader
 * can act on (which database, which lines).
 *
 * <p>Equality is by content only; the name of the server a snapshot came from is used in messages.
 */
public final class SchemaSnapshot {

  private static final int MAX_LINES_PER_DUMP = 20;

  private final String source;
  private final SortedMap<String, String> schemaDumps;
  private final String globalsDump;

  private SchemaSnapshot(String source, SortedMap<String, String> schemaDumps, String globalsDump) {
    this.source = source;
    this.schemaDumps = Collections.unmodifiableSortedMap(schemaDumps);
    this.globalsDump = globalsDump;
  }

  /** Dumps every non-template database of {@code server} (including {@code postgres}) and its globals. */
  public static SchemaSnapshot of(PostgresServer server) {
    SortedMap<String, String> dumps = new TreeMap<>();
    for (String database : server.databases()) {
      dumps.put(database, server.schemaDump(database));
    }
    return new SchemaSnapshot(server.name(), dumps, server.globalsDump());
  }

  /** Throws {@link AssertionError} naming every difference unless every standby's schema equals the primary's. */
  public static void assertConverged(PostgresServer primary, PostgresServer... standbys) {
    String differences = differences(primary, standbys);
    if (!differences.isEmpty()) {
      throw new AssertionError(differences);
    }
  }

  /**
   * Waits until every standby's schema equals the primary's, for tests where replication is still under way;
   * on timeout throws {@link AssertionError} with the last differences.
   */
  public static void awaitConverged(Duration timeout, PostgresServer primary, PostgresServer... standbys) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String differences;
      try {
        differences = differences(primary, standbys);
      } catch (TestkitException e) {
        // a database was dropped or renamed between listing and dumping it: replication is still under way
        differences = "a snapshot failed while replication was under way: " + e.getMessage();
      }
      if (differences.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("schemas did not converge within " + Await.format(timeout) + ":\n"
            + differences);
      }
      Await.sleep(200);
    }
  }

  /** The name of the server this snapshot was taken from. */
  public String source() {
    return source;
  }

  /** The non-template database names, sorted. */
  public List<String> databases() {
    return List.copyOf(schemaDumps.keySet());
  }

  /** Database name to its normalized schema dump. */
  public Map<String, String> schemaDumps() {
    return schemaDumps;
  }

  public String globalsDump() {
    return globalsDump;
  }

  /**
   * {@code ""} when both snapshots are equal; otherwise one paragraph per difference: databases on one side
   * only, then for each differing dump its first differing lines ({@code -} only here, {@code +} only in
   * {@code other}, with line numbers on that side).
   */
  public String diff(SchemaSnapshot other) {
    StringBuilder text = new StringBuilder();
    for (String database : new TreeSet<>(schemaDumps.keySet())) {
      if (!other.schemaDumps.containsKey(database)) {
        text.append("database \"").append(database).append("\" exists on ").append(source)
            .append(" but not on ").append(other.source).append('\n');
      }
    }
    for (String database : other.schemaDumps.keySet()) {
      if (!schemaDumps.containsKey(database)) {
        text.append("database \"").append(database).append("\" exists on ").append(other.source)
            .append(" but not on ").append(source).append('\n');
      }
    }
    if (!globalsDump.equals(other.globalsDump)) {
      text.append(dumpDiff("globals (pg_dumpall --globals-only)", globalsDump, other.globalsDump, other));
    }
    for (Map.Entry<String, String> entry : schemaDumps.entrySet()) {
      String theirs = other.schemaDumps.get(entry.getKey());
      if (theirs != null && !theirs.equals(entry.getValue())) {
        text.append(dumpDiff("schema of database \"" + entry.getKey() + "\"", entry.getValue(), theirs,
            other));
      }
    }
    if (text.length() == 0) {
      return "";
    }
    return "schemas of " + source + " and " + other.source + " differ:\n" + text;
  }

  private String dumpDiff(String what, String mine, String theirs, SchemaSnapshot other) {
    List<LineDiff.Edit> edits = LineDiff.diff(mine.lines().toList(), theirs.lines().toList());
    return what + " differs (- only on " + source + ", + only on " + other.source + "):\n"
        + LineDiff.format(edits, MAX_LINES_PER_DUMP, "  ");
  }

  private static String differences(PostgresServer primary, PostgresServer... standbys) {
    SchemaSnapshot expected = of(primary);
    List<String> differences = new ArrayList<>();
    for (PostgresServer standby : standbys) {
      String diff = expected.diff(of(standby));
      if (!diff.isEmpty()) {
        differences.add(diff);
      }
    }
    return String.join("\n", differences);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SchemaSnapshot that && schemaDumps.equals(that.schemaDumps)
        && globalsDump.equals(that.globalsDump);
  }

  @Override
  public int hashCode() {
    return Objects.hash(schemaDumps, globalsDump);
  }

  @Override
  public String toString() {
    return "SchemaSnapshot[" + source + ": databases " + schemaDumps.keySet() + "]";
  }
}
