package io.ddlcast.applier;

import io.ddlcast.common.jdbc.PgUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applier's connections to one standby: one per database, reached by swapping the database name in the
 * standby's URL, and one to the maintenance database for statements on cluster-wide objects.
 *
 * <p>Every connection is the applier's own and stays so: its session is never set to an event's role or
 * search_path (statements run through {@link RunAs}, or under a SET SESSION AUTHORIZATION that is reset at once).
 * It is opened with the settings ddlcast's own statements rely on, as startup options, which are therefore also
 * what {@code RESET ALL} returns to, whatever {@code ALTER DATABASE/ROLE ... SET} replays:
 *
 * <pre>{@code
 * search_path = pg_catalog, pg_temp   -- ddlcast's statements resolve nothing through a user's schema, nor
 *                                      -- through a temporary object a statement's code left in the session
 * standard_conforming_strings = on     -- statements are read as the producer lexed them
 * track_counts = on                    -- RunAs's check for deferred trigger events counts row writes
 * check_function_bodies = off          -- as pg_dump's scripts do: the primary checked the body (or its session
 *                                      -- chose not to); an SQL body over a temporary table the standby never had
 *                                      -- is created as it is on the primary
 * lc_messages = C                      -- ErrorClassifier tells some errors apart by their English message
 * }</pre>
 *
 * <p>A standby may have thousands of databases, and PostgreSQL's {@code max_connections} is 100 by default: at most
 * {@link #IDLE_KEPT} connections that no event is using stay open (the least recently used beyond that are closed,
 * measured: 198 databases made the standby refuse connections with 53300 "too many clients", retried forever), so
 * an applier holds at most its {@code --parallelism} busy ones, that many idle ones, and the maintenance one.
 *
 * <p>Lanes use only their own database's connection, and cluster-wide statements run only while no lane runs (they
 * are barriers), so a connection is never used by two threads at once; the map itself is synchronized.
 */
final class StandbyConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StandbyConnections.class);
  private static final String MAINTENANCE = "\u0000maintenance";

  /** The settings every applier connection starts with (see the class comment). */
  static final String SESSION_OPTIONS =
      "-c search_path=pg_catalog,pg_temp -c standard_conforming_strings=on -c track_counts=on "
          + "-c check_function_bodies=off -c lc_messages=C";

  /** Opens a connection to one database of the standby (pgjdbc; a fake in unit tests). */
  interface Opener {
    Connection open(PgUrl url) throws SQLException;
  }

  private final PgUrl standby;
  private final Opener opener;
  /** In the order of last use (the eldest first), for closing idle ones. */
  private final Map<String, Connection> connections = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, Integer> busy = new HashMap<>();

  StandbyConnections(PgUrl standby, String standbyName) {
    this(standby, url -> url.connect("ddlcast-applier:" + standbyName, connectProperties(url)));
  }

  StandbyConnections(PgUrl standby, Opener opener) {
    this.standby = standby;
    this.opener = opener;
  }

  /**
   * Simple query protocol, timeouts, and ddlcast's session settings after any options the URL gives. The
   * application name goes in the startup packet (pgjdbc does that only when told the server is 9.0 or newer;
   * otherwise it sets it after connecting, and the {@code RESET ALL} after each statement emptied it: measured,
   * the applier's sessions showed no name in {@code pg_stat_activity}).
   */
  static Properties connectProperties(PgUrl url) {
    Properties props = new Properties();
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "9.0");
    PGProperty.PREFER_QUERY_MODE.set(props, "simple");
    PGProperty.CONNECT_TIMEOUT.set(props, 10);
    PGProperty.TCP_KEEP_ALIVE.set(props, true);
    String own = url.options();
    PGProperty.OPTIONS.set(props, own == null || own.isBlank() ? SESSION_OPTIONS : own + " " + SESSION_OPTIONS);
    return props;
  }

  /** A connection to the database, as the applier. */
  Connection database(String name) throws SQLException {
    return get(name);
  }

  /** A connection to the maintenance database, as the applier. */
  Connection maintenance() throws SQLException {
    return get(MAINTENANCE);
  }

  /** Connections no event is using that stay open for the next event of their database. */
  static final int IDLE_KEPT = 16;

  /** An event of this connection's key ({@link #keyOf}) starts: its connection is not closed until {@link #done}. */
  synchronized void using(String key) {
    busy.merge(key == null ? MAINTENANCE : key, 1, Integer::sum);
  }

  /** The event that {@link #using} announced ended; closes the least recently used idle connections beyond a few. */
  synchronized void done(String key) {
    busy.computeIfPresent(key == null ? MAINTENANCE : key, (k, n) -> n > 1 ? n - 1 : null);
    int idle = connections.size() - busy.size();
    Iterator<Map.Entry<String, Connection>> eldest = connections.entrySet().iterator();
    while (idle > IDLE_KEPT && eldest.hasNext()) {
      Map.Entry<String, Connection> entry = eldest.next();
      if (!entry.getKey().equals(MAINTENANCE) && !busy.containsKey(entry.getKey())) {
        closeQuietly(entry.getValue());
        eldest.remove();
        idle--;
      }
    }
  }

  /** A new connection to the database, as the applier, that the caller closes (for work beside the lanes'). */
  Connection separate(String name) throws SQLException {
    Connection connection = opener.open(standby.withDatabase(name));
    connection.setAutoCommit(true);
    return connection;
  }

  /** The key {@link #discard} takes for the connection an event of this scope uses. */
  static String keyOf(String database, boolean cluster) {
    return cluster ? null : database;
  }

  /** Closes every connection to a database other than the maintenance one (before DROP/ALTER DATABASE ...). */
  synchronized void closeDatabaseConnections() {
    connections.entrySet().removeIf(e -> {
      if (!e.getKey().equals(MAINTENANCE)) {
        closeQuietly(e.getValue());
        return true;
      }
      return false;
    });
  }

  /** Drops the connection to a database (after an error that may have broken it or left it in an odd state). */
  synchronized void discard(String name) {
    Connection held = connections.remove(name == null ? MAINTENANCE : name);
    if (held != null) {
      closeQuietly(held);
    }
  }

  private Connection get(String key) throws SQLException {
    Connection held;
    synchronized (this) {
      held = connections.get(key);
    }
    if (held == null || held.isClosed()) {
      held = open(key);
      synchronized (this) {
        connections.put(key, held);
      }
    }
    return held;
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

  static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** A string literal that means the same whatever standard_conforming_strings is. */
  static String literal(String value) {
    return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  @Override
  public synchronized void close() {
    connections.values().forEach(StandbyConnections::closeQuietly);
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
