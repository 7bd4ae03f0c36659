package io.ddlcast.applier;

import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.common.sql.SqlLexer.Token;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * For a statement that ran outside a transaction and may or may not have taken effect before the applier was
 * killed: did it? {@code CREATE DATABASE x} did if x exists, {@code DROP DATABASE x} if it does not; likewise for
 * tablespaces and for indexes built or dropped {@code CONCURRENTLY} (a concurrent build that was interrupted leaves
 * an invalid index, which is dropped so that the build runs again). Anything else is safe to run again
 * ({@code REINDEX}, {@code VACUUM}, {@code ALTER DATABASE ... SET TABLESPACE}).
 */
final class InDoubtCheck {
  private static final String DATABASE = "SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?";
  private static final String TABLESPACE = "SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = ?";

  private InDoubtCheck() {}

  /** Why the statement needs not run again, or null if it must. */
  static String alreadyDone(Connection c, String sql) throws SQLException {
    SqlCommand command = SqlCommand.of(sql);
    switch (command.tag()) {
      case "CREATE DATABASE":
        return exists(c, DATABASE, command.databaseName()) ? "database " + command.databaseName() + " exists" : null;
      case "DROP DATABASE":
        return !exists(c, DATABASE, command.databaseName()) ? "database " + command.databaseName() + " is gone" : null;
      case "CREATE TABLESPACE":
        return exists(c, TABLESPACE, identifierAfter(sql, "TABLESPACE")) ? "the tablespace exists" : null;
      case "DROP TABLESPACE":
        return !exists(c, TABLESPACE, identifierAfter(sql, "TABLESPACE")) ? "the tablespace is gone" : null;
      case "CREATE INDEX":
        return createIndex(c, sql);
      case "DROP INDEX":
        String index = nameAfter(sql, "CONCURRENTLY");
        return index != null && !exists(c, "SELECT 1 FROM pg_catalog.pg_class WHERE oid = to_regclass(?)", index)
            ? "the index is gone" : null;
      default:
        return null;
    }
  }

  private static String createIndex(Connection c, String sql) throws SQLException {
    String name = nameAfter(sql, "CONCURRENTLY");
    if (name == null || name.equalsIgnoreCase("ON")) {
      throw new SQLException("CREATE INDEX CONCURRENTLY without an index name was in doubt after a crash: "
          + "ddlcast cannot tell whether it ran; check the standby, then skip or retry this event", "55000");
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT i.indisvalid FROM pg_catalog.pg_index i WHERE i.indexrelid = to_regclass(?)")) {
      ps.setString(1, qualifiedForLookup(sql, name));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        if (rs.getBoolean(1)) {
          return "index " + name + " exists and is valid";
        }
      }
    }
    try (var st = c.createStatement()) {
      st.execute("DROP INDEX CONCURRENTLY IF EXISTS " + qualifiedForLookup(sql, name));
    }
    return null;
  }

  /** The index name as written, schema-qualified with the table's schema when the table is qualified. */
  private static String qualifiedForLookup(String sql, String name) {
    List<Token> tokens = SqlLexer.tokens(sql, 40);
    for (int k = 0; k + 1 < tokens.size(); k++) {
      if (tokens.get(k).is("ON")) {
        int t = k + 1;
        if (tokens.get(t).is("ONLY")) {
          t++;
        }
        if (t + 2 < tokens.size() && tokens.get(t + 1).text().equals(".")) {
          return tokens.get(t).text() + "." + name;
        }
        break;
      }
    }
    return name;
  }

  /** The identifier (as written, quotes kept) after a keyword, skipping IF [NOT] EXISTS. */
  private static String nameAfter(String sql, String keyword) {
    List<Token> tokens = SqlLexer.tokens(sql, 12);
    for (int k = 0; k + 1 < tokens.size(); k++) {
      if (tokens.get(k).is(keyword)) {
        int n = k + 1;
        while (n < tokens.size() && (tokens.get(n).is("IF") || tokens.get(n).is("NOT") || tokens.get(n).is("EXISTS"))) {
          n++;
        }
        if (n < tokens.size()) {
          StringBuilder name = new StringBuilder(tokens.get(n).text());
          if (n + 2 < tokens.size() && tokens.get(n + 1).text().equals(".")) {
            name.append('.').append(tokens.get(n + 2).text());
          }
          return name.toString();
        }
      }
    }
    return null;
  }

  /** The identifier after a keyword as PostgreSQL stores it (folded, unquoted). */
  private static String identifierAfter(String sql, String keyword) {
    List<Token> tokens = SqlLexer.tokens(sql, 12);
    for (int k = 0; k + 1 < tokens.size(); k++) {
      if (tokens.get(k).is(keyword)) {
        int n = k + 1;
        while (n < tokens.size() && (tokens.get(n).is("IF") || tokens.get(n).is("EXISTS"))) {
          n++;
        }
        return n < tokens.size() ? tokens.get(n).identifier() : null;
      }
    }
    return null;
  }

  private static boolean exists(Connection c, String query, String value) throws SQLException {
    if (value == null) {
      return false;
    }
    try (PreparedStatement ps = c.prepareStatement(query)) {
      ps.setString(1, value);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
