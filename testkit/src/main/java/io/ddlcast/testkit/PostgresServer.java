package io.ddlcast.testkit;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One real PostgreSQL cluster for the demo and the integration tests, whether it runs from local binaries
 * ({@link LocalPostgres}) or in a container ({@link ContainerPostgres}). Tests only see this interface, so the
 * same test body runs against both.
 *
 * <p>The superuser connects over TCP on {@link #host()} without a password (trust authentication). The JDBC
 * helpers here open a fresh connection per call: they are for setting up and checking, not for load.
 */
public interface PostgresServer extends AutoCloseable {

  /** The name given at creation, used in messages and directory names. */
  String name();

  /** The address the server listens on, normally {@code 127.0.0.1}. */
  String host();

  int port();

  /** The superuser every helper connects as: {@code postgres}. */
  String superuser();

  /**
   * A JDBC URL for {@code database} as superuser, e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}.
   * The database name is URL-encoded, so names with spaces or non-ASCII letters work.
   */
  default String jdbcUrl(String database) {
    String encoded = URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    String url = "jdbc:postgresql://" + host() + ":" + port() + "/" + encoded + "?user="
        + URLEncoder.encode(superuser(), StandardCharsets.UTF_8);
    Path root = rootCertificate();
    return root == null ? url
        : url + "&sslmode=verify-full&sslrootcert=" + URLEncoder.encode(root.toString(), StandardCharsets.UTF_8);
  }

  /**
   * The CA certificate (PEM) a client must trust to verify this server, when it accepts TLS connections only
   * ({@link PostgresOptions#withTls()}); {@code null} when it takes plain TCP.
   */
  default Path rootCertificate() {
    return null;
  }

  /** A new connection to {@code database} as superuser; the caller closes it. */
  default Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database));
  }

  /**
   * Runs each statement in autocommit, in order, on one connection. The first failure stops the run and is thrown
   * as {@link TestkitException} naming the server, the database and the statement; the {@link SQLException} is
   * its cause.
   */
  default void execute(String database, String... sql) {
    try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
      connection.setAutoCommit(true);
      for (String each : sql) {
        try {
          statement.execute(each);
        } catch (SQLException e) {
          throw new TestkitException("SQL failed on " + name() + " database \"" + database + "\": " + each
              + ": " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
        }
      }
    } catch (SQLException e) {
      throw new TestkitException("could not connect to " + name() + " database \"" + database + "\" at "
          + host() + ":" + port() + ": " + e.getMessage(), e);
    }
  }

  /** The first column of every row of {@code sql}, as text ({@code null} for SQL NULL). */
  default List<String> query(String database, String sql) {
    try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
      List<String> values = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery(sql)) {
        while (rows.next()) {
          values.add(rows.getString(1));
        }
      }
      return values;
    } catch (SQLException e) {
      throw new TestkitException("query failed on " + name() + " database \"" + database + "\": " + sql
          + ": " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
    }
  }

  /** The names of all databases that are not templates ({@code postgres} included), sorted. */
  default List<String> databases() {
    List<String> names = new ArrayList<>(query("postgres",
        "SELECT datname FROM pg_catalog.pg_database WHERE NOT datistemplate"));
    Collections.sort(names);
    return names;
  }

  /** The data directory as this host sees it, or {@code null} when it is not on this host (containers). */
  /**
   * Runs {@code sql} with {@code psql -X -v ON_ERROR_STOP=1 -c}: the simple query protocol, one string that may
   * hold several statements (one implicit transaction), as an operator's {@code psql -c} does. A failing statement
   * is not an exception: it is the exit code.
   */
  default PsqlResult psql(String database, String sql) {
    return psql(PsqlRun.command(database, sql));
  }

  /** Runs psql as described (see {@link PsqlRun}). */
  PsqlResult psql(PsqlRun run);

  Path pgdata();

  /** The host directory the server writes its csvlog files to, or {@code null} when csvlog is not enabled. */
  Path logDirectory();

  /** {@code pg_dump --schema-only} of {@code database}, without the lines that differ between identical schemas. */
  String schemaDump(String database);

  /**
   * {@code pg_dumpall --globals-only --no-role-passwords}, without the lines that differ between identical
   * clusters.
   */
  String globalsDump();

  /** The ERROR lines of the server's own stderr log, except the testkit's own (see {@link #isServerError}). */
  List<String> serverLogErrors();

  /** The test clusters' stderr log line prefix: time, pid and application name (to tell whose error it was). */
  String LOG_LINE_PREFIX = "%m [%p] app=%a ";

  /**
   * An ERROR line of the server log that is not the testkit's own: pg_dump and pg_dumpall (the convergence checks)
   * fail with "relation ... does not exist" when they dump a standby while an applier drops a table; that error is
   * theirs, not the standby's.
   */
  static boolean isServerError(String line) {
    return line.contains("ERROR:") && !line.contains(" app=pg_dump ") && !line.contains(" app=pg_dumpall ");
  }

  /** Fast shutdown; data is kept and {@link #start()} brings the server back on the same port. */
  void stop();

  /** Starts the server again after {@link #stop()} or {@link #kill()}; returns when it accepts connections. */
  void start();

  /** Immediate shutdown, like a crash: the next {@link #start()} runs crash recovery. */
  void kill();

  /** Kills the server and every process of it with SIGKILL, as a lost host would (a container is killed). */
  default void sigkill() {
    kill();
  }

  /** Stops the server and deletes everything it wrote. */
  @Override
  void close();
}
