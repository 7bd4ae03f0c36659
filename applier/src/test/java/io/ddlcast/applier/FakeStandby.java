package io.ddlcast.applier;

import io.ddlcast.common.jdbc.PgUrl;
import io.ddlcast.common.sql.SqlLexer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A standby made of recording {@link Connection} proxies, for {@link StandbyConnections.Opener}: every statement
 * part (as {@link SqlLexer#split} splits a string) is logged with its database, its transaction (null in
 * auto-commit) and the session's role and search_path at that moment, as the applier's SET/RESET statements left
 * them. A call of a {@link RunAs} function that the applier made for the role (and a test did not tamper with) logs
 * the statement it runs, with the function's owner as role and the path it was given (or the role's default). It
 * keeps the {@code ddlcast.applied} rows and the functions (written on commit, dropped on rollback), answers the
 * catalog lookups the applier makes (tablespaces, databases, owners, default search paths), and fails the
 * statements a test names. Any other JDBC call fails the test.
 */
final class FakeStandby {
  /**
   * A session's session user, current role and search_path (null: the applier's own); a statement a RunAs
   * function ran has the applier as session user and the function's owner as role.
   */
  record Session(String sessionRole, String role, String searchPath) {
    static final Session APPLIER = new Session(null, null, null);
  }

  /** One statement part as the standby received it. */
  record Sql(String database, String sql, Integer transaction, Session session, List<Object> params) {
    boolean inTransaction() {
      return transaction != null;
    }
  }

  /** A row of ddlcast.applied. */
  record Marker(long lastOffset, long inDoubt) {}

  private record MarkerKey(String database, String lane, String topic, int partition) {}

  private record FunctionKey(String database, String name) {}

  /** The search_path the fake's roles start with. */
  static final String DEFAULT_SEARCH_PATH = "\"$user\", public";

  private static final Pattern INLINE_UPSERT = Pattern.compile("INSERT INTO ddlcast\\.applied .* VALUES \\("
      + "E'((?:[^']|'')*)', E'((?:[^']|'')*)', (\\d+), (-?\\d+), E'(?:[^']|'')*', NULL, "
      + "pg_catalog\\.now\\(\\)\\).*");
  private static final Pattern CALL =
      Pattern.compile("WITH a AS MATERIALIZED .* THEN ddlcast\\.(run_as_\\w+)\\(a\\.s, a\\.p\\) END .*");
  private static final Pattern OWNER =
      Pattern.compile("ALTER FUNCTION ddlcast\\.(run_as_\\w+)\\(pg_catalog\\.text, pg_catalog\\.text\\) OWNER TO (.+)");

  private final List<Sql> log = Collections.synchronizedList(new ArrayList<>());
  private final Map<MarkerKey, Marker> markers = new HashMap<>();
  private final Map<FunctionKey, String> functionOwners = new HashMap<>();
  private final Set<FunctionKey> tampered = new HashSet<>();
  private final Set<String> refusingFunctions = new HashSet<>();
  private final List<String> installs = new ArrayList<>();
  private final List<Marker> markerWrites = new ArrayList<>();
  private final Set<String> tablespaces = new HashSet<>();
  private final Set<String> databases = new HashSet<>(Set.of("postgres"));
  private final Map<String, String> failures = new HashMap<>();
  private final Map<String, String> failuresInTransaction = new HashMap<>();
  private final List<String> opened = new ArrayList<>();
  private final List<String> closed = new ArrayList<>();
  private final AtomicInteger transactions = new AtomicInteger();
  private final AtomicInteger fileSearchPathReads = new AtomicInteger();

  // --- what a test sets up ---

  synchronized void marker(String database, String lane, long lastOffset, long inDoubt) {
    markers.put(new MarkerKey(database, lane, TestEvents.TOPIC, TestEvents.TP.partition()),
        new Marker(lastOffset, inDoubt));
  }

  synchronized void tablespace(String name) {
    tablespaces.add(name);
  }

  synchronized void database(String name) {
    databases.add(name);
  }

