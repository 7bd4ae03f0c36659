package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.Scope;
import io.ddlcast.common.jdbc.PgUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one event's statement on the standby, in the right database, exactly as the primary ran it.
 *
 * <p>Each statement is sent as one simple-protocol query in auto-commit, which is what {@code psql -c} does on the
 * primary: statements that cannot run in a transaction block ({@code CREATE DATABASE}, {@code CREATE INDEX
 * CONCURRENTLY}, ...) work, and a multi-statement string runs as one implicit transaction, all or nothing. Events
 * about a database as a whole run from the maintenance database after this lane closed its own connection to that
 * database, so that {@code DROP DATABASE} or a rename is not blocked by ddlcast itself.
 *
 * <p>One executor per lane, used by one thread at a time; it keeps one connection to the lane's database and one
 * to the maintenance database, and drops a connection after an error that may have broken it.
 */
final class StatementExecutor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatementExecutor.class);

  private final PgUrl standby;
  private final String applicationName;
  private Connection maintenance;
  private Connection database;
  private String databaseName;

  StatementExecutor(PgUrl standby, String standbyName) {
    this.standby = standby;
    this.applicationName = "ddlcast-applier:" + standbyName;
  }

  void execute(DdlEvent event) throws SQLException {
    Connection connection;
    if (event.scope() == Scope.CLUSTER) {
      if (event.key().equals(databaseName)) {
        closeDatabase();
      }
      connection = maintenance();
    } else {
      connection = database(event.database());
    }
    try (Statement statement = connection.createStatement()) {
      statement.setEscapeProcessing(false);
      statement.execute(event.statement());
    } catch (SQLException e) {
      if (connection.isClosed() || e.getSQLState() == null || e.getSQLState().startsWith("08")
          || e.getSQLState().startsWith("57")) {
        close();
      }
      throw e;
    }
  }

  private Connection maintenance() throws SQLException {
    if (maintenance == null || maintenance.isClosed()) {
      maintenance = open(standby);
    }
    return maintenance;
  }

  private Connection database(String name) throws SQLException {
    if (name.equals(standby.database())) {
      return maintenance();
    }
    if (database == null || database.isClosed() || !name.equals(databaseName)) {
      closeDatabase();
      try {
        database = open(standby.withDatabase(name));
      } catch (SQLException e) {
        if ("3D000".equals(e.getSQLState())) {
          throw new SQLTransientConnectionException("database \"" + name + "\" does not exist on the standby (yet): "
              + "waiting for the event that creates it", "3D000", e);
        }
        throw e;
      }
      databaseName = name;
    }
    return database;
  }

  private Connection open(PgUrl url) throws SQLException {
    Properties props = new Properties();
    PGProperty.PREFER_QUERY_MODE.set(props, "simple");
    PGProperty.CONNECT_TIMEOUT.set(props, 10);
    PGProperty.TCP_KEEP_ALIVE.set(props, true);
    Connection connection = url.connect(applicationName, props);
    connection.setAutoCommit(true);
    LOG.debug("connected to {}", url);
    return connection;
  }

  private void closeDatabase() {
    closeQuietly(database);
    database = null;
    databaseName = null;
  }

  @Override
  public void close() {
    closeDatabase();
    closeQuietly(maintenance);
    maintenance = null;
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("closing a standby connection: {}", e.toString());
      }
    }
  }
}
