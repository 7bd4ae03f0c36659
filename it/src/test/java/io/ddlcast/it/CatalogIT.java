package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.catalog.CatalogObject;
import io.ddlcast.common.catalog.SchemaCatalog;
import io.ddlcast.common.catalog.SchemaDiff;
import io.ddlcast.common.catalog.Undo;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The schema listing of {@code rejoin} and {@code verify} on a standby ddlcast filled: once the standby converged
 * (by {@code pg_dump}), {@code SchemaCatalog} lists primary and standby equal, with equal digests, although the
 * standby's databases hold the applier's marker table and role functions and the primary's hold the helper.
 * Then, as an old primary that went on alone would, the standby gets objects of its own; their diff names exactly
 * them, and {@code Undo} takes them back out until the listings are equal again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogIT {
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  /** Most kinds the listing holds, as a user of the primary would make them. */
  private static final String[] RICH = {
      "CREATE SCHEMA app AUTHORIZATION catalog_alice",
      "CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy')",
      "CREATE TYPE app.pair AS (a integer, b text COLLATE \"C\")",
      "CREATE DOMAIN app.posint AS integer NOT NULL DEFAULT 1 CONSTRAINT positive CHECK (VALUE > 0)",
      "CREATE TYPE app.span AS RANGE (subtype = integer)",
      "CREATE SEQUENCE app.seq START 5 INCREMENT 2 MAXVALUE 1000 CYCLE",
      "CREATE TABLE app.t (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL DEFAULT 'x', "
          + "m app.mood, at timestamptz DEFAULT '2024-01-01 12:00:00+02', n integer DEFAULT nextval('app.seq'))",
      "CREATE TABLE app.child (id integer REFERENCES app.t (id), k app.posint, UNIQUE (id, k))",
      "CREATE TABLE app.parted (region text, v integer) PARTITION BY LIST (region)",
      "CREATE TABLE app.parted_eu PARTITION OF app.parted FOR VALUES IN ('eu')",
      "CREATE INDEX t_name_idx ON app.t (lower(name)) WHERE id > 10",
      "CREATE VIEW app.v AS SELECT id, name FROM app.t WHERE id > 0",
      "CREATE MATERIALIZED VIEW app.mv AS SELECT count(*) AS c FROM app.t",
      "CREATE FUNCTION app.f(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1 + 1'",
      "CREATE AGGREGATE app.total(integer) (sfunc = int4pl, stype = integer, initcond = '0')",
      "CREATE FUNCTION app.trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$",
      "CREATE TRIGGER t_touch BEFORE UPDATE ON app.t FOR EACH ROW EXECUTE FUNCTION app.trg()",
      "ALTER TABLE app.t ENABLE ROW LEVEL SECURITY",
      "CREATE POLICY own ON app.t FOR SELECT TO catalog_alice USING (name = current_user)",
      "CREATE EXTENSION postgres_fdw",
      "CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'example.org', dbname 'x')",
      "CREATE FOREIGN TABLE app.ft (a integer OPTIONS (column_name 'aa')) SERVER remote "
          + "OPTIONS (table_name 'remote_t')",
      "CREATE OPERATOR app.=== (leftarg = integer, rightarg = integer, function = int4eq)",
      "GRANT SELECT ON app.t TO catalog_alice",
      "COMMENT ON TABLE app.t IS 'the table'",
      "COMMENT ON COLUMN app.t.name IS 'its name'",
  };

  private Pipeline pipeline;
  private PostgresServer primary;
  private PostgresServer standby;

  @BeforeAll
  void start() {
    pipeline = new Pipeline("CatalogIT", "standby1");
    primary = pipeline.primary;
    standby = pipeline.standby("standby1");
    assertThat(pipeline.installHelper()).contains("installed");
    pipeline.startProducer();
    pipeline.startApplier("standby1");
    primary.execute("postgres", "CREATE ROLE catalog_alice", "CREATE DATABASE shop");
    primary.execute("shop", RICH);
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby);
  }

  @AfterAll
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void aConvergedStandbyListsAsThePrimary() throws SQLException {
    List<CatalogObject> onPrimary = database(primary, "shop");
    List<CatalogObject> onStandby = database(standby, "shop");
    assertThat(SchemaDiff.of(onPrimary, onStandby).describe()).isEmpty();
    assertThat(SchemaCatalog.digest(onStandby)).isEqualTo(SchemaCatalog.digest(onPrimary));
    assertThat(onPrimary).extracting(CatalogObject::key).contains("table app.t", "column app.t.name",
        "foreign table app.ft", "server remote", "operator app.===(integer,integer)");
    assertThat(standby.query("shop", "SELECT count(*) FROM pg_namespace WHERE nspname = 'ddlcast'"))
        .containsExactly("1");

    List<CatalogObject> globalsOnPrimary = globals(primary);
    assertThat(globalsOnPrimary).extracting(CatalogObject::key).contains("role catalog_alice", "database shop");
    assertThat(SchemaDiff.of(globalsOnPrimary, globals(standby)).describe()).isEmpty();
  }

  @Test
  void whatOnlyTheStandbyHasIsNamedAndUndone() throws SQLException {
    primary.execute("postgres", "CREATE DATABASE ahead");
    primary.execute("ahead", RICH);
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby);
    List<CatalogObject> expected = database(primary, "ahead");
    standby.execute("ahead",
        "CREATE TABLE app.local (id integer PRIMARY KEY, t integer REFERENCES app.t (id))",
        "CREATE INDEX local_t_idx ON app.local (t)",
        "CREATE VIEW app.local_v AS SELECT id FROM app.local",
        "ALTER TABLE app.t ADD COLUMN local_col app.mood",
        "CREATE FUNCTION app.local_f() RETURNS integer LANGUAGE sql AS 'SELECT 1'",
        "CREATE SCHEMA local_s",
        "CREATE TYPE local_s.k AS ENUM ('a')");

    SchemaDiff diff = SchemaDiff.of(expected, database(standby, "ahead"));
    assertThat(diff.missing()).isEmpty();
    assertThat(diff.changed()).isEmpty();
    assertThat(diff.extra()).extracting(CatalogObject::key).containsExactly("column app.local.id",
        "column app.local.t", "column app.t.local_col", "constraint local_pkey on app.local",
        "constraint local_t_fkey on app.local", "function app.local_f()", "index app.local_t_idx", "schema local_s",
        "table app.local", "type local_s.k", "view app.local_v");

    Undo.Result result;
    try (Connection c = standby.connect("ahead")) {
      result = Undo.run(c, diff);
    }
    assertThat(result.failed()).isEmpty();
    assertThat(SchemaDiff.of(expected, database(standby, "ahead")).describe()).isEmpty();
  }

  private static List<CatalogObject> database(PostgresServer server, String name) throws SQLException {
    try (Connection c = server.connect(name)) {
      return SchemaCatalog.database(c);
    }
  }

  private static List<CatalogObject> globals(PostgresServer server) throws SQLException {
    try (Connection c = server.connect("postgres")) {
      return SchemaCatalog.globals(c);
    }
  }
}
