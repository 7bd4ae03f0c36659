package io.ddlcast.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.catalog.CatalogObject;
import io.ddlcast.common.catalog.SchemaCatalog;
import io.ddlcast.common.catalog.SchemaDiff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code SchemaCatalog} and {@code SchemaDiff} against a real PostgreSQL: one cluster, each case in its own
 * databases (copies of {@code base} where a case changes one thing).
 */
class SchemaCatalogTest {
  /** DDL of most kinds the listing holds. */
  static final String[] RICH = {
      "CREATE SCHEMA app AUTHORIZATION catalog_alice",
      "CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy')",
      "CREATE TYPE app.pair AS (a integer, b text COLLATE \"C\")",
      "CREATE DOMAIN app.posint AS integer NOT NULL DEFAULT 1 CONSTRAINT positive CHECK (VALUE > 0)",
      "CREATE TYPE app.span AS RANGE (subtype = integer)",
      "CREATE SEQUENCE app.seq START 5 INCREMENT 2 MAXVALUE 1000 CYCLE",
      "CREATE TABLE app.t (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL DEFAULT 'x', "
          + "m app.mood, at timestamptz DEFAULT '2024-01-01 12:00:00+02', total numeric(10,2) GENERATED ALWAYS "
          + "AS (id * 2) STORED, n integer DEFAULT nextval('app.seq'), CONSTRAINT name_len "
          + "CHECK (length(name) < 100))",
      "CREATE TABLE app.child (id integer REFERENCES app.t (id) ON DELETE CASCADE, k app.posint, UNIQUE (id, k))",
      "CREATE TABLE app.parted (region text, v integer) PARTITION BY LIST (region)",
      "CREATE TABLE app.parted_eu PARTITION OF app.parted FOR VALUES IN ('eu')",
      "CREATE UNLOGGED TABLE app.scratch (x integer) WITH (fillfactor = 70)",
      "CREATE INDEX t_name_idx ON app.t (lower(name)) WHERE id > 10",
      "CREATE VIEW app.v AS SELECT id, name FROM app.t WHERE id > 0",
      "CREATE MATERIALIZED VIEW app.mv AS SELECT count(*) AS c FROM app.t",
      "CREATE FUNCTION app.f(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1 + 1'",
      "CREATE PROCEDURE app.p() LANGUAGE plpgsql AS $$BEGIN NULL; END$$",
      "CREATE AGGREGATE app.total(integer) (sfunc = int4pl, stype = integer, initcond = '0')",
      "CREATE FUNCTION app.trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$",
      "CREATE TRIGGER t_touch BEFORE UPDATE ON app.t FOR EACH ROW EXECUTE FUNCTION app.trg()",
      "CREATE RULE child_ignore AS ON DELETE TO app.child WHERE old.k IS NULL DO INSTEAD NOTHING",
      "ALTER TABLE app.t ENABLE ROW LEVEL SECURITY",
      "CREATE POLICY own ON app.t FOR SELECT TO catalog_alice USING (name = current_user)",
      "CREATE EXTENSION postgres_fdw",
      "CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'example.org', dbname 'x')",
      "CREATE USER MAPPING FOR catalog_alice SERVER remote OPTIONS (user 'alice', password 'very secret')",
      "CREATE FOREIGN TABLE app.ft (a integer OPTIONS (column_name 'aa')) SERVER remote "
          + "OPTIONS (table_name 'remote_t')",
      "CREATE PUBLICATION pub FOR TABLE app.t",
      "CREATE COLLATION app.c_coll (locale = 'C')",
      "CREATE CAST (app.pair AS text) WITH INOUT",
      "CREATE OPERATOR app.=== (leftarg = integer, rightarg = integer, function = int4eq)",
      "CREATE STATISTICS app.st ON id, name FROM app.t",
      "CREATE FUNCTION app.evt() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN NULL; END$$",
      "CREATE EVENT TRIGGER user_evt ON ddl_command_end EXECUTE FUNCTION app.evt()",
      "GRANT SELECT ON app.t TO catalog_alice",
      "GRANT USAGE ON SCHEMA app TO PUBLIC",
      "COMMENT ON TABLE app.t IS 'the table'",
      "COMMENT ON COLUMN app.t.name IS 'its name'",
  };

  /** What ddlcast itself puts into a database: the helper's schema and event triggers, the applier's marker. */
  static final String[] DDLCAST_OWN = {
      "CREATE SCHEMA ddlcast",
      "CREATE FUNCTION ddlcast.log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN NULL; END$$",
      "CREATE EVENT TRIGGER ddlcast_ddl_command_end ON ddl_command_end EXECUTE FUNCTION ddlcast.log_ddl()",
      "CREATE EVENT TRIGGER ddlcast_sql_drop ON sql_drop EXECUTE FUNCTION ddlcast.log_ddl()",
      "CREATE TABLE ddlcast.applied (lane text NOT NULL, last_offset bigint)",
      "COMMENT ON SCHEMA ddlcast IS 'ddlcast helper'",
  };

  private static LocalPostgres server;

