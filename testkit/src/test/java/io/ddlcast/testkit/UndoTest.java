package io.ddlcast.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.catalog.CatalogObject;
import io.ddlcast.common.catalog.SchemaCatalog;
import io.ddlcast.common.catalog.SchemaDiff;
import io.ddlcast.common.catalog.Undo;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Undo.run} against a real PostgreSQL: the extras of a database (what an old primary has beyond the new
 * one) are dropped without CASCADE until its listing equals the expected one, or nothing is dropped at all.
 */
class UndoTest {
  private static LocalPostgres server;

  @BeforeAll
  static void create() {
    server = LocalPostgres.create("undo", PostgresOptions.standby());
    server.execute("postgres", "CREATE ROLE catalog_alice", "CREATE ROLE catalog_carol",
        "CREATE DATABASE base");
    server.execute("base", SchemaCatalogTest.RICH);
  }

  @AfterAll
  static void close() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void extrasAreDroppedDependentsFirstWithoutCascade() throws SQLException {
    server.execute("postgres", "CREATE DATABASE undo_all TEMPLATE base");
    List<CatalogObject> expected = database("undo_all");
    server.execute("undo_all",
        "CREATE TABLE app.extra (id integer PRIMARY KEY, name text, seq serial)",
        "CREATE INDEX extra_name_idx ON app.extra (name)",
        "CREATE VIEW app.extra_view AS SELECT id, name FROM app.extra",
        "CREATE VIEW app.extra_view2 AS SELECT id FROM app.extra_view",
        "CREATE TRIGGER extra_touch BEFORE UPDATE ON app.extra FOR EACH ROW EXECUTE FUNCTION app.trg()",
        "ALTER TABLE app.t ADD COLUMN extra_col app.mood DEFAULT 'ok'",
        "CREATE INDEX t_extra_col_idx ON app.t (extra_col)",
        "CREATE FUNCTION app.extra_f(app.extra) RETURNS integer LANGUAGE sql AS 'SELECT 1'",
        "CREATE SCHEMA \"Extra Schema\"",
        "CREATE TYPE \"Extra Schema\".\"Kind\" AS ENUM ('a')",
        "CREATE TABLE \"Extra Schema\".holder (k \"Extra Schema\".\"Kind\")",
        "CREATE POLICY extra_policy ON app.t FOR UPDATE USING (true)");
    SchemaDiff diff = SchemaDiff.of(expected, database("undo_all"));
    assertThat(diff.missing()).isEmpty();
    assertThat(diff.changed()).isEmpty();

    Undo.Result result;
    try (Connection c = server.connect("undo_all")) {
      result = Undo.run(c, diff);
      assertThat(c.getAutoCommit()).isTrue();
    }

    assertThat(result.failed()).isEmpty();
    assertThat(result.done()).isNotEmpty().noneMatch(s -> s.toUpperCase().contains("CASCADE"));
    assertThat(result.done()).contains("DROP TABLE IF EXISTS app.extra", "DROP SCHEMA IF EXISTS \"Extra Schema\"",
        "ALTER TABLE IF EXISTS app.t DROP COLUMN IF EXISTS extra_col");
    assertThat(SchemaDiff.of(expected, database("undo_all")).describe()).isEmpty();
  }

  @Test
  void everyKindOfTheListingIsUndone() throws SQLException {
    server.execute("postgres", "CREATE DATABASE undo_every");
    List<CatalogObject> expected = database("undo_every");
    server.execute("undo_every", SchemaCatalogTest.RICH);
    SchemaDiff diff = SchemaDiff.of(expected, database("undo_every"));
    assertThat(diff.extra()).hasSizeGreaterThan(50);

    Undo.Result result;
    try (Connection c = server.connect("undo_every")) {
      result = Undo.run(c, diff);
    }

    assertThat(result.failed()).isEmpty();
    assertThat(result.done()).contains("DROP EXTENSION IF EXISTS postgres_fdw",
        "DROP EVENT TRIGGER IF EXISTS user_evt", "DROP CAST IF EXISTS (app.pair AS pg_catalog.text)",
        "DROP OPERATOR IF EXISTS app.=== (integer,integer)", "DROP AGGREGATE IF EXISTS app.total(integer)",
        "DROP USER MAPPING IF EXISTS FOR catalog_alice SERVER remote", "DROP PUBLICATION IF EXISTS pub");
    assertThat(SchemaDiff.of(expected, database("undo_every")).describe()).isEmpty();
  }

