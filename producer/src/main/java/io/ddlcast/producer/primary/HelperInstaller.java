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
  public static final int VERSION = 3;
  /** Its event triggers: ddl_command_start (before a DROP), ddl_command_end, sql_drop. */
  private static final int TRIGGERS = 3;
  static final String APPLICATION_NAME = "ddlcast-install";
  private static final String VERSION_COMMENT = "ddlcast helper version " + VERSION;

  /** A database's helper: missing, older than this build's, disabled, or current. */
  public enum State {
    MISSING,
    /** Owned by a role that is not a superuser: never trusted, never taken over. */
    BROKEN,
    OUTDATED,
    DISABLED,
    CURRENT
  }

  private static final String INSPECT = "SELECT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.oid = n.nspowner)"
      + " AS schema_super, pg_catalog.pg_get_userbyid(n.nspowner) AS schema_owner, p.oid IS NOT NULL AS has_function,"
      + " COALESCE((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.oid = p.proowner), false) AS function_super,"
      + " pg_catalog.pg_get_userbyid(p.proowner) AS function_owner,"
      + " pg_catalog.obj_description(p.oid, 'pg_proc') AS comment,"
      + " (SELECT count(*) FROM pg_catalog.pg_event_trigger t"
      + " WHERE t.evtfoid = p.oid AND t.evtenabled <> 'D') AS enabled,"
      + " (SELECT count(*) FROM pg_catalog.pg_event_trigger t WHERE t.evtfoid = p.oid) AS triggers"
      + " FROM pg_catalog.pg_namespace n LEFT JOIN pg_catalog.pg_proc p"
      + " ON p.pronamespace = n.oid AND p.proname = 'log_ddl' AND p.pronargs = 0"
      + " WHERE n.nspname = 'ddlcast'";

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

  /** A helper some other role owns ({@link State#BROKEN}): not installed over, never taken over (SQLSTATE 42501). */
  public static final class RefusedException extends SQLException {
    private final String problem;

    RefusedException(String database, String problem) {
      super("ddlcast's helper in database " + database + " is not installed: " + problem + "; fix: "
          + fixFor(database), "42501");
      this.problem = problem;
    }

    /** Why the helper found there is not ddlcast's. */
    public String problem() {
      return problem;
    }
  }

  /** A database's helper as found, for a broken one why, and the database's encoding. */
  public record Inspection(State state, String problem, String encoding) {
    /** Its records can be believed: the function and its schema belong to a superuser. */
    public boolean trusted() {
      return state != State.BROKEN && state != State.MISSING;
    }
  }

  /** What the database holds of the helper, and whether a superuser owns it (else it is BROKEN). */
  public Inspection inspect(String database) throws SQLException {
    try (Connection c = primary.withDatabase(database).connect(APPLICATION_NAME, null)) {
      return inspect(c);
    }
  }

  private static Inspection inspect(Connection c) throws SQLException {
    String encoding;
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_catalog.getdatabaseencoding()")) {
      rs.next();
      encoding = rs.getString(1);
    }
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(INSPECT)) {
      if (!rs.next()) {
        return new Inspection(State.MISSING, null, encoding);
      }
      if (!rs.getBoolean("schema_super")) {
        return new Inspection(State.BROKEN, "its schema ddlcast is owned by " + rs.getString("schema_owner")
            + ", not a superuser, who could replace the event trigger's function", encoding);
      }
      if (rs.getBoolean("has_function") && !rs.getBoolean("function_super")) {
        return new Inspection(State.BROKEN, "its function ddlcast.log_ddl() is owned by "
            + rs.getString("function_owner") + ", not a superuser: it runs for every user's DDL", encoding);
      }
      if (!rs.getBoolean("has_function") || rs.getInt("triggers") == 0) {
        return new Inspection(State.MISSING, null, encoding);
      }
      // an older version (fewer triggers) still reports what it knows, until install replaces it
      if (!VERSION_COMMENT.equals(rs.getString("comment"))) {
        return new Inspection(State.OUTDATED, null, encoding);
      }
      if (rs.getInt("triggers") < TRIGGERS) {
        return new Inspection(State.MISSING, null, encoding);
      }
      return new Inspection(rs.getInt("enabled") < TRIGGERS ? State.DISABLED : State.CURRENT, null, encoding);
    }
  }

  /** The SQL that makes a broken helper installable, for messages. */
  public static String fixFor(String database) {
    return "in database " + database + ", as a superuser, after looking at what schema ddlcast holds: "
        + "DROP SCHEMA ddlcast CASCADE; then install again";
  }

  /**
   * Installs the helper in the database unless it is current there; true if it changed anything. A helper some
   * other role owns is never taken over: refused ({@link RefusedException}, SQLSTATE 42501) with what to do. The
   * installation is not logged and fires no event trigger (log_statement off, session_replication_role replica, both
   * only a superuser can set), so that it never reaches a standby; ownership is checked again before it commits. One
   * connection does both: the inspection, then the installation.
   */
  public boolean install(String database) throws SQLException {
    try (Connection c = primary.withDatabase(database).connect(APPLICATION_NAME, null)) {
      Inspection before = inspect(c);
      if (before.state() == State.BROKEN) {
        throw new RefusedException(database, before.problem());
      }
      if (before.state() == State.CURRENT) {
        return false;
      }
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SET LOCAL log_statement = 'none'");
        st.execute("SET LOCAL session_replication_role = 'replica'");
        st.execute(sql());
        Inspection after = inspect(c);
        if (after.state() != State.CURRENT) {
          throw new SQLException("ddlcast's helper in database " + database + " did not install as expected ("
              + after.state() + (after.problem() == null ? "" : ": " + after.problem()) + ")", "42501");
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
    return true;
  }
}
