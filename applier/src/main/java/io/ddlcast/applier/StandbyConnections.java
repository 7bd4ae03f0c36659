package io.ddlcast.applier;

import io.ddlcast.common.jdbc.PgUrl;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>A standby may have thousands of databases, and PostgreSQL's {@code max_connections} is 100 by default: the
 * applier holds at most {@code --max-connections} sessions ({@link StandbyLimits}), busy and idle together,
 * including the maintenance one and those opened beside the lanes' ({@link #separate}). A database that needs one
 * while all are taken closes the least recently used idle one; when none is idle it waits until one is (logged once
 * per wait, with the database). Connections idle for {@link #IDLE_TIMEOUT} are closed. Measured before the bound:
 * 198 databases made a standby refuse connections with 53300 "too many clients", retried forever.
 *
 * <p>Lanes use only their own database's connection, and cluster-wide statements run only while no lane runs (they
 * are barriers), so a connection is never used by two threads at once; the map itself is synchronized.
 */
final class StandbyConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StandbyConnections.class);
  private static final String MAINTENANCE = "\u0000maintenance";

  /** The settings every applier connection starts with (see the class comment), before {@link StandbyLimits}'. */
  static final String SESSION_OPTIONS =
      "-c search_path=pg_catalog,pg_temp -c standard_conforming_strings=on -c track_counts=on "
          + "-c check_function_bodies=off -c lc_messages=C";

  /** How long a connection no event uses stays open. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

  /** Opens a connection to one database of the standby (pgjdbc; a fake in unit tests). */
  interface Opener {
    Connection open(PgUrl url) throws SQLException;
  }

  private final PgUrl standby;
  private final Opener opener;
  private final int maxConnections;
  /** In the order of last use (the eldest first), for closing idle ones. */
  private final Map<String, Connection> connections = new LinkedHashMap<>(16, 0.75f, true);
  /** Keys an event is using (each holds a place, open or not yet), with how many events. */
  private final Map<String, Integer> busy = new HashMap<>();
  /** When each idle connection was last done with. */
  private final Map<String, Long> idleSince = new HashMap<>();
  /** Connections opened by {@link #separate} and not closed yet. */
  private int separateOpen;
  private long lastIdleCheck = System.nanoTime();
  /** Closes idle connections between events (null in unit tests, where done() does it). */
  private ScheduledExecutorService idleCloser;

  StandbyConnections(PgUrl standby, String standbyName, StandbyLimits limits) {
    this(standby, url -> url.connect("ddlcast-applier:" + standbyName, connectProperties(url, limits)),
        limits.maxConnections());
    idleCloser = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ddlcast-idle-connections");
      t.setDaemon(true);
      return t;
    });
    idleCloser.scheduleWithFixedDelay(() -> closeIdleFor(IDLE_TIMEOUT), 10, 10, TimeUnit.SECONDS);
  }

  /** With the default limits (unit tests). */
  StandbyConnections(PgUrl standby, Opener opener) {
    this(standby, opener, StandbyLimits.DEFAULT.maxConnections());
  }

  StandbyConnections(PgUrl standby, Opener opener, int maxConnections) {
    this.standby = standby;
    this.opener = opener;
    this.maxConnections = Math.max(StandbyLimits.MIN_CONNECTIONS, maxConnections);
  }

  /**
   * Simple query protocol, timeouts, and ddlcast's session settings after any options the URL gives. The
   * application name goes in the startup packet (pgjdbc does that only when told the server is 9.0 or newer;
   * otherwise it sets it after connecting, and the {@code RESET ALL} after each statement emptied it: measured,
   * the applier's sessions showed no name in {@code pg_stat_activity}).
   */
  static Properties connectProperties(PgUrl url) {
    return connectProperties(url, StandbyLimits.DEFAULT);
  }

  /** As above, with the lock and statement timeouts of {@code limits}. */
  static Properties connectProperties(PgUrl url, StandbyLimits limits) {
    Properties props = new Properties();
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "9.0");
    PGProperty.PREFER_QUERY_MODE.set(props, "simple");
    PGProperty.CONNECT_TIMEOUT.set(props, 10);
    PGProperty.TCP_KEEP_ALIVE.set(props, true);
    String own = url.options();
    String options = SESSION_OPTIONS + " " + limits.sessionOptions();
    PGProperty.OPTIONS.set(props, own == null || own.isBlank() ? options : own + " " + options);
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

  /**
   * An event of this connection's key ({@link #keyOf}) starts: its connection is not closed until {@link #done}.
   * Waits for a place when {@code --max-connections} are taken and none is idle.
   */
  synchronized void using(String key) throws SQLException {
    String k = key == null ? MAINTENANCE : key;
    if (!busy.containsKey(k) && !connections.containsKey(k)) {
      awaitPlace(k, 0);
    }
    busy.merge(k, 1, Integer::sum);
    idleSince.remove(k);
  }

  /** The event that {@link #using} announced ended; closes connections idle for longer than the idle timeout. */
  synchronized void done(String key) {
    String k = key == null ? MAINTENANCE : key;
    busy.computeIfPresent(k, (x, n) -> n > 1 ? n - 1 : null);
    if (!busy.containsKey(k) && connections.containsKey(k)) {
      idleSince.put(k, System.nanoTime());
    }
    closeIdleFor(IDLE_TIMEOUT);
    notifyAll();
  }

  /** Connections open now, busy or idle (for tests and the log). */
  synchronized int open() {
    return connections.size() + separateOpen;
  }

  /** Places taken: open connections, keys an event uses whose connection is not open yet, separate ones. */
  private int taken() {
    int pending = 0;
    for (String k : busy.keySet()) {
      if (!connections.containsKey(k)) {
        pending++;
      }
    }
    return connections.size() + pending + separateOpen;
  }

  /**
   * Until a place is free for {@code key} (plus {@code extra} more): closes the least recently used idle
   * connections, else waits for an event to end.
   */
  private void awaitPlace(String key, int extra) throws SQLException {
    long waitingSince = 0;
    while (taken() + extra >= maxConnections) {
      if (closeEldestIdle()) {
        continue;
      }
      if (waitingSince == 0) {
        waitingSince = System.nanoTime();
        LOG.info("all {} standby connections (--max-connections) are in use; {} waits for one", maxConnections,
            key.equals(MAINTENANCE) ? "the maintenance database" : "database " + key);
      }
      try {
        wait(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLTransientConnectionException("interrupted while waiting for a standby connection", "08000", e);
      }
    }
    if (waitingSince != 0) {
      LOG.info("{} got a standby connection after {} ms", key.equals(MAINTENANCE) ? "the maintenance database"
          : "database " + key, (System.nanoTime() - waitingSince) / 1_000_000);
    }
  }

  private boolean closeEldestIdle() {
    Iterator<Map.Entry<String, Connection>> eldest = connections.entrySet().iterator();
    while (eldest.hasNext()) {
      Map.Entry<String, Connection> entry = eldest.next();
      if (!busy.containsKey(entry.getKey())) {
        closeQuietly(entry.getValue());
        idleSince.remove(entry.getKey());
        eldest.remove();
        return true;
      }
    }
    return false;
  }

  /** Closes the connections idle for longer than {@code timeout} (checked at most once a second). */
  synchronized void closeIdleFor(Duration timeout) {
    long now = System.nanoTime();
    if (now - lastIdleCheck < 1_000_000_000L && !timeout.isZero()) {
      return;
    }
    lastIdleCheck = now;
    idleSince.entrySet().removeIf(e -> {
      if (now - e.getValue() < timeout.toNanos() || busy.containsKey(e.getKey())) {
        return false;
      }
      Connection held = connections.remove(e.getKey());
      if (held != null) {
        closeQuietly(held);
      }
      return true;
    });
  }

  /** A new connection to the database, as the applier, that the caller closes (for work beside the lanes'). */
  Connection separate(String name) throws SQLException {
    synchronized (this) {
      awaitPlace(name, 0);
      separateOpen++;
    }
    try {
      Connection connection = opener.open(standby.withDatabase(name));
      connection.setAutoCommit(true);
      return closingReleases(connection);
    } catch (SQLException | RuntimeException e) {
      separateClosed();
      throw e;
    }
  }

  private synchronized void separateClosed() {
    separateOpen--;
    notifyAll();
  }

  /** The connection, whose close (once) gives its place back. */
  private Connection closingReleases(Connection connection) {
    AtomicBoolean closed = new AtomicBoolean();
    InvocationHandler handler = (proxy, method, args) -> {
      try {
        return method.invoke(connection, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      } finally {
        if (method.getName().equals("close") && method.getParameterCount() == 0 && closed.compareAndSet(false, true)) {
          separateClosed();
        }
      }
    };
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        handler);
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
        idleSince.remove(e.getKey());
        return true;
      }
      return false;
    });
    notifyAll();
  }

  /** Drops the connection to a database (after an error that may have broken it or left it in an odd state). */
  synchronized void discard(String name) {
    Connection held = connections.remove(name == null ? MAINTENANCE : name);
    idleSince.remove(name == null ? MAINTENANCE : name);
    if (held != null) {
      closeQuietly(held);
    }
    notifyAll();
  }

  private Connection get(String key) throws SQLException {
    Connection held;
    synchronized (this) {
      held = connections.get(key);
      if (held == null && !busy.containsKey(key)) { // used without using(): still within the bound
        awaitPlace(key, 0);
        held = open(key);
        connections.put(key, held);
        idleSince.put(key, System.nanoTime());
        return held;
      }
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
    if (idleCloser != null) {
      idleCloser.shutdownNow();
    }
    connections.values().forEach(StandbyConnections::closeQuietly);
    connections.clear();
    idleSince.clear();
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.debug("closing a standby connection: {}", e.toString());
    }
  }
}