  @Test
  void columnsOfAForeignTableAndOfAPartitionedTableAreUndone() throws SQLException {
    server.execute("postgres", "CREATE DATABASE undo_columns TEMPLATE base");
    List<CatalogObject> expected = database("undo_columns");
    server.execute("undo_columns", "ALTER TABLE app.ft ADD COLUMN b text OPTIONS (column_name 'bb')",
        "ALTER TABLE app.parted ADD COLUMN w integer", "ALTER TABLE app.child ADD CONSTRAINT k_small CHECK (k < 9)",
        "ALTER FOREIGN TABLE app.ft ADD CONSTRAINT a_positive CHECK (a > 0)");
    SchemaDiff diff = SchemaDiff.of(expected, database("undo_columns"));
    assertThat(diff.extra()).extracting(CatalogObject::key).containsExactly("column app.ft.b",
        "column app.parted.w", "column app.parted_eu.w", "constraint a_positive on app.ft",
        "constraint k_small on app.child");

    Undo.Result result;
    try (Connection c = server.connect("undo_columns")) {
      result = Undo.run(c, diff);
    }

    assertThat(result.failed()).isEmpty();
    assertThat(SchemaDiff.of(expected, database("undo_columns")).describe()).isEmpty();
  }

  @Test
  void aZeroArgumentAggregateIsUndone() throws SQLException {
    server.execute("postgres", "CREATE DATABASE undo_zero TEMPLATE base");
    List<CatalogObject> expected = database("undo_zero");
    server.execute("undo_zero", "CREATE FUNCTION app.inc(bigint) RETURNS bigint LANGUAGE sql AS 'SELECT $1 + 1'",
        "CREATE AGGREGATE app.counted(*) (sfunc = app.inc, stype = bigint, initcond = '0')");
    SchemaDiff diff = SchemaDiff.of(expected, database("undo_zero"));
    assertThat(diff.extra()).extracting(CatalogObject::key).containsExactly("aggregate app.counted()",
        "function app.inc(bigint)");

    Undo.Result result;
    try (Connection c = server.connect("undo_zero")) {
      result = Undo.run(c, diff);
    }

    assertThat(result.failed()).isEmpty();
    assertThat(result.done()).contains("DROP AGGREGATE IF EXISTS app.counted(*)");
    assertThat(SchemaDiff.of(expected, database("undo_zero")).describe()).isEmpty();
  }

  @Test
  void anOrderedSetAggregateIsUndone() throws SQLException {
    server.execute("postgres", "CREATE DATABASE undo_ordered TEMPLATE base");
    List<CatalogObject> expected = database("undo_ordered");
    server.execute("undo_ordered",
        "CREATE AGGREGATE app.ordered(integer ORDER BY integer) (sfunc = int4pl, stype = integer)");
    SchemaDiff diff = SchemaDiff.of(expected, database("undo_ordered"));
    assertThat(diff.extra()).extracting(CatalogObject::key).containsExactly("aggregate app.ordered(integer,integer)");

    Undo.Result result;
    try (Connection c = server.connect("undo_ordered")) {
      result = Undo.run(c, diff);
    }

    assertThat(result.failed()).isEmpty();
    assertThat(SchemaDiff.of(expected, database("undo_ordered")).describe()).isEmpty();
  }