  /** The role changed its RunAs function in the database (SECURITY INVOKER, ...): calls find it wrong till remade. */
  synchronized void tamperWithFunction(String database, String role) {
    tampered.add(new FunctionKey(database, RunAs.functionName(role)));
  }

  /** The role dropped its RunAs function in the database (DROP OWNED, SET SCHEMA elsewhere). */
  synchronized void dropFunction(String database, String role) {
    functionOwners.remove(new FunctionKey(database, RunAs.functionName(role)));
  }

  /** Every RunAs function in the database is found wrong, even one just made. */
  synchronized void refuseFunctions(String database) {
    refusingFunctions.add(database);
  }

  /** The statement fails with this SQLSTATE wherever it runs. */
  synchronized void fail(String sql, String sqlState) {
    failures.put(sql, sqlState);
  }

  /** The statement fails with this SQLSTATE inside a transaction block (as 25001 does). */
  synchronized void failInTransaction(String sql, String sqlState) {
    failuresInTransaction.put(sql, sqlState);
  }

  // --- what a test reads ---

  List<Sql> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /** The log of one database, without the applier's bookkeeping (its CREATE TABLE IF NOT EXISTS, savepoints). */
  List<Sql> log(String database) {
    return log().stream().filter(s -> s.database().equals(database)).filter(s -> !isBookkeeping(s.sql())).toList();
  }

  /** The statements run in a database, in order, without the marker's and the session's. */
  List<String> ddl(String database) {
    return log(database).stream().map(Sql::sql).filter(sql -> !sql.contains("ddlcast.applied")
        && !sql.startsWith("SET ") && !sql.startsWith("RESET ") && !sql.equals("DISCARD TEMP")
        && !sql.startsWith("SELECT pg_catalog.set_config")
        && !sql.startsWith("SELECT 1 FROM pg_catalog.") && !sql.equals("COMMIT") && !sql.equals("ROLLBACK"))
        .toList();
  }

  synchronized Marker marker(String database, String lane) {
    return markers.get(new MarkerKey(database, lane, TestEvents.TOPIC, TestEvents.TP.partition()));
  }

  /** Every marker row written, in order (committed or not). */
  synchronized List<Marker> markerWrites() {
    return List.copyOf(markerWrites);
  }

  /** "database:role" for each RunAs function the applier made (or made again), in order. */
  synchronized List<String> installs() {
    return List.copyOf(installs);
  }

  /** How often the applier read the configuration file's search_path. */
  int fileSearchPathReads() {
    return fileSearchPathReads.get();
  }

  synchronized List<String> opened() {
    return List.copyOf(opened);
  }

  synchronized List<String> closed() {
    return List.copyOf(closed);
  }

  /** The applier's own statements: markers' table and owners, RunAs functions and calls, default paths. */
  static boolean isBookkeeping(String sql) {
    return sql.startsWith("CREATE SCHEMA IF NOT EXISTS ddlcast") || sql.startsWith("CREATE TABLE IF NOT EXISTS "
        + "ddlcast.applied") || sql.startsWith("COMMENT ON TABLE ddlcast.applied") || sql.contains("SAVEPOINT")
        || sql.startsWith("SELECT r.rolname, r.rolsuper") || sql.startsWith("SELECT r.rolsuper, r.rolname")
        || sql.contains("FUNCTION ddlcast.run_as_") || sql.startsWith("WITH a AS MATERIALIZED")
        || sql.startsWith("SELECT coalesce(") || sql.startsWith("SELECT pg_catalog.to_regprocedure(");
  }

  // --- JDBC ---

