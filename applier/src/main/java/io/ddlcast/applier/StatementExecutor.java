package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.Scope;
import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.common.sql.SqlLexer.Token;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
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
 * <p>What was applied is recorded on the standby in the same transaction (see {@link AppliedMarkers}): an event
 * delivered again after a crash is recognized and not applied twice.
 *
 * <p>Tablespaces: a standby's directories are its own. {@code CREATE TABLESPACE} is applied only when
 * {@code --tablespace-map} maps the primary's location to one of the standby's, and skipped (reported) otherwise;
 * {@code ALTER/DROP TABLESPACE} of a tablespace that was skipped is skipped too.
 */
final class StatementExecutor implements EventExecutor {
  private static final Pattern LOCATION = Pattern.compile("(?is)(\\bLOCATION\\s+)'((?:[^']|'')*)'");

  /** What became of an event. */
  record Result(boolean applied, String skipReason) {
    static final Result APPLIED = new Result(true, null);
    static final Result ALREADY_APPLIED = new Result(false, null);

    static Result skipped(String reason) {
      return new Result(false, reason);
    }

    boolean alreadyApplied() {
      return !applied && skipReason == null;
    }
  }

  private final StandbyConnections connections;
  private final Map<String, String> tablespaceMap;
  private final AppliedMarkers markers = new AppliedMarkers();

  StatementExecutor(StandbyConnections connections, Map<String, String> tablespaceMap) {
    this.connections = connections;
    this.tablespaceMap = Map.copyOf(tablespaceMap);
  }

  /**
   * Applies the event for its lane unless the standby's marker shows it was applied before; records it applied in
   * the same transaction as the statement where PostgreSQL allows one.
   */
  @Override
  public Result execute(Work work) throws SQLException {
    DdlEvent event = work.event();
    String sql = event.statement();
    if ("CREATE TABLESPACE".equals(event.command())) {
      Matcher m = LOCATION.matcher(sql);
      String location = m.find() ? m.group(2).replace("''", "'") : null;
      String mapped = location == null ? null : tablespaceMap.get(location);
      if (mapped == null) {
        return skipped(work, "no --tablespace-map entry for the primary's location '" + location + "'");
      }
      sql = sql.substring(0, m.start(2)) + mapped.replace("'", "''") + sql.substring(m.end(2));
    } else if (event.command() != null && event.command().endsWith("TABLESPACE")
        && !tablespaceExists(tablespaceName(sql))) {
      return skipped(work, "the tablespace was never created on this standby (no --tablespace-map entry)");
    }
    return apply(work, sql);
  }

  /** Runs the statement unless the marker shows it ran; a failure discards the connection and the cached marker. */
  private Result apply(Work work, String sql) throws SQLException {
    DdlEvent event = work.event();
    boolean cluster = event.scope() == Scope.CLUSTER;
    String key = StandbyConnections.keyOf(event.database(), cluster);
    if (cluster && event.command() != null && event.command().endsWith("DATABASE")) {
      connections.closeDatabaseConnections();
    }
    try {
      AppliedMarkers.Marker marker = markers.cached(work);
      if (marker == null) { // known after the lane's first event: no reset of the context to read it again
        marker = markers.read(connection(event, null), work);
      }
      if (work.offset() <= marker.lastOffset()) {
        return Result.ALREADY_APPLIED;
      }
      if (SqlCommand.of(sql).nonTransactional()) {
        return applyOutsideTransaction(work, sql, marker.inDoubt() == work.offset());
      }
      return applyInTransaction(work, sql, key);
    } catch (SQLException e) {
      connections.discard(key);
      markers.forget(work);
      throw e;
    }
  }

  /** The statement and its marker in one transaction; outside one if PostgreSQL refuses it in a block (25001). */
  private Result applyInTransaction(Work work, String sql, String key) throws SQLException {
    Connection connection = connection(work.event(), work.event().context());
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.setEscapeProcessing(false);
      statement.execute(sql);
      connections.contextUnknown(key);
      // the marker is the applier's, not the DDL's role's: reset first, in the same round trip
      markers.appliedAfter(connection, "RESET SESSION AUTHORIZATION", work);
      connection.commit();
    } catch (SQLException e) {
      rollbackQuietly(connection);
      if ("25001".equals(e.getSQLState())) { // cannot run inside a transaction block: not in ddlcast's list
        connection.setAutoCommit(true);
        connections.contextUnknown(key);
        return applyOutsideTransaction(work, sql, false);
      }
      throw e;
    } finally {
      if (!connection.isClosed()) {
        connection.setAutoCommit(true);
      }
    }
    return Result.APPLIED;
  }

  /**
   * A statement that cannot run in a transaction block: marked in doubt, run, marked applied. If a crash left it
   * in doubt, what it does is checked first, so running it again is safe.
   */
  private Result applyOutsideTransaction(Work work, String sql, boolean inDoubt) throws SQLException {
    DdlEvent event = work.event();
    if (inDoubt) {
      String reason = InDoubtCheck.alreadyDone(connection(event, event.context()), sql);
      if (reason != null) {
        markers.applied(connection(event, null), work);
        return Result.skipped("it took effect before the applier stopped (" + reason + ")");
      }
    } else {
      markers.inDoubt(connection(event, null), work);
    }
    Connection connection = connection(event, event.context());
    try (Statement statement = connection.createStatement()) {
      statement.setEscapeProcessing(false);
      statement.execute(sql);
    }
    markers.applied(connection(event, null), work);
    return Result.APPLIED;
  }

  @Override
  public void close() {
    connections.close();
  }

  private Result skipped(Work work, String reason) throws SQLException {
    Connection plain = connection(work.event(), null);
    AppliedMarkers.Marker marker = markers.read(plain, work);
    if (work.offset() <= marker.lastOffset()) {
      return Result.ALREADY_APPLIED;
    }
    markers.applied(plain, work);
    return Result.skipped(reason);
  }

  /** The connection the event's statements run on (its database's, or the maintenance one), set to the context. */
  private Connection connection(DdlEvent event, ExecutionContext context) throws SQLException {
    return event.scope() == Scope.CLUSTER ? connections.maintenance(context)
        : connections.database(event.database(), context);
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      if (!connection.isClosed()) {
        connection.rollback();
      }
    } catch (SQLException ignored) {
      // the connection is discarded anyway
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
    List<Token> tokens = SqlLexer.tokens(sql, 6);
    int k = 2;
    if (k < tokens.size() && tokens.get(k).is("IF")) {
      k += 2;
    }
    return k < tokens.size() ? tokens.get(k).identifier() : null;
  }
}