  @Test
  void aDropAfterWhichTheObjectIsStillListedIsAFailure() throws SQLException {
    server.execute("postgres", "CREATE DATABASE undo_back TEMPLATE base");
    server.execute("undo_back", "CREATE FUNCTION app.again() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN "
        + "IF to_regprocedure('app.extra_f()') IS NULL THEN CREATE FUNCTION app.extra_f() RETURNS integer "
        + "LANGUAGE sql AS 'SELECT 1'; END IF; END$$",
        "CREATE EVENT TRIGGER again ON sql_drop EXECUTE FUNCTION app.again()");
    List<CatalogObject> expected = database("undo_back");
    server.execute("undo_back", "CREATE FUNCTION app.extra_f() RETURNS integer LANGUAGE sql AS 'SELECT 1'",
        "CREATE TABLE app.extra (id integer)");
    List<CatalogObject> before = database("undo_back");
    SchemaDiff diff = SchemaDiff.of(expected, before);

    Undo.Result result;
    try (Connection c = server.connect("undo_back")) {
      result = Undo.run(c, diff);
    }

    assertThat(result.failed()).containsExactly(
        "DROP FUNCTION IF EXISTS app.extra_f(): ran, but the database still lists function app.extra_f()");
    assertThat(database("undo_back")).as("rolled back, the table too").isEqualTo(before);
  }

  @Test
  void anUndoThatCannotFinishRollsBackAndReturnsTheFailure() throws SQLException {
    server.execute("postgres", "CREATE DATABASE undo_stuck TEMPLATE base");
    List<CatalogObject> expected = database("undo_stuck");
    server.execute("undo_stuck",
        "CREATE TABLE app.extra (id integer)",
        "CREATE OR REPLACE VIEW app.v AS SELECT t.id, t.name FROM app.t JOIN app.extra e ON e.id = t.id",
        "CREATE FUNCTION app.extra_f() RETURNS integer LANGUAGE sql AS 'SELECT 1'");
    List<CatalogObject> before = database("undo_stuck");
    SchemaDiff diff = SchemaDiff.of(expected, before);
    assertThat(diff.describe()).contains("extra     table app.extra (owner postgres)",
        "extra     function app.extra_f() (owner postgres)", "changed   view app.v: definition differs");

    Undo.Result result;
    try (Connection c = server.connect("undo_stuck")) {
      result = Undo.run(c, diff);
    }

    assertThat(result.failed()).singleElement().asString()
        .startsWith("DROP TABLE IF EXISTS app.extra: ")
        .contains("view app.v depends on table app.extra", "SQLState 2BP01");
    assertThat(result.done()).contains("DROP FUNCTION IF EXISTS app.extra_f()");
    assertThat(database("undo_stuck")).as("everything rolled back, the function too").isEqualTo(before);
  }

  @Test
  void anExtraTheDatabaseDoesNotListRunsNothing() throws SQLException {
    server.execute("postgres", "CREATE DATABASE undo_forged TEMPLATE base");
    List<CatalogObject> before = database("undo_forged");
    CatalogObject forged = new CatalogObject("table", "app.t", "postgres", "forged", null, null);
    CatalogObject absent = new CatalogObject("function", "app.f(text)", "postgres", null, null, null);
    Undo.Result result;
    try (Connection c = server.connect("undo_forged")) {
      result = Undo.run(c, new SchemaDiff(List.of(), List.of(absent, forged), List.of()));
    }
    assertThat(result.done()).isEmpty();
    assertThat(result.failed()).containsExactly(
        "DROP FUNCTION IF EXISTS app.f(text): not in this database's listing (function app.f(text))",
        "DROP TABLE IF EXISTS app.t: this database lists it differently now (table app.t)");
    assertThat(database("undo_forged")).isEqualTo(before);
  }

  private static List<CatalogObject> database(String name) throws SQLException {
    try (Connection c = server.connect(name)) {
      return SchemaCatalog.database(c);
    }
  }
}
