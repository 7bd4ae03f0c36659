package io.ddlcast.applier;

import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.jdbc.PgUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applier's connections to one standby: one per database, reached by swapping the database name in the
 * standby's URL, and one to the maintenance database for statements on cluster-wide objects. Each connection
 * remembers the role and search_path it was last set to, so that consecutive events of the same context cost no
 * extra round trips.
 *
 * <p>Lanes use only their own database's connection, and cluster-wide statements run only while no lane runs (they
 * are barriers), so a connection is never used by two threads at once; the map itself is synchronized.
 */
final class StandbyConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StandbyConnections.class);
  private static final String MAINTENANCE = "\u0000maintenance";

  private record Held(Connection connection, ExecutionContext context) {}

  /** A context no event has: the connection's role and search_path are unknown and must all be set again. */
  private static final ExecutionContext UNKNOWN = new ExecutionContext("\u0000", "\u0000", "\u0000");

  /** Opens a connection to one database of the standby (pgjdbc; a fake in unit tests). */
  interface Opener {
    Connection open(PgUrl url) throws SQLException;
  }

  private final PgUrl standby;
  private final Opener opener;
  private final Map<String, Held> connections = new HashMap<>();

  StandbyConnections(PgUrl standby, String standbyName) {
    this(standby, url -> url.connect("ddlcast-applier:" + standbyName, connectProperties()));
  }

  StandbyConnections(PgUrl standby, Opener opener) {
    this.standby = standby;
    this.opener = opener;
  }

  private static Properties connectProperties() {
    Properties props = new Properties();
    PGProperty.PREFER_QUERY_MODE.set(props, "simple");
    PGProperty.CONNECT_TIMEOUT.set(props, 10);
    PGProperty.TCP_KEEP_ALIVE.set(props, true);
    return props;
  }

  /** A connection to the database, set to the context (null: the applier's own role and search_path). */
  Connection database(String name, ExecutionContext context) throws SQLException {
    return get(name, context);
  }

  /** A connection to the maintenance database, set to the context. */
  Connection maintenance(ExecutionContext context) throws SQLException {
    return get(MAINTENANCE, context);
  }

  /** The key {@link #contextUnknown} and {@link #discard} take for the connection an event of this scope uses. */
  static String keyOf(String database, boolean cluster) {
    return cluster ? null : database;
  }

  /** The connection's role or search_path was changed behind the cache's back (RESET inside a transaction). */
  synchronized void contextUnknown(String database) {
    String key = database == null ? MAINTENANCE : database;
    Held held = connections.get(key);
    if (held != null) {
      connections.put(key, new Held(held.connection(), UNKNOWN));
    }
  }

  /** Closes every connection to a database other than the maintenance one (before DROP/ALTER DATABASE ...). */
  synchronized void closeDatabaseConnections() {
    connections.entrySet().removeIf(e -> {
      if (!e.getKey().equals(MAINTENANCE)) {
        closeQuietly(e.getValue().connection());
        return true;
      }
      return false;
    });
  }

  /** Drops the connection to a database (after an error that may have broken it or left it in an odd state). */
  synchronized void discard(String name) {
    Held held = connections.remove(name == null ? MAINTENANCE : name);
    if (held != null) {
      closeQuietly(held.connection());
    }
  }

  void discardMaintenance() {
    discard(null);
  }

  private Connection get(String key, ExecutionContext context) throws SQLException {
    Held held;
    synchronized (this) {
      held = connections.get(key);
    }
    if (held == null || held.connection().isClosed()) {
      Connection connection = open(key);
      held = new Held(connection, null);
    }
    ExecutionContext wanted = context == null || context.isEmpty() ? null : context;
    if (!Objects.equals(held.context(), wanted)) {
      try {
        setContext(held.connection(), held.context(), wanted);
      } catch (SQLException e) {
        closeQuietly(held.connection());
        synchronized (this) {
          connections.remove(key);
        }
        throw e;
      }
      held = new Held(held.connection(), wanted);
    }
    synchronized (this) {
      connections.put(key, held);
    }
    return held.connection();
  }

  private Connection open(String key) throws SQLException {
    PgUrl url = key.equals(MAINTENANCE) || key.equals(standby.database()) ? standby : standby.withDatabase(key);
    try {
      Connection connection = opener.open(url);
      connection.setAutoCommit(true);
      LOG.debug("connected to {}", url);
      return connection;
    } catch (SQLException e) {
      if ("3D000".equals(e.getSQLState())) {
        throw new SQLTransientConnectionException("database \"" + key + "\" does not exist on the standby (yet): "
            + "waiting for the event that creates it", "3D000", e);
      }
      throw e;
    }
  }

  /**
   * SET SESSION AUTHORIZATION (which also resets the role), SET ROLE, search_path: as on the primary. Unknown
   * parts fall back to the applier's own.
   */
  private static void setContext(Connection c, ExecutionContext from, ExecutionContext to) throws SQLException {
    String fromSession = from == null ? null : from.sessionRole();
    String toSession = to == null ? null : to.sessionRole();
    String toRole = to == null ? null : to.role();
    String toPath = to == null ? null : to.searchPath();
    List<String> sql = new ArrayList<>();
    if (!Objects.equals(fromSession, toSession)) {
      sql.add(toSession == null ? "RESET SESSION AUTHORIZATION" : "SET SESSION AUTHORIZATION " + ident(toSession));
    }
    sql.add(toRole == null || toRole.equals(toSession) ? "RESET ROLE" : "SET ROLE " + ident(toRole));
    sql.add(toPath == null ? "RESET search_path"
        : "SELECT pg_catalog.set_config('search_path', " + literal(toPath) + ", false)");
    try (Statement st = c.createStatement()) {
      st.setEscapeProcessing(false);
      st.execute(String.join("; ", sql)); // one round trip; in auto-commit, so the settings outlive it
    }
  }

  static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  @Override
  public synchronized void close() {
    connections.values().forEach(h -> closeQuietly(h.connection()));
    connections.clear();
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.debug("closing a standby connection: {}", e.toString());
    }
  }
}