  @BeforeAll
  static void create() {
    server = LocalPostgres.create("catalog", PostgresOptions.standby());
    server.execute("postgres", "CREATE ROLE catalog_alice", "CREATE ROLE catalog_carol");
    server.execute("postgres", "CREATE DATABASE base");
    server.execute("base", RICH);
  }

  @AfterAll
  static void close() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void twoDatabasesMadeByTheSameDdlListEqual() throws SQLException {
    server.execute("postgres", "CREATE DATABASE same_a", "CREATE DATABASE same_b");
    server.execute("same_a", RICH);
    server.execute("same_b", RICH);
    server.execute("same_b", DDLCAST_OWN);
    server.execute("same_b", "SELECT nextval('app.seq')", "CREATE TEMPORARY TABLE tt (x integer)");

    List<CatalogObject> a = database("same_a");
    List<CatalogObject> b = database("same_b");
    assertThat(SchemaDiff.of(a, b).describe()).isEmpty();
    assertThat(b).isEqualTo(a);
    assertThat(SchemaCatalog.digest(b)).isEqualTo(SchemaCatalog.digest(a));
    assertThat(SchemaCatalog.decode(SchemaCatalog.encode(a))).isEqualTo(a);

    Map<String, CatalogObject> byKey = a.stream().collect(Collectors.toMap(CatalogObject::key, o -> o));
    assertThat(a.stream().map(CatalogObject::kind).collect(Collectors.toSet())).containsAll(Set.of("schema",
        "table", "foreign table", "view", "materialized view", "sequence", "column", "constraint", "index",
        "function", "procedure", "aggregate", "type", "domain", "trigger", "rule", "policy", "extension",
        "server", "user mapping", "publication", "collation", "cast", "operator", "statistics object",
        "event trigger"));
    assertThat(byKey.get("column app.t.id").definition()).isEqualTo("integer not null generated always as identity");
    assertThat(byKey.get("column app.t.at").definition())
        .isEqualTo("timestamp with time zone default '2024-01-01 10:00:00+00'::timestamp with time zone");
    assertThat(byKey.get("column app.t.name").comment()).isEqualTo("its name");
    assertThat(byKey.get("table app.t").definition()).contains("row level security");
    assertThat(byKey.get("table app.t").privileges()).contains("catalog_alice=r/postgres");
    assertThat(byKey.get("table app.parted_eu").definition()).contains("partition of app.parted FOR VALUES IN");
    assertThat(byKey.get("sequence app.seq").definition()).isEqualTo("as bigint start 5 increment 2 minvalue 1 "
        + "maxvalue 1000 cache 1 cycle");
    assertThat(byKey.get("type app.mood").definition()).isEqualTo("enum ('sad', 'ok', 'happy')");
    assertThat(byKey.get("domain app.posint").definition())
        .isEqualTo("over integer not null default 1 constraint positive CHECK ((VALUE > 0))");
    assertThat(byKey.get("foreign table app.ft").definition()).contains("server remote options (table_name "
        + "'remote_t')");
    assertThat(byKey.get("user mapping catalog_alice on server remote").definition())
        .isEqualTo("options (password '********', \"user\" 'alice')");
    assertThat(byKey).containsKeys("constraint t_pkey on app.t", "function app.f(integer)",
        "operator app.===(integer,integer)", "cast (app.pair AS pg_catalog.text)", "schema app");
    assertThat(byKey.keySet()).noneMatch(k -> k.contains("ddlcast") || k.contains("tt")
        || k.contains("postgres_fdw_handler") || k.startsWith("index app.t_pkey"));
    assertThat(new String(SchemaCatalog.encode(a))).doesNotContain("very secret");
  }

  @Test
  void eachDifferenceIsNamedWithItsKindAndIdentity() throws SQLException {
    assertThat(diffAfter("diff_column", "ALTER TABLE app.t ADD COLUMN extra_col integer").describe())
        .containsExactly("extra     column app.t.extra_col");
    assertThat(diffAfter("diff_index", "DROP INDEX app.t_name_idx").describe())
        .containsExactly("missing   index app.t_name_idx");

    SchemaDiff body = diffAfter("diff_body",
        "CREATE OR REPLACE FUNCTION app.f(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1 + 2'");
    assertThat(body.describe().get(0)).isEqualTo("changed   function app.f(integer): definition differs");
    assertThat(body.describe()).anyMatch(l -> l.contains("actual   definition:") && l.contains("$1 + 2"));

    SchemaDiff owner = diffAfter("diff_owner", "ALTER FUNCTION app.f(integer) OWNER TO catalog_carol");
    assertThat(owner.describe().get(0)).isEqualTo("changed   function app.f(integer): owner differs");
    assertThat(owner.changed().get(0).actual().owner()).isEqualTo("catalog_carol");

    SchemaDiff grant = diffAfter("diff_grant", "REVOKE SELECT ON app.t FROM catalog_alice");
    assertThat(grant.describe().get(0)).isEqualTo("changed   table app.t: privileges differs");
    assertThat(grant.changed().get(0).actual().privileges()).isNull();

    assertThat(diffAfter("diff_comment", "COMMENT ON TABLE app.t IS 'another'").describe())
        .containsExactly("changed   table app.t: comment differs",
            "          expected comment: the table", "          actual   comment: another");
    assertThat(diffAfter("diff_grant_back", "REVOKE SELECT ON app.t FROM catalog_alice",
        "GRANT SELECT ON app.t TO catalog_alice").isEmpty()).isTrue();
    assertThat(diffAfter("diff_mapping_password",
        "ALTER USER MAPPING FOR catalog_alice SERVER remote OPTIONS (SET password 'other')").isEmpty()).isTrue();
  }

