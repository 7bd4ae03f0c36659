package io.ddlcast.applier;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a statement on the standby with exactly the rights of the role that ran it on the primary, and no way back
 * to the applier's: through a {@code SECURITY DEFINER} function that role owns, one per database and role, made by
 * the applier when first needed, in the superuser-owned schema {@code ddlcast} (the markers' schema):
 *
 * <pre>{@code
 * CREATE FUNCTION ddlcast.run_as_<hash of the role name>(sql pg_catalog.text, path pg_catalog.text)
 *   RETURNS pg_catalog.bool LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
 *   SET standard_conforming_strings = on
 *   AS $ddlcast$ ... set_config('search_path', $2, true); EXECUTE $1; at-commit checks below; DISCARD TEMP $ddlcast$;
 * ALTER FUNCTION ddlcast.run_as_<...>(pg_catalog.text, pg_catalog.text) OWNER TO <role>;
 * REVOKE ALL ON FUNCTION ddlcast.run_as_<...>(pg_catalog.text, pg_catalog.text) FROM PUBLIC;
 * }</pre>
 *
 * <p>Why this is a boundary where {@code SET SESSION AUTHORIZATION}/{@code SET ROLE} is none: under a superuser
 * login, any code a statement runs (a function called by {@code CREATE TABLE ... AS}, a volatile default evaluated
 * by a table rewrite, a trigger, a view or rule body) may {@code RESET SESSION AUTHORIZATION} and act as the
 * superuser. Inside a security-definer function PostgreSQL refuses to set {@code role} or
 * {@code session_authorization} ("cannot set parameter ... within security-definer function"), in every function
 * the statement calls too, and what the statement creates is owned by the function's owner. {@code current_user}
 * is the role; {@code session_user} stays the applier's login (the event's session role is not set: privileges
 * and ownership go by {@code current_user}, and making it the session user would take the SET SESSION
 * AUTHORIZATION this class exists to avoid; only code that reads {@code session_user} can tell).
 *
 * <p>The role owns its function, so code run as the role can change it ({@code ALTER FUNCTION ... SECURITY
 * INVOKER}, its settings or volatility, {@code DROP OWNED}). The call therefore checks, in the same statement, that
 * the function is still security definer, volatile, owned by the role, with exactly ddlcast's settings and body,
 * and calls it only then; its arguments come from a materialized CTE, so that the planner cannot evaluate the call
 * early (it folds an IMMUTABLE function of constants at plan time, before the check). A function that fails the
 * check is made again, once. The call names the function, so PostgreSQL resolves it before the check: whether it
 * exists is asked once per connection and role, and a call that finds it gone (SQLSTATE 42883, the role dropped
 * it) is retried once by the caller after {@link #forget}.
 *
 * <p>What runs at commit runs as whoever commits, the applier: deferred trigger events and cursors {@code WITH
 * HOLD} queued by the statement's code (measured: both made a role superuser through a definer function). The
 * function closes every cursor the statement left and fails (SQLSTATE 0A000) if one remains, and fails if the
 * statement wrote rows of a table with a deferrable trigger (the only tables deferred events can be queued for;
 * row counts of the transaction, which the call begins, so {@code track_counts} must be on, as every applier
 * connection sets it): such an event is refused, not applied with the applier's rights.
 *
 * <p>Temporary objects: code run as the role may make them in the applier's session (a domain {@code pg_temp.text}
 * whose CHECK calls its function, a temporary view {@code pg_temp.pg_roles}; even an index expression, a
 * security-restricted operation, may make a temporary type), and they outlive the transaction. PostgreSQL looks
 * types and relations up in the session's temporary schema first unless the search_path names {@code pg_temp}, so
 * the applier's next statement ({@code ?::text}, or pgjdbc's own {@code '5'::int8} parameter casts) would have run
 * that CHECK as the superuser (measured: the role made itself superuser). Hence {@code pg_temp} is named last in
 * every search_path ddlcast sets (the function's, the connection's), ddlcast's own SQL names
 * {@code pg_catalog.text}, and the function ends with {@code DISCARD TEMP}: what the statement made for its session
 * is gone before the applier's next statement, and no later event (from another session on the primary) sees it.
 *
 * <p>Statements that cannot run in a function ({@code CREATE DATABASE}, {@code CREATE INDEX CONCURRENTLY}, ...)
 * do not come here; see {@link StatementExecutor}.
 */
