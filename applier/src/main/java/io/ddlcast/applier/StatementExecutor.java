package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.Scope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one event's statement on the standby, in the right database, under the role and search_path it ran under on
 * the primary.
 *
 * <p>Each statement is sent as one simple-protocol query in auto-commit, as {@code psql -c} sends it: statements
 * that cannot run in a transaction block ({@code CREATE DATABASE}, {@code CREATE INDEX CONCURRENTLY}, ...) work.
 * Statements on cluster-wide objects run from the maintenance database; before one that acts on a database as a
 * whole, the applier closes its own connections to databases, so that {@code DROP DATABASE} or a rename is not
 * blocked by ddlcast itself.
 *
 * <p>Tablespaces: a standby's directories are its own. {@code CREATE TABLESPACE} is applied only when
 * {@code --tablespace-map} maps the primary's location to one of the standby's, and skipped (reported) otherwise;
 * {@code ALTER/DROP TABLESPACE} of a tablespace that was skipped is skipped too.
 */
final class StatementExecutor {
  private static final Pattern LOCATION = Pattern.compile("(?is)(\\bLOCATION\\s+)'((?:[^']|'')*)'");

  /** What became of an event. */
  record Result(boolean applied, String skipReason) {
    static final Result APPLIED = new Result(true, null);

    static Result skipped(String reason) {
      return new Result(false, reason);
    }
  }

  private final StandbyConnections connections;
  private final Map<String, String> tablespaceMap;

  StatementExecutor(StandbyConnections connections, Map<String, String> tablespaceMap) {
    this.connections = connections;
    this.tablespaceMap = Map.copyOf(tablespaceMap);
  }

  Result execute(DdlEvent event) throws SQLException {
    String sql = event.statement();
    if (event.command() != null && event.command().endsWith("TABLESPACE")) {
      Result skip = null;
      if (event.command().equals("CREATE TABLESPACE")) {
        Matcher m = LOCATION.matcher(sql);
        String location = m.find() ? m.group(2).replace("''", "'") : null;
        String mapped = location == null ? null : tablespaceMap.get(location);
        if (mapped == null) {
          return Result.skipped("no --tablespace-map entry for the primary's location '" + location + "'");
        }
        sql = sql.substring(0, m.start(2)) + mapped.replace("'", "''") + sql.substring(m.end(2));
      } else if (!tablespaceExists(tablespaceName(sql))) {
        skip = Result.skipped("the tablespace was never created on this standby (no --tablespace-map entry)");
      }
      if (skip != null) {
        return skip;
      }
    }
    Connection connection;
    boolean cluster = event.scope() == Scope.CLUSTER;
    if (cluster) {
      if (event.command() != null && event.command().endsWith("DATABASE")) {
        connections.closeDatabaseConnections();
      }
      connection = connections.maintenance(event.context());
    } else {
      connection = connections.database(event.database(), event.context());
    }
    try (Statement statement = connection.createStatement()) {
      statement.setEscapeProcessing(false);
      statement.execute(sql);
      return Result.APPLIED;
    } catch (SQLException e) {
      if (cluster) {
        connections.discardMaintenance();
      } else {
        connections.discard(event.database());
      }
      throw e;
    }
  }

  private boolean tablespaceExists(String name) throws SQLException {
    if (name == null) {
      return true;
    }
    try (PreparedStatement ps = connections.maintenance(null).prepareStatement(
        "SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The tablespace an ALTER/DROP TABLESPACE names. */
  private static String tablespaceName(String sql) {
    var tokens = io.ddlcast.common.sql.SqlLexer.tokens(sql, 6);
    int k = 2;
    if (k < tokens.size() && tokens.get(k).is("IF")) {
      k += 2;
    }
    return k < tokens.size() ? tokens.get(k).identifier() : null;
  }
}
