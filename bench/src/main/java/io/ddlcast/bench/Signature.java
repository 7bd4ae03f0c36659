package io.ddlcast.bench;

import io.ddlcast.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A cheap fingerprint of a database's user schema, for polling convergence while the pipeline works: how many
 * relations, columns, constraints, functions, types, schemas and comments exist outside the system schemas and
 * ddlcast's own (the applier's marker table, the primary's helper). One query, a few milliseconds; equal
 * fingerprints are then confirmed once by a full {@link io.ddlcast.testkit.SchemaSnapshot} comparison.
 */
final class Signature {
  private static final String USER_NAMESPACES = "(SELECT oid FROM pg_namespace WHERE nspname NOT IN "
      + "('pg_catalog', 'information_schema', 'ddlcast') AND nspname NOT LIKE 'pg\\_toast%' "
      + "AND nspname NOT LIKE 'pg\\_temp%')";
  static final String QUERY = "SELECT concat_ws('/', "
      + "(SELECT count(*) FROM pg_class WHERE relnamespace IN " + USER_NAMESPACES + "), "
      + "(SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE a.attnum > 0 "
      + "AND NOT a.attisdropped AND c.relnamespace IN " + USER_NAMESPACES + "), "
      + "(SELECT count(*) FROM pg_constraint WHERE connamespace IN " + USER_NAMESPACES + "), "
      + "(SELECT count(*) FROM pg_proc WHERE pronamespace IN " + USER_NAMESPACES + "), "
      + "(SELECT count(*) FROM pg_type WHERE typtype = 'e' AND typnamespace IN " + USER_NAMESPACES + "), "
      + "(SELECT count(*) FROM " + USER_NAMESPACES + " n), "
      + "(SELECT count(*) FROM pg_description d JOIN pg_class c ON d.classoid = 'pg_class'::regclass "
      + "AND d.objoid = c.oid WHERE c.relnamespace IN " + USER_NAMESPACES + "))";

  private Signature() {}

  /** The fingerprint of {@code database}, or null if the database does not exist (yet). */
  static String of(PostgresServer server, String database) {
    try {
      List<String> rows = server.query(database, QUERY);
      return rows.isEmpty() ? null : rows.get(0);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Polls standbys until each database's fingerprint equals the expected one, over one kept connection per standby
   * and database (opening a connection per poll would cost the standby more than the query), looking again only at
   * the databases that have not matched yet. Returns the {@link System#nanoTime} at which the last one matched.
   */
  static long awaitMatch(Map<String, String> expected, List<PostgresServer> standbys,
      Duration timeout, long pollMillis, Runnable checkAlive) {
    Map<String, Connection> connections = new HashMap<>();
    Set<String> pending = new LinkedHashSet<>();
    for (PostgresServer s : standbys) {
      for (String db : expected.keySet()) {
        pending.add(s.name() + "\u0000" + db);
      }
    }
    Map<String, PostgresServer> byName = new HashMap<>();
    standbys.forEach(s -> byName.put(s.name(), s));
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    try {
      while (true) {
        for (Iterator<String> it = pending.iterator(); it.hasNext(); ) {
          String key = it.next();
          String[] parts = key.split("\u0000");
          String db = parts[1];
          try {
            Connection c = connections.get(key);
            if (c == null) {
              c = byName.get(parts[0]).connect(db);
              connections.put(key, c);
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(QUERY)) {
              rs.next();
              String actual = rs.getString(1);
              if (actual.equals(expected.get(db))) {
                it.remove();
              } else {
                last = parts[0] + " " + db + ": " + actual + " (expected " + expected.get(db) + ")";
              }
            }
          } catch (SQLException e) {
            last = parts[0] + " " + db + ": " + e.getMessage();
            Connection broken = connections.remove(key);
            close(broken);
          }
        }
        if (pending.isEmpty()) {
          return System.nanoTime();
        }
        checkAlive.run();
        if (System.nanoTime() - deadline >= 0) {
          throw new BenchException("the standbys did not converge within " + timeout.toSeconds() + " s; last: "
              + last);
        }
        try {
          Thread.sleep(pollMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new BenchException("interrupted", e);
        }
      }
    } finally {
      connections.values().forEach(Signature::close);
    }
  }

  private static void close(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing a connection to a throwaway cluster
      }
    }
  }
}
