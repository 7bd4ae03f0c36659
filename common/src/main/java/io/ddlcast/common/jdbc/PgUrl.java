package io.ddlcast.common.jdbc;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

/**
 * A PostgreSQL JDBC URL, parsed once by pgjdbc itself, that can be pointed at another database of the same server.
 * Standbys are given by the URL of their maintenance database; the applier reaches the other databases by swapping
 * the database name and keeping every other property (user, SSL, timeouts, ...). Passwords are not expected in the
 * URL (pgjdbc reads {@code .pgpass}); if one is there anyway, {@link #toString()} never shows it.
 */
public final class PgUrl {
  private final String url;
  private final Properties properties;

  private PgUrl(String url, Properties properties) {
    this.url = url;
    this.properties = properties;
  }

  /** Parses a {@code jdbc:postgresql:} URL; throws IllegalArgumentException naming what is wrong. */
  public static PgUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("is empty");
    }
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("is not a PostgreSQL JDBC URL (expected jdbc:postgresql://HOST:PORT/DB)");
    }
    Properties parsed = Driver.parseURL(url, null);
    if (parsed == null) {
      throw new IllegalArgumentException("cannot be parsed by the PostgreSQL driver");
    }
    return new PgUrl(url, parsed);
  }

  public String database() {
    return PGProperty.PG_DBNAME.getOrDefault(properties);
  }

  /** {@code host:port[,host:port...]} as written in the URL. */
  public String hosts() {
    String[] hosts = PGProperty.PG_HOST.getOrDefault(properties).split(",");
    String[] ports = PGProperty.PG_PORT.getOrDefault(properties).split(",");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < hosts.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      String host = hosts[i];
      out.append(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)
          .append(':')
          .append(i < ports.length ? ports[i] : ports[ports.length - 1]);
    }
    return out.toString();
  }

  public String user() {
    return PGProperty.USER.getOrDefault(properties);
  }

  /** The {@code options} property (server settings sent at connect, {@code -c name=value ...}), or null. */
  public String options() {
    return PGProperty.OPTIONS.getOrDefault(properties);
  }

  /** The same server and properties, another database. */
  public PgUrl withDatabase(String database) {
    Objects.requireNonNull(database, "database");
    Properties copy = new Properties();
    copy.putAll(properties);
    PGProperty.PG_DBNAME.set(copy, database);
    String swapped =
        "jdbc:postgresql://" + hosts() + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    return new PgUrl(swapped, copy);
  }

  /** Opens a connection with the given application name and extra properties; the URL's own properties apply. */
  public Connection connect(String applicationName, Properties extra) throws SQLException {
    Properties props = new Properties();
    for (String name : properties.stringPropertyNames()) {
      if (!name.equals(PGProperty.PG_DBNAME.getName())
          && !name.equals(PGProperty.PG_HOST.getName())
          && !name.equals(PGProperty.PG_PORT.getName())) {
        props.setProperty(name, properties.getProperty(name));
      }
    }
    if (extra != null) {
      props.putAll(extra);
    }
    if (applicationName != null) {
      PGProperty.APPLICATION_NAME.set(props, applicationName);
    }
    String base = "jdbc:postgresql://" + hosts() + "/"
        + URLEncoder.encode(database(), StandardCharsets.UTF_8).replace("+", "%20");
    return DriverManager.getConnection(base, props);
  }

  /**
   * Why a connection by this URL does not authenticate its server, or empty when it does: {@code sslmode}
   * {@code verify-full} (or {@code ssl=true}, which means it in pgjdbc) checks the certificate and the host name;
   * {@code verify-ca} checks the certificate only. Loopback hosts are not reported (nothing crosses a network).
   */
  public Optional<String> unverifiedServer() {
    String mode = PGProperty.SSL_MODE.getOrDefault(properties);
    boolean ssl = Boolean.parseBoolean(PGProperty.SSL.getOrDefault(properties));
    String effective = mode == null ? (ssl ? "verify-full" : "prefer") : mode.toLowerCase(Locale.ROOT);
    if (effective.equals("verify-full")) {
      return Optional.empty();
    }
    boolean local = true;
    for (String host : PGProperty.PG_HOST.getOrDefault(properties).split(",")) {
      String h = host.toLowerCase(Locale.ROOT);
      local &= h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }
    if (local) {
      return Optional.empty();
    }
    if (effective.equals("verify-ca")) {
      return Optional.of("sslmode=verify-ca checks the server's certificate but not that it names " + hosts()
          + "; use sslmode=verify-full");
    }
    return Optional.of("sslmode=" + effective + " does not authenticate " + hosts()
        + (effective.equals("disable") || effective.equals("allow") ? " and may not encrypt at all" : "")
        + ": anyone on the path can pose as the server; use sslmode=verify-full with sslrootcert");
  }

  /**
   * The same connection as a libpq connection string for PostgreSQL's own tools ({@code pg_dump -d}): the first
   * host and port, the user, {@code database}, and the SSL settings pgjdbc and libpq share. Passwords are not in
   * it: libpq reads {@code ~/.pgpass} (or {@code PGPASSFILE}) as pgjdbc does.
   */
  public String libpqConnection(String database) {
    StringBuilder out = new StringBuilder();
    String[] hosts = PGProperty.PG_HOST.getOrDefault(properties).split(",");
    String[] ports = PGProperty.PG_PORT.getOrDefault(properties).split(",");
    appendConnValue(out, "host", hosts[0]);
    appendConnValue(out, "port", ports[0]);
    appendConnValue(out, "user", user());
    appendConnValue(out, "dbname", database);
    appendConnValue(out, "sslmode", PGProperty.SSL_MODE.getOrDefault(properties));
    appendConnValue(out, "sslrootcert", PGProperty.SSL_ROOT_CERT.getOrDefault(properties));
    appendConnValue(out, "sslcert", PGProperty.SSL_CERT.getOrDefault(properties));
    appendConnValue(out, "sslkey", PGProperty.SSL_KEY.getOrDefault(properties));
    return out.toString().strip();
  }

  private static void appendConnValue(StringBuilder out, String key, String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    out.append(key).append("='").append(value.replace("\\", "\\\\").replace("'", "\\'")).append("' ");
  }

  /** The URL for display: server, database and user, never a password. */
  @Override
  public String toString() {
    String user = user();
    return "postgresql://" + (user == null ? "" : user + "@") + hosts() + "/" + database();
  }

  /** The URL as given (may hold a password: never log it). */
  public String raw() {
    return url;
  }
}
