package io.ddlcast.applier;

import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.common.sql.SqlLexer.Token;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * For a statement that ran outside a transaction and may or may not have taken effect before the applier was
 * killed: did it? {@code CREATE DATABASE x} did if x exists, {@code DROP DATABASE x} if it does not; likewise for
 * tablespaces and for indexes built or dropped {@code CONCURRENTLY} (a concurrent build that was interrupted leaves
 * an invalid index, which is dropped so that the build runs again). Anything else is safe to run again
 * ({@code REINDEX}, {@code VACUUM}, {@code ALTER DATABASE ... SET TABLESPACE}).
 *
 * <p>The checks run as the applier with the connection's {@code pg_catalog} search path. An index name is resolved
 * as the statement resolves it, with the event's role and search path set for one lookup that runs nothing else
 * ({@code to_regclass}), in a transaction that is rolled back; the invalid index is then dropped by its qualified
 * name.
 */
final class InDoubtCheck {
  private static final String DATABASE = "SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?";
  private static final String TABLESPACE = "SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = ?";

  private InDoubtCheck() {}

  /**
   * Why the statement needs not run again, or null if it must; {@code role} and {@code searchPath} are what the
   * statement runs with (they resolve its names).
   */
  static String alreadyDone(Connection c, String sql, String role, String searchPath) throws SQLException {
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
        return createIndex(c, sql, role, searchPath);
      case "DROP INDEX":
        String index = nameAfter(sql, "CONCURRENTLY");
        return index != null && resolve(c, index, role, searchPath) == null ? "the index is gone" : null;
      default:
        return null;
    }
  }

  private static String createIndex(Connection c, String sql, String role, String searchPath)
      throws SQLException {
    String name = nameAfter(sql, "CONCURRENTLY");
    if (name == null || name.equalsIgnoreCase("ON")) {
      throw new SQLException("CREATE INDEX CONCURRENTLY without an index name was in doubt after a crash: "
          + "ddlcast cannot tell whether it ran; check the standby, then skip or retry this event", "55000");
    }
    Long oid = resolve(c, qualifiedForLookup(sql, name), role, searchPath);
    if (oid == null) {
      return null;
    }
    String qualified;
    try (PreparedStatement ps = c.prepareStatement("SELECT i.indisvalid, pg_catalog.format('%I.%I', n.nspname, "
        + "r.relname) FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class r ON r.oid = i.indexrelid "
        + "JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace WHERE i.indexrelid = ?::pg_catalog.oid")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        if (rs.getBoolean(1)) {
          return "index " + name + " exists and is valid";
        }
        qualified = rs.getString(2);
      }
    }
    try (var st = c.createStatement()) {
      st.execute("DROP INDEX CONCURRENTLY IF EXISTS " + qualified);
    }
    return null;
  }

  /**
   * The oid of the relation a name means to the role with the search path (null: none), looked up with both set
   * locally in a transaction that does nothing else and is rolled back.
   */
  private static Long resolve(Connection c, String name, String role, String searchPath) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      try (Statement st = c.createStatement()) {
        st.execute("SELECT pg_catalog.set_config('role', " + StandbyConnections.literal(role) + ", true), "
            + "pg_catalog.set_config('search_path', " + StandbyConnections.literal(searchPath) + ", true)");
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.to_regclass(?)::pg_catalog.oid")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return null;
          }
          long oid = rs.getLong(1);
          return rs.wasNull() ? null : oid;
        }
      }
    } finally {
      c.rollback();
      c.setAutoCommit(autoCommit);
    }
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