final class RunAs {
  /** The function's settings as {@code pg_proc.proconfig} holds them. */
  static final String CONFIG = "{\"search_path=pg_catalog, pg_temp\",standard_conforming_strings=on}";

  /**
   * The function's body ({@code pg_proc.prosrc}). Before the call, the transaction wrote no table with a
   * deferrable trigger (the role's function is made, if at all, before it, and writes no table with triggers; in a
   * batch, an earlier statement that wrote one failed this same check), so a table with a deferrable trigger that
   * has row counts after the call was written by the statement, or, in a batch, by an earlier statement before a
   * later one gave it the trigger: then the batch rolls back and its events run one by one ({@link ApplyLane}), each
   * the first statement of its transaction.
   */
  static final String BODY = """

      BEGIN
        PERFORM pg_catalog.set_config('search_path', $2, true);
        EXECUTE $1;
        PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
        EXECUTE 'CLOSE ALL';
        IF EXISTS (SELECT FROM pg_catalog.pg_cursors) THEN
          RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'ddlcast: the statement left a cursor open, which '
            'would run at commit with the applier''s rights; not applied';
        END IF;
        IF NOT pg_catalog.current_setting('track_counts')::pg_catalog.bool THEN
          RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'ddlcast: track_counts is off, so ddlcast cannot '
            'tell whether the statement queued deferred trigger events; not applied';
        END IF;
        IF EXISTS (SELECT FROM pg_catalog.pg_trigger t WHERE t.tgdeferrable
            AND pg_catalog.pg_stat_get_xact_tuples_inserted(t.tgrelid)
              + pg_catalog.pg_stat_get_xact_tuples_updated(t.tgrelid)
              + pg_catalog.pg_stat_get_xact_tuples_deleted(t.tgrelid) > 0) THEN
          RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'ddlcast: the statement wrote rows of a table with '
            'deferrable triggers, whose deferred events would run at commit with the applier''s rights; not applied';
        END IF;
        EXECUTE 'DISCARD TEMP';
        RETURN true;
      END
      """;

  /**
   * The search_path the role's and the database's settings give a session of the role in this database, in
   * PostgreSQL's order of precedence (NULL: they set none). One parameter: the role.
   */
  private static final String ROLE_SEARCH_PATH = "(SELECT pg_catalog.substr(c.setting, 13) "
      + "FROM pg_catalog.pg_db_role_setting d, pg_catalog.unnest(d.setconfig) c(setting) "
      + "WHERE d.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = "
      + "pg_catalog.current_database())) AND d.setrole IN (0, (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = "
      + "?)) AND pg_catalog.starts_with(c.setting, 'search_path=') ORDER BY d.setrole <> 0 DESC, "
      + "d.setdatabase <> 0 DESC LIMIT 1)";

  /**
   * The search_path of a session whose role and database set none: the configuration file's, else the built-in
   * default. Read once per connection ({@code pg_file_settings} reads and parses the configuration files).
   */
  static final String FILE_SEARCH_PATH = "SELECT coalesce((SELECT f.setting FROM pg_catalog.pg_file_settings f "
      + "WHERE f.name = 'search_path' AND f.applied ORDER BY f.seqno DESC LIMIT 1), (SELECT s.boot_val "
      + "FROM pg_catalog.pg_settings s WHERE s.name = 'search_path'))";

  /** A call's SQL depends on the role and on the connection's {@link #FILE_SEARCH_PATH}. */
  private record CallKey(String role, String fileSearchPath) {}

