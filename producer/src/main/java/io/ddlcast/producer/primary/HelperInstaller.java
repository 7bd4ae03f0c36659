package io.ddlcast.producer.primary;

import io.ddlcast.common.jdbc.PgUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs and inspects ddlcast's helper on the primary: the event trigger of {@code helper.sql}, in every database
 * that accepts connections (template1 included, so that databases created from it inherit the helper). Installing
 * is idempotent: a database whose helper is current is left alone. Its sessions are named {@code ddlcast-install},
 * and the producer never publishes their DDL.
 */
public final class HelperInstaller {
  public static final int VERSION = 1;
  static final String APPLICATION_NAME = "ddlcast-install";
  private static final String VERSION_COMMENT = "ddlcast helper version " + VERSION;

  /** A database's helper: missing, older than this build's, disabled, or current. */
  public enum State {
    MISSING,
    OUTDATED,
    DISABLED,
    CURRENT
  }

  private final PgUrl primary;

  public HelperInstaller(PgUrl primary) {
    this.primary = primary;
  }

  public static String sql() {
    try (InputStream in = HelperInstaller.class.getResourceAsStream("helper.sql")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("helper.sql missing from the jar", e);
    }
  }

  /** Databases the helper belongs in: every one that accepts connections. */
  public List<String> databases() throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = primary.connect(APPLICATION_NAME, null); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT datname FROM pg_catalog.pg_database WHERE datallowconn ORDER BY datname")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  public State state(String database) throws SQLException {
    try (Connection c = primary.withDatabase(database).connect(APPLICATION_NAME, null);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT pg_catalog.obj_description(p.oid, 'pg_proc'),"
                + " (SELECT count(*) FROM pg_catalog.pg_event_trigger t"
                + " WHERE t.evtfoid = p.oid AND t.evtenabled <> 'D'),"
                + " (SELECT count(*) FROM pg_catalog.pg_event_trigger t WHERE t.evtfoid = p.oid)"
                + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE n.nspname = 'ddlcast' AND p.proname = 'log_ddl'")) {
      if (!rs.next() || rs.getInt(3) < 2) {
        return State.MISSING;
      }
      if (!VERSION_COMMENT.equals(rs.getString(1))) {
        return State.OUTDATED;
      }
      return rs.getInt(2) < 2 ? State.DISABLED : State.CURRENT;
    }
  }

  /** Installs the helper in the database unless it is current there; true if it changed anything. */
  public boolean install(String database) throws SQLException {
    if (state(database) == State.CURRENT) {
      return false;
    }
    try (Connection c = primary.withDatabase(database).connect(APPLICATION_NAME, null)) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute(sql());
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
    return true;
  }
}
