package io.ddlcast.common.jdbc;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
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