  private final Map<Connection, Set<String>> known = Collections.synchronizedMap(new WeakHashMap<>());
  private final Map<Connection, String> fileSearchPaths = Collections.synchronizedMap(new WeakHashMap<>());
  private final Map<CallKey, String> calls = new ConcurrentHashMap<>();

  /** The function's name in schema ddlcast for a role (any role name fits in 63 bytes this way). */
  static String functionName(String role) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(role.getBytes(StandardCharsets.UTF_8));
      return "run_as_" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** {@code ddlcast.run_as_<...>(pg_catalog.text, pg_catalog.text)}. */
  static String signature(String role) {
    return "ddlcast." + functionName(role) + "(pg_catalog.text, pg_catalog.text)";
  }

  /** The signature as {@code to_regprocedure} takes it. */
  private static String regprocedure(String role) {
    return "ddlcast." + functionName(role) + "(pg_catalog.text,pg_catalog.text)";
  }

  /**
   * The call: the statement runs as the role with the search path given (null: the role's default, the role's and
   * database's settings, else {@code fileSearchPath}) if the function is exactly as ddlcast made it. Parameters:
   * statement, search path, role (its default path), role (the owner), body.
   */
  static String callSql(String role, String fileSearchPath) {
    return "WITH a AS MATERIALIZED (SELECT ?::pg_catalog.text AS s, coalesce(?::pg_catalog.text, "
        + ROLE_SEARCH_PATH + ", " + orNull(fileSearchPath) + ") AS p) "
        + "SELECT CASE WHEN f.prosecdef AND f.provolatile = 'v' AND f.proowner = (SELECT r.oid FROM "
        + "pg_catalog.pg_roles r WHERE r.rolname = ?) AND f.proconfig = '" + CONFIG + "' AND f.prosrc = ? THEN ddlcast."
        + functionName(role) + "(a.s, a.p) END FROM a, pg_catalog.pg_proc f WHERE f.oid = "
        + "pg_catalog.to_regprocedure('" + regprocedure(role) + "')";
  }

  private static String orNull(String value) {
    return value == null ? "NULL" : StandbyConnections.literal(value);
  }

  /**
   * Runs the statement as the role inside the caller's transaction, making the role's function first where it is
   * missing or not as ddlcast made it; throws (55000) if even the function just made is not.
   */
  void run(Connection c, String role, String sql, String searchPath) throws SQLException {
    Set<String> roles = known.computeIfAbsent(c, k -> ConcurrentHashMap.newKeySet());
    if (!roles.contains(role)) {
      if (!exists(c, role)) {
        install(c, role);
      }
      roles.add(role);
    }
    if (call(c, role, sql, searchPath)) {
      return;
    }
    install(c, role); // the role changed it (SECURITY INVOKER, its settings, ...)
    if (!call(c, role, sql, searchPath)) {
      throw new SQLException(signature(role) + " on the standby is not the function ddlcast just made; not applied",
          "55000");
    }
  }

