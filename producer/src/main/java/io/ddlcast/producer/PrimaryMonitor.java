package io.ddlcast.producer;

import io.ddlcast.common.jdbc.PgUrl;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's connection to the primary, for what the log cannot say by itself.
 *
 * <p>A DDL whose session goes quiet (a JDBC client in auto-commit, whose commit happens at Sync and leaves no
 * record) would wait forever for a settling record. The primary knows whether its transaction is still running:
 * every transaction holds a lock on its own virtual transaction id ({@code pg_locks}, locktype
 * {@code virtualxid}). Once it is gone, an error of that transaction, if there was one, was already written to the
 * logging collector's pipe (a backend reports the error before it releases its locks). To be sure it has also
 * reached the file, the producer writes a barrier into the same pipe ({@code RAISE LOG}); the pipe keeps order, so
 * when the reader meets the barrier it has seen every record written before it.
 */
final class PrimaryMonitor implements AutoCloseable {
  static final String BARRIER_PREFIX = "ddlcast barrier ";
  private static final Logger LOG = LoggerFactory.getLogger(PrimaryMonitor.class);

  private final PgUrl url;
  private Connection connection;

  PrimaryMonitor(PgUrl url) {
    this.url = url;
  }

  /** Of the given transactions, those no longer running on the primary. */
  Set<String> ended(Collection<String> vxids) throws SQLException {
    Set<String> ended = new HashSet<>(vxids);
    try (PreparedStatement ps = connection().prepareStatement(
        "SELECT virtualxid FROM pg_catalog.pg_locks WHERE locktype = 'virtualxid' AND virtualxid = ANY (?)")) {
      Array array = connection().createArrayOf("text", vxids.toArray());
      ps.setArray(1, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ended.remove(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      reset();
      throw e;
    }
    return ended;
  }

  /** Writes a barrier record into the primary's log. */
  void emitBarrier(String token) throws SQLException {
    try (Statement st = connection().createStatement()) {
      st.execute("DO $ddlcast$ BEGIN RAISE LOG '" + BARRIER_PREFIX + "%', '" + token.replace("'", "") + "'; END $ddlcast$");
    } catch (SQLException e) {
      reset();
      throw e;
    }
  }

  /** The primary's system identifier: what names this source when no --source is given. */
  String systemIdentifier() throws SQLException {
    try (Statement st = connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT system_identifier FROM pg_catalog.pg_control_system()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Current values of the named settings. */
  Map<String, String> settings(List<String> names) throws SQLException {
    Map<String, String> values = new LinkedHashMap<>();
    try (PreparedStatement ps = connection().prepareStatement(
        "SELECT name, setting FROM pg_catalog.pg_settings WHERE name = ANY (?) ORDER BY name")) {
      ps.setArray(1, connection().createArrayOf("text", names.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          values.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return values;
  }

  String describe() {
    return url.toString();
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = url.connect("ddlcast-producer", null);
      connection.setAutoCommit(true);
    }
    return connection;
  }

  private void reset() {
    close();
  }

  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("closing the primary connection: {}", e.toString());
      }
      connection = null;
    }
  }
}
