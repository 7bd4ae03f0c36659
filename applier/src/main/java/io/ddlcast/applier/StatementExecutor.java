package io.ddlcast.applier;

import io.ddlcast.common.catalog.CatalogObject;
import io.ddlcast.common.catalog.SchemaCatalog;
import io.ddlcast.common.error.ErrorClassifier;
import io.ddlcast.common.error.ErrorKind;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.Scope;
import io.ddlcast.common.event.SessionSetting;
import io.ddlcast.common.seal.SealException;
import io.ddlcast.common.seal.SealedStatement;
import io.ddlcast.common.seal.SecretsKey;
import io.ddlcast.common.sql.Secrets;
import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.common.sql.SqlLexer.Token;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one event's statement on the standby, in the right database, with exactly the rights of the role that ran
 * it on the primary ({@code context.role}, the primary's {@code current_user}; the event's login {@code user} where
 * that is unknown, never the applier's own), its search_path (unknown: the role's default there) and the session
 * settings that decide what it creates ({@link StatementSettings}; unknown: the standby's defaults).
 *
 * <p>How a statement runs decides whether the code it runs (functions, defaults, triggers, view and rule bodies)
 * can take the applier's superuser rights back; the applier's own session stays its own throughout:
 *
 * <ul>
 *   <li>A statement that can run in a transaction runs through the role's security-definer function
 *       ({@link RunAs}), where PostgreSQL refuses to set the role or the session authorization, in the same
 *       transaction as its marker (written after the function returned, as the applier).
 *   <li>A statement that cannot ({@code SqlCommand.nonTransactional()}: CREATE/DROP DATABASE and TABLESPACE,
 *       CREATE/DROP INDEX CONCURRENTLY, REINDEX, VACUUM, CLUSTER, ALTER DATABASE SET TABLESPACE, DETACH PARTITION
 *       CONCURRENTLY) runs under {@code SET SESSION AUTHORIZATION <role>}, reset right after. That is safe because
 *       the only user code these statements run (index expressions and predicates, what VACUUM, CLUSTER and
 *       REINDEX evaluate) runs as a security-restricted operation, where setting the role or session authorization
 *       is refused too (measured: an index expression of CREATE INDEX CONCURRENTLY calling a function that resets
 *       the session authorization fails with "cannot set parameter ... within security-restricted operation"),
 *       as is queueing anything to run at commit. A statement PostgreSQL refuses in a transaction block that
 *       ddlcast did not know (SQLSTATE 25001) runs this way only if it is of those kinds, since the code of any
 *       other statement could raise 25001 itself to get out of the definer function.
 * </ul>
 *
 * <p>An event's statement must be exactly one statement: {@code EXECUTE} would run every statement of a string.
 *
 * <p>Each statement is sent as one simple-protocol query, as {@code psql -c} sends it. Statements on cluster-wide
 * objects run from the maintenance database; before one that acts on a database as a whole, the applier closes its
 * own connections to databases, so that {@code DROP DATABASE} or a rename is not blocked by ddlcast itself.
 *
 * <p>What was applied is recorded on the standby in the same transaction (see {@link AppliedMarkers}): an event
 * delivered again after a crash is recognized and not applied twice. ddlcast's own statements (markers, in-doubt
 * checks, tablespace lookups, {@link RunAs}) run as the applier with the connection's {@code pg_catalog} search
 * path and qualified names (see {@link StandbyConnections}); after each statement {@code RESET ALL} puts back
 * any setting the statement's code changed for the session, and {@code DISCARD TEMP} drops any temporary object
 * it made there (see {@link RunAs}).
 *
 * <p>A batch ({@link #executeBatch}, see {@link BatchRule}) runs several events of one database in one transaction:
 * each statement exactly as a lone one runs (its settings for it, its role's function), with {@code RESET ALL}
 * between two, so that what one statement or its code set is gone before the next; one marker update for the last
 * event, one commit.
 *
 * <p>Tablespaces: a standby's directories are its own. {@code CREATE TABLESPACE} is applied only when
 * {@code --tablespace-map} maps the primary's location to one of the standby's, and skipped (reported) otherwise;
 * {@code ALTER/DROP TABLESPACE} of a tablespace that was skipped is skipped too.
 */
final class StatementExecutor implements EventExecutor {
  private static final Set<String> DROPPED_ROLES = Set.of("DROP ROLE", "DROP USER", "DROP GROUP");
  private static final Pattern LOCATION = Pattern.compile("(?is)(\\bLOCATION\\s+)'((?:[^']|'')*)'");
  /** The SQLSTATE of an event whose sealed statement does not open here (permanent: the lane stops). */
  static final String NOT_OPENED = "28000";

  /** What became of an event. */
  record Result(boolean applied, String skipReason) {
    static final Result APPLIED = new Result(true, null);
    static final Result ALREADY_APPLIED = new Result(false, null);

    static Result skipped(String reason) {
      return new Result(false, reason);
    }

    boolean alreadyApplied() {
      return !applied && skipReason == null;
    }
  }

  /**
   * Whose rights a statement runs with, its search_path (null: the role's default on the standby) and its settings
   * (null: unknown, the standby's session defaults; see {@link StatementSettings}).
   */
  record RunsAs(String role, String searchPath, Map<SessionSetting, String> settings) {
    static RunsAs of(DdlEvent event) throws SQLException {
      ExecutionContext context = event.context();
      String role = context != null && context.role() != null ? context.role() : event.user();
      if (role == null) {
        throw new SQLException("event " + event.id() + " names no role (no context and no user): ddlcast does not "
            + "run a statement with the applier's own rights", "28000");
      }
      return context == null ? new RunsAs(role, null, null)
          : new RunsAs(role, context.searchPath(), context.settings());
    }
  }

  private final StandbyConnections connections;
  private final Map<String, String> tablespaceMap;
  private final AppliedMarkers markers = new AppliedMarkers();
  private final RunAs runAs = new RunAs();

  private final SecretsKey secretsKey;

  StatementExecutor(StandbyConnections connections, Map<String, String> tablespaceMap) {
    this(connections, tablespaceMap, null);
  }

  /** {@code secretsKey}: opens sealed statements (null: none; a sealed event then fails permanently). */
  StatementExecutor(StandbyConnections connections, Map<String, String> tablespaceMap, SecretsKey secretsKey) {
    this.connections = connections;
    this.tablespaceMap = Map.copyOf(tablespaceMap);
    this.secretsKey = secretsKey;
  }

  /**
   * Applies the event for its lane unless the standby's marker shows it was applied before; records it applied in
   * the same transaction as the statement where PostgreSQL allows one.
   */
  @Override
  public List<CatalogObject> listing(String database, boolean globals) throws SQLException {
    String key = StandbyConnections.keyOf(database, false);
    connections.using(key);
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          Connection connection = connections.database(database);
          List<CatalogObject> listing = new ArrayList<>(SchemaCatalog.database(connection));
          if (globals) {
            listing.addAll(SchemaCatalog.globals(connection));
          }
          return listing;
        } catch (SQLException e) {
          connections.discard(key); // a session the server closed (idle too long, restarted): once more, anew
          if (attempt == 2 || ErrorClassifier.classifySql(e) == ErrorKind.PERMANENT) {
            throw e;
          }
        }
      }
    } finally {
      connections.done(key);
    }
  }

  @Override
  public Result execute(Work work) throws SQLException {
    String key = StandbyConnections.keyOf(work.event().database(), work.event().scope() == Scope.CLUSTER);
    connections.using(key);
    try {
      return executeUsing(work);
    } finally {
      connections.done(key);
    }
  }

  /**
   * Runs the event's statement, opened first if it is sealed ({@link SealedStatement}); an event that does not open
   * fails permanently, naming why. The standby's error for a sealed statement quotes it in clear: it is masked here,
   * where the clear text is known, before anything logs or publishes it.
   */
  private Result executeUsing(Work work) throws SQLException {
    DdlEvent event = work.event();
    String sql;
    try {
      sql = SealedStatement.open(event, secretsKey);
    } catch (SealException e) {
      throw new SQLException("event " + event.id() + " is not applied: " + e.getMessage(), NOT_OPENED);
    }
    if (event.sealed() == null) {
      return executeUsing(work, sql);
    }
    try {
      return executeUsing(work, sql);
    } catch (SQLException e) {
      String message = errorMessage(e, event.withStatement(sql, event.context()));
      SQLException masked = e instanceof SQLTransientException ? new SQLTransientException(message, e.getSQLState())
          : new SQLException(message, e.getSQLState());
      if (e.getSQLState() == null || e.getSQLState().isEmpty()) {
        masked.initCause(e); // a driver's I/O error, which quotes no statement: classified by its cause
      }
      throw masked;
    }
  }

  private Result executeUsing(Work work, String statement) throws SQLException {
    DdlEvent event = work.event();
    String sql = statement;
    if ("CREATE TABLESPACE".equals(event.command())) {
      Matcher m = LOCATION.matcher(sql);
      String location = m.find() ? m.group(2).replace("''", "'") : null;
      String mapped = location == null ? null : tablespaceMap.get(location);
      if (mapped == null) {
        return skipped(work, "no --tablespace-map entry for the primary's location '" + location + "'");
      }
      sql = sql.substring(0, m.start(2)) + mapped.replace("'", "''") + sql.substring(m.end(2));
    } else if (event.command() != null && event.command().endsWith("TABLESPACE")
        && !tablespaceExists(tablespaceName(sql))) {
      return skipped(work, "the tablespace was never created on this standby (no --tablespace-map entry)");
    }
    return apply(work, sql);
  }

  @Override
  public boolean batchable(Work work) {
    AppliedMarkers.Marker marker = markers.cached(work);
    return marker != null && marker.inDoubt() < 0 && work.offset() > marker.lastOffset();
  }

  /**
   * Runs the batch's events of one database in one transaction, each as {@link #applyInTransaction} runs a lone one,
   * {@code RESET ALL} between two; then the marker of the last, and the commit. Any failure rolls all of it back and
   * discards the connection and the cached marker: the lane then runs the events one by one, and the marker, read
   * again, tells whether a commit whose outcome was lost took effect.
   */
  @Override
  public List<Work> executeBatch(Work first, Supplier<Work> next) throws RolledBack {
    String database = first.event().database();
    String key = StandbyConnections.keyOf(database, false);
    List<Work> taken = new ArrayList<>();
    boolean forgetRoles = false;
    try {
      connections.using(key);
    } catch (SQLException e) { // no place for its connection: the lane runs the event alone, which reports it
      throw new RolledBack(List.of(first), e);
    }
    Connection connection = null;
    try {
      connection = connections.database(database);
      connection.setAutoCommit(false);
      for (Work work = first; work != null; work = next.get()) {
        taken.add(work);
        DdlEvent event = work.event();
        if (event.sealed() != null || event.scope() == Scope.CLUSTER || !database.equals(event.database())) {
          throw new IllegalArgumentException("event " + event.id() + " cannot be in a batch of database " + database);
        }
        requireOneStatement(event, event.statement());
        RunsAs as = RunsAs.of(event);
        if (taken.size() > 1) { // what the previous statement, or its code, set for the session or transaction
          StatementSettings.applyAfter(connection, "RESET ALL", as.settings());
        } else {
          StatementSettings.apply(connection, as.settings(), true);
        }
        runAs.run(connection, as.role(), SelectInto.asCreateTableAs(event.statement()), as.searchPath());
        forgetRoles |= "DROP OWNED".equals(event.command()) || "REASSIGN OWNED".equals(event.command());
      }
      markers.appliedAfter(connection, "RESET ALL", taken.get(taken.size() - 1));
      connection.commit();
      connection.setAutoCommit(true);
      if (forgetRoles) {
        runAs.forgetAll(connection);
      }
      return taken;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(connection);
      connections.discard(key);
      markers.forget(first);
      throw new RolledBack(taken, e);
    } finally {
      connections.done(key);
    }
  }

  /** Runs the statement unless the marker shows it ran; a failure discards the connection and the cached marker. */
  private Result apply(Work work, String sql) throws SQLException {
    DdlEvent event = work.event();
    boolean cluster = event.scope() == Scope.CLUSTER;
    String key = StandbyConnections.keyOf(event.database(), cluster);
    if (cluster && event.command() != null && event.command().endsWith("DATABASE")) {
      connections.closeDatabaseConnections();
    }
    try {
      AppliedMarkers.Marker marker = markers.cached(work);
      if (marker == null) { // known after the lane's first event
        marker = markers.read(connection(event), work);
      }
      if (work.offset() <= marker.lastOffset()) {
        return Result.ALREADY_APPLIED;
      }
      requireOneStatement(event, sql);
      RunsAs as = RunsAs.of(event);
      if (cluster && event.command() != null && DROPPED_ROLES.contains(event.command())) {
        dropRunAsFunctions(sql);
      }
      if (SqlCommand.of(sql).nonTransactional()) {
        return applyOutsideTransaction(work, sql, as, marker.inDoubt() == work.offset());
      }
      return applyInTransaction(work, sql, as, true);
    } catch (SQLException e) {
      connections.discard(key);
      markers.forget(work);
      throw e;
    }
  }

  /**
   * Before {@code DROP ROLE}: the functions through which the roles ran statements here ({@link RunAs}) are ddlcast's,
   * not the primary's, and would make the drop fail ("some objects depend on it"); they go first, in every database.
   */
  private void dropRunAsFunctions(String sql) throws SQLException {
    List<String> roles = new ArrayList<>();
    List<Token> tokens = SqlLexer.tokens(sql, Integer.MAX_VALUE);
    for (Token token : tokens.subList(Math.min(2, tokens.size()), tokens.size())) {
      boolean name = token.kind() == SqlLexer.Kind.QUOTED || (token.kind() == SqlLexer.Kind.WORD
          && !token.is("IF") && !token.is("EXISTS"));
      if (name) {
        roles.add(token.identifier());
      }
    }
    // pg_shdepend (shared) names the databases where the roles own functions: only those are visited, each on a
    // connection of its own (a standby may have thousands of databases; their lanes' connections stay untouched)
    List<String> databases = new ArrayList<>();
    try (PreparedStatement ps = connections.maintenance().prepareStatement("SELECT DISTINCT d.datname "
        + "FROM pg_catalog.pg_shdepend s JOIN pg_catalog.pg_database d ON d.oid OPERATOR(pg_catalog.=) s.dbid "
        + "JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) s.refobjid "
        + "WHERE s.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_authid'::pg_catalog.regclass "
        + "AND s.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass "
        + "AND s.deptype OPERATOR(pg_catalog.=) 'o' AND d.datallowconn "
        + "AND r.rolname OPERATOR(pg_catalog.=) ANY (?::pg_catalog.text[])")) {
      ps.setArray(1, connections.maintenance().createArrayOf("text", roles.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          databases.add(rs.getString(1));
        }
      }
    }
    for (String database : databases) {
      try (Connection connection = connections.separate(database)) {
        for (String role : roles) {
          runAs.dropFunctionsOf(connection, role);
        }
      }
    }
  }

  /** EXECUTE (and a simple query) would run every statement of a string; an event is one. */
  private static void requireOneStatement(DdlEvent event, String sql) throws SQLException {
    int statements = SqlLexer.statements(sql).size();
    if (statements != 1) {
      throw new SQLException("event " + event.id() + " holds " + statements + " statements where ddlcast runs "
          + "exactly one; not applied", "0A000");
    }
  }

  /**
   * The statement, as the role, and its marker in one transaction; outside one if PostgreSQL refuses it in a block
   * (25001) and it is of a kind that may run outside the definer function. A call that found the role's function
   * gone (the role dropped it) is tried once more, after the function is made again.
   */
  private Result applyInTransaction(Work work, String sql, RunsAs as, boolean mayRetry) throws SQLException {
    Connection connection = connection(work.event());
    connection.setAutoCommit(false);
    try {
      // for this transaction only; what RunAs may make before the call (schema ddlcast, the role's function) is
      // the same under any of these settings
      StatementSettings.apply(connection, as.settings(), true);
      runAs.run(connection, as.role(), SelectInto.asCreateTableAs(sql), as.searchPath());
      // the marker is the applier's: the function has returned; settings the statement's code made go first
      markers.appliedAfter(connection, "RESET ALL", work);
      connection.commit();
      String command = work.event().command();
      if ("DROP OWNED".equals(command) || "REASSIGN OWNED".equals(command)) {
        runAs.forgetAll(connection); // it may have dropped or given away ddlcast's functions of the roles it names
      }
    } catch (SQLException e) {
      rollbackQuietly(connection);
      if (mayRetry && RunAs.isMissing(e, as.role())) {
        runAs.forget(connection, as.role());
        return applyInTransaction(work, sql, as, false);
      }
      if ("25001".equals(e.getSQLState()) && mayRunOutsideTransaction(sql)) {
        connection.setAutoCommit(true);
        return applyOutsideTransaction(work, sql, as, false);
      }
      throw e;
    } finally {
      if (!connection.isClosed()) {
        connection.setAutoCommit(true);
      }
    }
    return Result.APPLIED;
  }

  /**
   * Statements PostgreSQL may refuse in a transaction block, depending on their options or its version, whose user
   * code runs only as a security-restricted operation if at all: a 25001 from any other statement may come from its
   * own code, and is not a reason to run it outside the definer function.
   */
  static boolean mayRunOutsideTransaction(String sql) {
    SqlCommand command = SqlCommand.of(sql);
    String tag = command.tag();
    if (tag.equals("ALTER TYPE")) {
      List<Token> tokens = SqlLexer.tokens(sql, 12);
      for (int k = 0; k + 1 < tokens.size(); k++) {
        if (tokens.get(k).is("ADD") && tokens.get(k + 1).is("VALUE")) {
          return true;
        }
      }
      return false;
    }
    return command.nonTransactional() || tag.equals("CLUSTER") || tag.startsWith("REINDEX")
        || tag.startsWith("VACUUM") || tag.equals("CREATE INDEX") || tag.equals("DROP INDEX")
        || tag.endsWith(" DATABASE") || tag.endsWith(" TABLESPACE") || tag.endsWith(" SUBSCRIPTION")
        || tag.equals("ALTER SYSTEM");
  }

  /**
   * A statement that cannot run in a transaction block: marked in doubt, run, marked applied. If a crash left it
   * in doubt, what it does is checked first, so running it again is safe.
   */
  private Result applyOutsideTransaction(Work work, String sql, RunsAs as, boolean inDoubt) throws SQLException {
    Connection connection = connection(work.event());
    String searchPath = runAs.searchPath(connection, as.role(), as.searchPath());
    if (inDoubt) {
      String reason = InDoubtCheck.alreadyDone(connection, sql, as.role(), searchPath);
      if (reason != null) {
        markers.applied(connection, work);
        return Result.skipped("it took effect before the applier stopped (" + reason + ")");
      }
    } else {
      markers.inDoubt(connection, work);
    }
    runAsSessionUser(connection, sql, as, searchPath);
    markers.applied(connection, work);
    return Result.APPLIED;
  }

  /**
   * Runs a statement outside a transaction as the role, which is only safe for the statements named in the class
   * comment; the session is the applier's again after it (a failure discards the connection).
   */
  private static void runAsSessionUser(Connection c, String sql, RunsAs as, String searchPath)
      throws SQLException {
    try (Statement statement = c.createStatement()) {
      statement.setEscapeProcessing(false);
      statement.execute("SET SESSION AUTHORIZATION " + StandbyConnections.ident(as.role())
          + "; SELECT pg_catalog.set_config('search_path', " + StandbyConnections.literal(searchPath) + ", false)");
      StatementSettings.apply(c, as.settings(), false); // for the session: RESET ALL below
      statement.execute(sql);
      // as in RunAs: what the statement's code made for the session (a temporary type) goes before ddlcast's next
      statement.execute("RESET SESSION AUTHORIZATION; RESET ALL; DISCARD TEMP");
    }
  }

  /**
   * The standby's error for the event, as the applier logs and publishes it, secrets masked. PostgreSQL quotes the
   * statement RunAs's EXECUTE ran in the error's context as it is ({@code SQL statement "..."}, a {@code "} in it
   * escaped by nothing), so the message alone cannot tell where that statement ends: {@code ALTER ROLE x PASSWORD
   * 'a"b c'} read as text leaves {@code b c'} unmasked. The applier knows what it ran, so each occurrence of that
   * text (the event's statement, or the CREATE TABLE AS a SELECT INTO became) is replaced by the text masked first;
   * then the whole message is masked as any text (statements the statement's own code ran, quoted in the context
   * too).
   */
  static String errorMessage(SQLException e, DdlEvent event) {
    String message = e.getMessage();
    if (message != null && event != null && event.statement() != null) {
      message = maskEach(message, SelectInto.asCreateTableAs(event.statement()));
      message = maskEach(message, event.statement());
    }
    return Secrets.mask(message);
  }

  private static String maskEach(String message, String statement) {
    if (statement.isEmpty() || !message.contains(statement)) {
      return message;
    }
    return message.replace(statement, Secrets.mask(statement));
  }

  @Override
  public void close() {
    connections.close();
  }

  private Result skipped(Work work, String reason) throws SQLException {
    Connection plain = connection(work.event());
    AppliedMarkers.Marker marker = markers.read(plain, work);
    if (work.offset() <= marker.lastOffset()) {
      return Result.ALREADY_APPLIED;
    }
    markers.applied(plain, work);
    return Result.skipped(reason);
  }

  /** The connection the event's statements run on: its database's, or the maintenance one. */
  private Connection connection(DdlEvent event) throws SQLException {
    return event.scope() == Scope.CLUSTER ? connections.maintenance() : connections.database(event.database());
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      if (connection != null && !connection.isClosed()) {
        connection.rollback();
      }
    } catch (SQLException ignored) {
      // the connection is discarded anyway
    }
  }

  private boolean tablespaceExists(String name) throws SQLException {
    if (name == null) {
      return true;
    }
    try (PreparedStatement ps = connections.maintenance().prepareStatement(
        "SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The tablespace an ALTER/DROP TABLESPACE names. */
  private static String tablespaceName(String sql) {
    List<Token> tokens = SqlLexer.tokens(sql, 6);
    int k = 2;
    if (k < tokens.size() && tokens.get(k).is("IF")) {
      k += 2;
    }
    return k < tokens.size() ? tokens.get(k).identifier() : null;
  }
}