  /**
   * Drops the functions of schema ddlcast a role owns in the database of {@code c} (under any role name: a renamed
   * role keeps the function its old name made), so that DROP ROLE finds nothing of ddlcast's that depends on it.
   * Whether a function exists is then asked again, on every connection.
   */
  void dropFunctionsOf(Connection c, String role) throws SQLException {
    List<String> functions = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT p.oid::pg_catalog.regprocedure::pg_catalog.text "
        + "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace "
        + "JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) p.proowner "
        + "WHERE n.nspname OPERATOR(pg_catalog.=) 'ddlcast' AND r.rolname OPERATOR(pg_catalog.=) ? "
        + "AND p.proname OPERATOR(pg_catalog.~) '^run_as_'")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          functions.add(rs.getString(1));
        }
      }
    }
    try (Statement st = c.createStatement()) {
      for (String function : functions) {
        st.execute("DROP FUNCTION IF EXISTS " + function);
      }
    }
    known.clear();
  }

  /** After DROP OWNED or REASSIGN OWNED, which may drop or give away functions: ask again for every role. */
  void forgetAll(Connection c) {
    known.remove(c);
  }

  /** After a call found the role's function gone: ask again whether it exists. */
  void forget(Connection c, String role) {
    Set<String> roles = known.get(c);
    if (roles != null) {
      roles.remove(role);
    }
  }

  /** The error of a call whose function does not exist (any more). */
  static boolean isMissing(SQLException e, String role) {
    return "42883".equals(e.getSQLState()) && e.getMessage() != null
        && e.getMessage().contains(functionName(role));
  }

  private static boolean exists(Connection c, String role) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.to_regprocedure(?) IS NOT NULL")) {
      ps.setString(1, regprocedure(role));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /**
   * Runs the statement as the role inside the caller's transaction; false (and nothing ran) if the role's
   * function is not as ddlcast made it (it must exist).
   */
  boolean call(Connection c, String role, String sql, String searchPath) throws SQLException {
    String fileSearchPath = fileSearchPath(c);
    String call = calls.computeIfAbsent(new CallKey(role, fileSearchPath),
        k -> callSql(k.role(), k.fileSearchPath()));
    try (PreparedStatement ps = c.prepareStatement(call)) {
      ps.setString(1, sql);
      ps.setString(2, searchPath);
      ps.setString(3, role);
      ps.setString(4, role);
      ps.setString(5, BODY);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /**
   * Makes (or makes again) the role's function, inside the caller's transaction; refuses a schema ddlcast that a
   * role other than a superuser owns (its owner could put anything in it).
   */
  static void install(Connection c, String role) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.setEscapeProcessing(false);
      st.execute("CREATE SCHEMA IF NOT EXISTS ddlcast");
      try (ResultSet rs = st.executeQuery("SELECT r.rolsuper, r.rolname FROM pg_catalog.pg_namespace n "
          + "JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner WHERE n.nspname = 'ddlcast'")) {
        if (rs.next() && !rs.getBoolean(1)) {
          throw new SQLException("schema ddlcast on the standby is owned by " + rs.getString(2) + ", not a "
              + "superuser: ddlcast keeps its markers and the functions that run statements as their roles there; "
              + "make a superuser its owner", "42501");
        }
      }
      st.execute("CREATE OR REPLACE FUNCTION ddlcast." + functionName(role) + "(sql pg_catalog.text, "
          + "path pg_catalog.text) RETURNS pg_catalog.bool LANGUAGE plpgsql VOLATILE SECURITY DEFINER "
          + "SET search_path = pg_catalog, pg_temp SET standard_conforming_strings = on AS $ddlcast$" + BODY
          + "$ddlcast$");
      st.execute("ALTER FUNCTION " + signature(role) + " OWNER TO " + StandbyConnections.ident(role));
      st.execute("REVOKE ALL ON FUNCTION " + signature(role) + " FROM PUBLIC");
    }
  }

  /** The search path given, or (null) the one a session of the role would start with in this database. */
  String searchPath(Connection c, String role, String given) throws SQLException {
    if (given != null) {
      return given;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(?::pg_catalog.text, " + ROLE_SEARCH_PATH + ", "
        + orNull(fileSearchPath(c)) + ")")) {
      ps.setString(1, null);
      ps.setString(2, role);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** The connection's {@link #FILE_SEARCH_PATH}, read on first use. */
  private String fileSearchPath(Connection c) throws SQLException {
    String held = fileSearchPaths.get(c);
    if (held != null) {
      return held;
    }
    try (PreparedStatement ps = c.prepareStatement(FILE_SEARCH_PATH); ResultSet rs = ps.executeQuery()) {
      String read = rs.next() ? rs.getString(1) : null;
      if (read != null) {
        fileSearchPaths.put(c, read);
      }
      return read;
    }
  }
}