  @Test
  void aRoleOfOneSideIsNamedAndAPasswordChangeAloneIsNot() throws SQLException {
    server.execute("postgres", "ALTER ROLE catalog_carol LOGIN PASSWORD 'first'");
    List<CatalogObject> before = globals();
    server.execute("postgres", "ALTER ROLE catalog_carol PASSWORD 'second'");
    assertThat(SchemaDiff.of(before, globals()).isEmpty()).isTrue();

    server.execute("postgres", "CREATE ROLE catalog_bob", "GRANT catalog_alice TO catalog_bob WITH ADMIN OPTION",
        "ALTER DATABASE base SET work_mem = '8MB'");
    try {
      List<CatalogObject> after = globals();
      assertThat(SchemaDiff.of(before, after).describe()).containsExactly(
          "extra     role catalog_bob",
          "extra     role membership catalog_bob in catalog_alice",
          "changed   database base: definition differs",
          "          expected definition: " + definition(before, "database base"),
          "          actual   definition: " + definition(before, "database base") + " set work_mem '8MB'");
      assertThat(new String(SchemaCatalog.encode(after))).doesNotContain("SCRAM", "first", "second");
      assertThat(after).extracting(CatalogObject::key).contains("role postgres")
          .noneMatch(k -> k.startsWith("role pg_") || k.startsWith("role membership pg_"));
    } finally {
      server.execute("postgres", "DROP ROLE catalog_bob", "ALTER DATABASE base RESET work_mem");
    }
  }

  @Test
  void aTablespaceListsItsOwnerAndOptionsNotItsLocation() throws Exception {
    Path location = Files.createDirectories(server.directory().resolve("ts_location"));
    Files.setOwner(location, location.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName(Files.getOwner(server.pgdata()).getName()));
    server.execute("postgres", "CREATE TABLESPACE catalog_ts OWNER catalog_alice LOCATION '" + location + "' "
        + "WITH (random_page_cost = 2)", "GRANT CREATE ON TABLESPACE catalog_ts TO catalog_carol");
    try {
      CatalogObject ts = globals().stream().filter(o -> o.key().equals("tablespace catalog_ts")).findFirst()
          .orElseThrow();
      assertThat(ts).isEqualTo(new CatalogObject("tablespace", "catalog_ts", "catalog_alice",
          "with (random_page_cost=2)", "catalog_alice=C/catalog_alice,catalog_carol=C/catalog_alice", null));
    } finally {
      server.execute("postgres", "DROP TABLESPACE catalog_ts");
    }
  }

  @Test
  void listingInsideATransactionLeavesItsSettingsAlone() throws SQLException {
    try (Connection c = server.connect("base"); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("SET search_path = app, public");
      assertThat(SchemaCatalog.database(c)).isNotEmpty();
      try (ResultSet rs = s.executeQuery("SELECT current_setting('search_path'), current_setting('TimeZone')")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("app, public");
        assertThat(rs.getString(2)).isNotEqualTo("UTC");
      }
      c.rollback();
    }
  }

  @Test
  void tenThousandObjectsListInSeconds() throws SQLException {
    server.execute("postgres", "CREATE DATABASE many");
    server.execute("many", "DO $$BEGIN FOR i IN 1..2000 LOOP EXECUTE format('CREATE TABLE t%s (id integer "
        + "PRIMARY KEY, v text DEFAULT %L, w integer)', i, 'x' || i); END LOOP; END$$");
    long started = System.nanoTime();
    List<CatalogObject> objects = database("many");
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("SchemaCatalog.database: %d objects in %d ms, %d bytes encoded%n", objects.size(), millis,
        SchemaCatalog.encode(objects).length);
    assertThat(objects).hasSizeGreaterThanOrEqualTo(10_000);
    assertThat(millis).isLessThan(30_000);
  }

  private static SchemaDiff diffAfter(String database, String... change) throws SQLException {
    server.execute("postgres", "CREATE DATABASE " + database + " TEMPLATE base");
    List<CatalogObject> expected = database(database);
    server.execute(database, change);
    return SchemaDiff.of(expected, database(database));
  }

  private static String definition(List<CatalogObject> objects, String key) {
    return objects.stream().filter(o -> o.key().equals(key)).findFirst().orElseThrow().definition();
  }

  static List<CatalogObject> database(String name) throws SQLException {
    try (Connection c = server.connect(name)) {
      return SchemaCatalog.database(c);
    }
  }

  private static List<CatalogObject> globals() throws SQLException {
    try (Connection c = server.connect("postgres")) {
      return SchemaCatalog.globals(c);
    }
  }
}
