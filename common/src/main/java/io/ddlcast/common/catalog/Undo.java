package io.ddlcast.common.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Undoes the extras of a diff in one database (what an old primary has that the new one lacks, at
 * {@code ddlcast rejoin}): drops them, dependents first, never with {@code CASCADE}, so that nothing is dropped
 * that the diff did not name. Each statement is {@code DROP ... IF EXISTS} (or {@code ALTER TABLE IF EXISTS ...
 * DROP ... IF EXISTS}): an object an earlier drop already took with it (the index of a dropped table, the column of
 * a dropped parent, an identity sequence) counts as done. The parts of a table that is itself extra (its columns,
 * constraints, triggers, policies, rules) are left to its {@code DROP TABLE}.
 *
 * <p>Identities go into the statements only in the forms {@code pg_identify_object} writes ({@link IdentityText}
 * refuses anything else), and {@link #run} drops only objects its own listing of the database shows under the
 * same key, so a listing read from a topic cannot make it run a statement of its choosing. Cluster-wide kinds
 * (roles, memberships, databases, tablespaces) are not this class's: {@link #plan} leaves them out.
 */
public final class Undo {
  /** Statements run; statements that failed, each with its error. Non-empty {@code failed}: all was rolled back. */
  public record Result(List<String> done, List<String> failed) {
    public Result {
      done = List.copyOf(done);
      failed = List.copyOf(failed);
    }
  }

  /** One DROP of the plan, with the object it drops. */
  record Drop(CatalogObject object, String sql) {}

  /** Kinds of cluster-wide objects, which a database's undo does not drop. */
  static final Set<String> GLOBAL_KINDS = Set.of("role", "role membership", "database", "tablespace");

  /** Kinds in the order they are dropped (dependents first), with the statement that drops one. */
  private static final List<Map.Entry<String, Function<String, String>>> ORDER = List.of(
      Map.entry("event trigger", id -> "DROP EVENT TRIGGER IF EXISTS " + single(id)),
      Map.entry("trigger", id -> onTable("TRIGGER", id)),
      Map.entry("policy", id -> onTable("POLICY", id)),
      Map.entry("rule", id -> onTable("RULE", id)),
      Map.entry("publication", id -> "DROP PUBLICATION IF EXISTS " + single(id)),
      Map.entry("user mapping", Undo::userMapping),
      Map.entry("statistics object", id -> "DROP STATISTICS IF EXISTS " + qualified(id)),
      Map.entry("index", id -> "DROP INDEX IF EXISTS " + qualified(id)),
      Map.entry("constraint", Undo::constraint),
      Map.entry("materialized view", id -> "DROP MATERIALIZED VIEW IF EXISTS " + qualified(id)),
      Map.entry("view", id -> "DROP VIEW IF EXISTS " + qualified(id)),
      Map.entry("aggregate", Undo::aggregate),
      Map.entry("operator", Undo::operator),
      Map.entry("cast", id -> "DROP CAST IF EXISTS " + IdentityText.cast(id)),
      Map.entry("procedure", id -> "DROP PROCEDURE IF EXISTS " + IdentityText.signature(id)),
      Map.entry("function", id -> "DROP FUNCTION IF EXISTS " + IdentityText.signature(id)),
      Map.entry("column", Undo::column),
      Map.entry("foreign table", id -> "DROP FOREIGN TABLE IF EXISTS " + qualified(id)),
      Map.entry("table", id -> "DROP TABLE IF EXISTS " + qualified(id)),
      Map.entry("sequence", id -> "DROP SEQUENCE IF EXISTS " + qualified(id)),
      Map.entry("domain", id -> "DROP DOMAIN IF EXISTS " + qualified(id)),
      Map.entry("type", id -> "DROP TYPE IF EXISTS " + qualified(id)),
      Map.entry("collation", id -> "DROP COLLATION IF EXISTS " + qualified(id)),
      Map.entry("server", id -> "DROP SERVER IF EXISTS " + single(id)),
      Map.entry("foreign-data wrapper", id -> "DROP FOREIGN DATA WRAPPER IF EXISTS " + single(id)),
      Map.entry("extension", id -> "DROP EXTENSION IF EXISTS " + single(id)),
      Map.entry("schema", id -> "DROP SCHEMA IF EXISTS " + single(id)));

  /** Kinds whose identity names the relation they are part of: left to that relation's DROP when it is extra. */
  private static final Set<String> PARTS = Set.of("trigger", "policy", "rule", "constraint", "column");
  private static final Set<String> RELATIONS = Set.of("table", "foreign table", "view", "materialized view");

  private Undo() {}

  /**
   * The DROP statements for {@code diff.extra()} (objects of this database only), dependents first: trigger,
   * policy, rule, publication, user mapping, statistics, index, constraint, view, aggregate, operator, cast,
   * function, column, table, sequence, type, collation, server, wrapper, extension, schema.
   *
   * @throws IllegalArgumentException for a kind it does not know how to drop, or an identity not in a form
   *     {@code pg_identify_object} writes
   */
  public static List<String> plan(SchemaDiff diff) {
    return drops(diff).stream().map(Drop::sql).toList();
  }

  static List<Drop> drops(SchemaDiff diff) {
    Set<String> extraRelations = new HashSet<>();
    for (CatalogObject o : diff.extra()) {
      if (RELATIONS.contains(o.kind())) {
        extraRelations.add(o.identity());
      }
    }
    List<Drop> drops = new ArrayList<>();
    for (CatalogObject o : diff.extra()) {
      if (GLOBAL_KINDS.contains(o.kind())) {
        continue;
      }
      Function<String, String> statement = statementFor(o.kind());
      String sql = statement.apply(o.identity());
      if (PARTS.contains(o.kind()) && extraRelations.contains(relationOf(o))) {
        continue;
      }
      drops.add(new Drop(o, sql));
    }
    drops.sort(Comparator.comparingInt((Drop d) -> rank(d.object().kind())).thenComparing(d -> d.object().key()));
    return drops;
  }

  /**
   * Runs {@link #plan} on {@code c} (in auto-commit mode; left so) in one transaction, each statement in a
   * savepoint. A statement that fails (something still depends on what it drops, an inherited part whose parent
   * is dropped later) is tried again after the others, in rounds until a round drops nothing more. Commits only
   * if every statement worked and the database, listed again, no longer shows any of the extras; otherwise rolls
   * everything back and returns the failures. An extra that the
   * database's own listing does not show exactly so (same key, owner, definition, privileges, comment) is a
   * failure before anything runs: a diff read from a topic, or an old one, drops nothing it did not describe.
   */
  public static Result run(Connection c, SchemaDiff diff) throws SQLException {
    if (!c.getAutoCommit()) {
      throw new IllegalStateException("Undo.run needs a connection in auto-commit mode");
    }
    List<Drop> drops = drops(diff);
    c.setAutoCommit(false);
    try {
      List<String> unlisted = unlisted(c, drops);
      if (!unlisted.isEmpty()) {
        c.rollback();
        return new Result(List.of(), unlisted);
      }
      return rounds(c, drops);
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** The drops whose object this database, in this transaction, does not list exactly as the diff does. */
  private static List<String> unlisted(Connection c, List<Drop> drops) throws SQLException {
    Map<String, CatalogObject> live = new HashMap<>();
    for (CatalogObject o : SchemaCatalog.database(c)) {
      live.put(o.key(), o);
    }
    List<String> failed = new ArrayList<>();
    for (Drop d : drops) {
      CatalogObject now = live.get(d.object().key());
      if (!d.object().equals(now)) {
        failed.add(d.sql() + ": " + (now == null ? "not in this database's listing"
            : "this database lists it differently now") + " (" + d.object().key() + ")");
      }
    }
    return failed;
  }

  private static Result rounds(Connection c, List<Drop> drops) throws SQLException {
    List<Drop> pending = drops;
    List<String> done = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCAL search_path = pg_catalog, pg_temp");
      boolean progress = true;
      while (!pending.isEmpty() && progress) {
        List<Drop> next = new ArrayList<>();
        errors.clear();
        for (Drop d : pending) {
          Savepoint sp = c.setSavepoint();
          try {
            s.execute(d.sql());
            c.releaseSavepoint(sp);
            done.add(d.sql());
          } catch (SQLException e) {
            c.rollback(sp);
            next.add(d);
            errors.add(d.sql() + ": " + e.getMessage() + " (SQLState " + e.getSQLState() + ")");
          }
        }
        progress = next.size() < pending.size();
        pending = next;
      }
      if (pending.isEmpty()) {
        errors.addAll(stillListed(c, drops));
      }
      if (pending.isEmpty() && errors.isEmpty()) {
        c.commit();
        return new Result(done, List.of());
      }
      c.rollback();
      return new Result(done, errors);
    }
  }

  /**
   * The drops whose object the database still lists after they ran: {@code IF EXISTS} lets a statement pass that
   * named no object (an ordered-set aggregate, which pg_identify_object writes without its {@code ORDER BY}).
   */
  private static List<String> stillListed(Connection c, List<Drop> drops) throws SQLException {
    Set<String> keys = new HashSet<>();
    for (CatalogObject o : SchemaCatalog.database(c)) {
      keys.add(o.key());
    }
    List<String> failed = new ArrayList<>();
    for (Drop d : drops) {
      if (keys.contains(d.object().key())) {
        failed.add(d.sql() + ": ran, but the database still lists " + d.object().key());
      }
    }
    return failed;
  }

  private static Function<String, String> statementFor(String kind) {
    for (Map.Entry<String, Function<String, String>> e : ORDER) {
      if (e.getKey().equals(kind)) {
        return e.getValue();
      }
    }
    throw new IllegalArgumentException("cannot undo an object of kind '" + kind + "': no DROP known for it");
  }

  private static int rank(String kind) {
    for (int i = 0; i < ORDER.size(); i++) {
      if (ORDER.get(i).getKey().equals(kind)) {
        return i;
      }
    }
    throw new IllegalArgumentException("cannot undo an object of kind '" + kind + "'");
  }

  private static String relationOf(CatalogObject part) {
    if (part.kind().equals("column")) {
      List<String> names = IdentityText.qualified(part.identity(), 2, 3);
      return String.join(".", names.subList(0, names.size() - 1));
    }
    return IdentityText.on(part.identity()).get(1);
  }

  private static String single(String identity) {
    return IdentityText.qualified(identity, 1, 1).get(0);
  }

  private static String qualified(String identity) {
    return String.join(".", IdentityText.qualified(identity, 1, 3));
  }

  private static String onTable(String what, String identity) {
    List<String> parts = IdentityText.on(identity);
    return "DROP " + what + " IF EXISTS " + parts.get(0) + " ON " + parts.get(1);
  }

  private static String constraint(String identity) {
    List<String> parts = IdentityText.on(identity);
    return "ALTER TABLE IF EXISTS " + parts.get(1) + " DROP CONSTRAINT IF EXISTS " + parts.get(0);
  }

  private static String column(String identity) {
    List<String> names = IdentityText.qualified(identity, 2, 3);
    return "ALTER TABLE IF EXISTS " + String.join(".", names.subList(0, names.size() - 1))
        + " DROP COLUMN IF EXISTS " + names.get(names.size() - 1);
  }

  private static String userMapping(String identity) {
    List<String> parts = IdentityText.userMapping(identity);
    return "DROP USER MAPPING IF EXISTS FOR " + parts.get(0) + " SERVER " + parts.get(1);
  }

  /** pg_identify_object writes an aggregate of no arguments as {@code name()}; DROP AGGREGATE wants {@code (*)}. */
  private static String aggregate(String identity) {
    String signature = IdentityText.signature(identity);
    return "DROP AGGREGATE IF EXISTS " + (signature.endsWith("()")
        ? signature.substring(0, signature.length() - 2) + "(*)" : signature);
  }

  private static String operator(String identity) {
    List<String> parts = IdentityText.operator(identity);
    return "DROP OPERATOR IF EXISTS " + parts.get(0) + " " + parts.get(1);
  }
}