  Connection open(PgUrl url) {
    synchronized (this) {
      opened.add(url.database());
    }
    return proxy(Connection.class, new FakeConnection(url.database()));
  }

  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(Proxy.newProxyInstance(FakeStandby.class.getClassLoader(), new Class<?>[] {type}, handler));
  }

  /** Answers what every proxy must (identity: the applier keeps connections in a WeakHashMap). */
  private abstract static class Handler implements InvocationHandler {
    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      Object[] a = args == null ? new Object[0] : args;
      switch (method.getName()) {
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == a[0];
        case "toString":
          return getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(proxy));
        default:
          return handle(method.getName(), a);
      }
    }

    abstract Object handle(String method, Object[] args) throws SQLException;

    static UnsupportedOperationException unsupported(String method) {
      return new UnsupportedOperationException("FakeStandby does not fake " + method + "()");
    }
  }

  private final class FakeConnection extends Handler {
    private final String database;
    private boolean autoCommit = true;
    private boolean isClosed;
    private Integer transaction;
    private boolean dirty;
    private Session session = Session.APPLIER;
    private final List<Runnable> pendingWrites = new ArrayList<>();
    private final List<Runnable> undoOnRollback = new ArrayList<>();

    FakeConnection(String database) {
      this.database = database;
    }

    @Override
    Object handle(String method, Object[] args) throws SQLException {
      switch (method) {
        case "setAutoCommit":
          setAutoCommit((Boolean) args[0]);
          return null;
        case "getAutoCommit":
          return autoCommit;
        case "commit":
          end("COMMIT");
          return null;
        case "rollback":
          end("ROLLBACK");
          return null;
        case "isClosed":
          return isClosed;
        case "close":
          if (!isClosed) {
            isClosed = true;
            synchronized (FakeStandby.this) {
              closed.add(database);
            }
          }
          return null;
        case "createStatement":
          return proxy(Statement.class, new FakeStatement(this, null));
        case "prepareStatement":
          return proxy(PreparedStatement.class, new FakeStatement(this, (String) args[0]));
        default:
          throw unsupported(method);
      }
    }

    private void setAutoCommit(boolean on) {
      if (on && !autoCommit && dirty) {
        end("COMMIT");
      }
      autoCommit = on;
      transaction = on ? null : transactions.incrementAndGet();
    }

    private void end(String how) {
      log.add(new Sql(database, how, transaction, session, List.of()));
      synchronized (FakeStandby.this) {
        if (how.equals("COMMIT")) {
          pendingWrites.forEach(Runnable::run);
        } else {
          for (int i = undoOnRollback.size() - 1; i >= 0; i--) {
            undoOnRollback.get(i).run();
          }
        }
      }
      pendingWrites.clear();
      undoOnRollback.clear();
      dirty = false;
      transaction = autoCommit ? null : transactions.incrementAndGet();
    }

    /** Runs one statement part; returns its rows for a query. */
    List<Object[]> run(String sql, List<Object> params) throws SQLException {
      if (isClosed) {
        throw new SQLException("This connection has been closed.", "08003");
      }
      log.add(new Sql(database, sql, transaction, session, params));
      dirty |= transaction != null;
      failIfNamed(sql);
      Matcher call = CALL.matcher(sql);
      if (call.matches()) {
        return call(call.group(1), params);
      }
      session = sessionAfter(sql);
      return answer(sql, params);
    }

    private void failIfNamed(String sql) throws SQLException {
      String state;
      synchronized (FakeStandby.this) {
        state = failures.getOrDefault(sql, transaction == null ? null : failuresInTransaction.get(sql));
      }
      if (state != null) {
        throw new SQLException("the fake standby fails \"" + sql + "\"", state);
      }
    }

    /** A RunAs call: runs the statement as the function's owner if the function is as the applier made it. */
    private List<Object[]> call(String function, List<Object> params) throws SQLException {
      String statement = (String) params.get(0);
      String path = params.get(1) == null ? DEFAULT_SEARCH_PATH : (String) params.get(1);
      String role = (String) params.get(3);
      FunctionKey key = new FunctionKey(database, function);
      synchronized (FakeStandby.this) {
        if (!functionOwners.containsKey(key)) { // PostgreSQL resolves the name before the CASE
          throw new SQLException("ERROR: function ddlcast." + function + "(pg_catalog.text, pg_catalog.text) does not "
              + "exist", "42883");
        }
        if (!role.equals(functionOwners.get(key)) || tampered.contains(key) || refusingFunctions.contains(database)
            || !RunAs.BODY.equals(params.get(4))) {
          return List.<Object[]>of(new Object[] {null});
        }
      }
      log.add(new Sql(database, statement, transaction, new Session(session.sessionRole(), role, path), List.of()));
      failIfNamed(statement);
      return List.<Object[]>of(new Object[] {true});
    }

    private Session sessionAfter(String sql) {
      if (sql.startsWith("SET SESSION AUTHORIZATION ")) {
        return new Session(unquote(sql.substring("SET SESSION AUTHORIZATION ".length())), null, session.searchPath());
      } else if (sql.equals("RESET SESSION AUTHORIZATION")) {
        return new Session(null, null, session.searchPath());
      } else if (sql.startsWith("SET ROLE ")) {
        return new Session(session.sessionRole(), unquote(sql.substring("SET ROLE ".length())), session.searchPath());
      } else if (sql.equals("RESET ROLE")) {
        return new Session(session.sessionRole(), null, session.searchPath());
      } else if (sql.startsWith("SELECT pg_catalog.set_config('search_path', E'")) {
        String value = sql.substring("SELECT pg_catalog.set_config('search_path', E'".length(),
            sql.lastIndexOf("', false)"));
        return new Session(session.sessionRole(), session.role(), value.replace("''", "'").replace("\\\\", "\\"));
      } else if (sql.equals("RESET search_path") || sql.equals("RESET ALL")) {
        return new Session(session.sessionRole(), session.role(), null);
      }
      return session;
    }

    private List<Object[]> answer(String sql, List<Object> params) {
      synchronized (FakeStandby.this) {
        if (sql.startsWith("SELECT last_offset")) {
          Marker m = markers.get(new MarkerKey(database, (String) params.get(0), (String) params.get(1),
              (Integer) params.get(2)));
          return m == null ? List.of() : List.<Object[]>of(new Object[] {m.lastOffset(), m.inDoubt()});
        } else if (sql.startsWith("INSERT INTO ddlcast.applied AS a (lane, topic, kafka_partition, last_offset, "
            + "event_id, in_doubt_offset, applied_at) VALUES (?")) {
          Object inDoubt = params.get(5);
          write(new MarkerKey(database, (String) params.get(0), (String) params.get(1), (Integer) params.get(2)),
              new Marker((Long) params.get(3), inDoubt == null ? -1 : (Long) inDoubt));
        } else if (sql.startsWith("INSERT INTO ddlcast.applied")) {
          Matcher m = INLINE_UPSERT.matcher(sql);
          if (!m.matches()) {
            throw new AssertionError("FakeStandby cannot read this marker write: " + sql);
          }
          write(new MarkerKey(database, m.group(1).replace("''", "'"), m.group(2).replace("''", "'"),
              Integer.parseInt(m.group(3))), new Marker(Long.parseLong(m.group(4)), -1));
        } else if (sql.startsWith("SELECT r.rolname, r.rolsuper")) { // the markers' schema and table: ddlcast's
          return List.<Object[]>of(new Object[] {"ddlcast", true});
        } else if (sql.startsWith("SELECT r.rolsuper, r.rolname")) { // schema ddlcast, before a function is made
          return List.<Object[]>of(new Object[] {true, "ddlcast"});
        } else if (sql.equals("SELECT pg_catalog.to_regprocedure(?) IS NOT NULL")) {
          String name = ((String) params.get(0))
              .replaceAll("^ddlcast\\.|\\(pg_catalog\\.text,pg_catalog\\.text\\)$", "");
          return List.<Object[]>of(new Object[] {functionOwners.containsKey(new FunctionKey(database, name))});
        } else if (sql.equals(RunAs.FILE_SEARCH_PATH)) {
          fileSearchPathReads.incrementAndGet();
          return List.<Object[]>of(new Object[] {DEFAULT_SEARCH_PATH});
        } else if (sql.startsWith("SELECT coalesce(")) {
          return List.<Object[]>of(new Object[] {params.get(0) == null ? DEFAULT_SEARCH_PATH : params.get(0)});
        } else if (sql.startsWith("CREATE OR REPLACE FUNCTION ddlcast.run_as_")) {
          return List.of();
        } else if (OWNER.matcher(sql).matches()) {
          Matcher m = OWNER.matcher(sql);
          m.matches();
          FunctionKey key = new FunctionKey(database, m.group(1));
          String owner = unquote(m.group(2));
          installs.add(database + ":" + owner);
          String before = functionOwners.put(key, owner); // seen at once in its own transaction
          boolean wasTampered = tampered.remove(key);
          if (transaction != null) {
            undoOnRollback.add(() -> {
              functionOwners.remove(key);
              if (before != null) {
                functionOwners.put(key, before);
              }
              if (wasTampered) {
                tampered.add(key);
              }
            });
          }
        } else if (sql.equals("SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = ?")) {
          return tablespaces.contains((String) params.get(0)) ? List.<Object[]>of(new Object[] {1}) : List.of();
        } else if (sql.equals("SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?")) {
          return databases.contains((String) params.get(0)) ? List.<Object[]>of(new Object[] {1}) : List.of();
        }
        return List.of();
      }
    }

    private void write(MarkerKey key, Marker marker) {
      markerWrites.add(marker);
      if (transaction == null) {
        markers.put(key, marker);
      } else {
        pendingWrites.add(() -> markers.put(key, marker));
      }
    }
  }

  private static String unquote(String ident) {
    return ident.startsWith("\"") ? ident.substring(1, ident.length() - 1).replace("\"\"", "\"") : ident;
  }

  /** A Statement, or a PreparedStatement when it has its SQL from the start. */
  private static final class FakeStatement extends Handler {
    private final FakeConnection connection;
    private final String prepared;
    private final Object[] params = new Object[16];

    FakeStatement(FakeConnection connection, String prepared) {
      this.connection = connection;
      this.prepared = prepared;
    }

    @Override
    Object handle(String method, Object[] args) throws SQLException {
      switch (method) {
        case "setEscapeProcessing":
        case "close":
          return null;
        case "setString":
        case "setBoolean":
        case "setInt":
        case "setLong":
          params[(Integer) args[0] - 1] = args[1];
          return null;
        case "setNull":
          params[(Integer) args[0] - 1] = null;
          return null;
        case "execute":
          if (prepared != null) { // each part gets the parameters its placeholders take, in order
            List<Object> all = parameters();
            int used = 0;
            for (String part : SqlLexer.split(prepared)) {
              int n = (int) part.chars().filter(c -> c == '?').count();
              connection.run(part, all.subList(used, used + n));
              used += n;
            }
            return false;
          }
          for (String part : SqlLexer.split((String) args[0])) {
            connection.run(part, List.of());
          }
          return false;
        case "executeUpdate":
          connection.run(prepared, parameters());
          return 1;
        case "executeQuery":
          if (prepared == null) {
            List<String> parts = SqlLexer.split((String) args[0]);
            List<Object[]> rows = List.of();
            for (String part : parts) {
              rows = connection.run(part, List.of());
            }
            return proxy(ResultSet.class, new FakeResultSet(rows));
          }
          return proxy(ResultSet.class, new FakeResultSet(connection.run(prepared, parameters())));
        default:
          throw unsupported(method);
      }
    }

    private List<Object> parameters() {
      int n = (int) prepared.chars().filter(c -> c == '?').count();
      return Collections.unmodifiableList(Arrays.asList(Arrays.copyOf(params, n)));
    }
  }

  private static final class FakeResultSet extends Handler {
    private final List<Object[]> rows;
    private int row = -1;

    FakeResultSet(List<Object[]> rows) {
      this.rows = rows;
    }

    @Override
    Object handle(String method, Object[] args) {
      switch (method) {
        case "next":
          return ++row < rows.size();
        case "getLong":
          return ((Number) rows.get(row)[(Integer) args[0] - 1]).longValue();
        case "getBoolean":
          return Boolean.TRUE.equals(rows.get(row)[(Integer) args[0] - 1]);
        case "getString":
          return (String) rows.get(row)[(Integer) args[0] - 1];
        case "close":
          return null;
        default:
          throw unsupported(method);
      }
    }
  }
}
