package io.ddlcast.it;

import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * DDL for the tests, run on the primary the ways clients run it: psql (simple protocol, one string that may hold
 * several statements) and pgjdbc (extended protocol). Each step says whether it must succeed on the primary; a step
 * that behaves otherwise fails the test at once, so the workload is what the test believes it is.
 */
record Workload(List<Step> steps) {
  enum Client {
    PSQL,
    JDBC
  }

  record Step(Client client, String database, String sql, boolean succeeds) {}

  static Step psql(String database, String sql) {
    return new Step(Client.PSQL, database, sql, true);
  }

  static Step jdbc(String database, String sql) {
    return new Step(Client.JDBC, database, sql, true);
  }

  static Step failing(Step step) {
    return new Step(step.client(), step.database(), step.sql(), false);
  }

  static Workload of(Step... steps) {
    return new Workload(List.of(steps));
  }

  /** How many events the producer must publish: one per DDL statement of each step that succeeds. */
  long committed() {
    return steps.stream().filter(Step::succeeds)
        .mapToLong(step -> SqlLexer.split(step.sql()).stream()
            .filter(part -> SqlCommand.of(part).isDdl()).count())
        .sum();
  }

  void runOn(PostgresServer primary) {
    for (Step step : steps) {
      boolean ok = switch (step.client()) {
        case PSQL -> primary.psql(step.database(), step.sql()).exitCode() == 0;
        case JDBC -> runJdbc(primary, step);
      };
      if (ok != step.succeeds()) {
        throw new AssertionError("on the primary, expected " + (step.succeeds() ? "success" : "failure") + " of "
            + step.client() + " [" + step.database() + "] " + step.sql());
      }
    }
  }

  private static boolean runJdbc(PostgresServer primary, Step step) {
    try (Connection c = primary.connect(step.database()); Statement s = c.createStatement()) {
      s.execute(step.sql());
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Databases, schemas, types, functions with $$ bodies, views, comments, foreign tables, renames, drops,
   * non-ASCII.
   */
  static final Workload MIXED = of(
      jdbc("postgres", "CREATE DATABASE shop"),
      jdbc("postgres", "CREATE DATABASE \"Zürich\""),
      jdbc("postgres", "CREATE DATABASE scratch"),
      psql("shop", "CREATE SCHEMA sales"),
      psql("shop", "CREATE TYPE sales.status AS ENUM ('new', 'paid', 'shipped')"),
      psql("shop", "CREATE TABLE sales.orders (id bigserial PRIMARY KEY, status sales.status NOT NULL DEFAULT 'new', "
          + "total numeric(12,2), created timestamptz DEFAULT now())"),
      jdbc("shop", "CREATE INDEX orders_created_idx ON sales.orders (created)"),
      psql("shop", "CREATE FUNCTION sales.with_vat(amount numeric) RETURNS numeric LANGUAGE plpgsql AS $$\n"
          + "BEGIN\n  -- 20 %; not 'free'\n  RETURN amount * 1.2;\nEND\n$$"),
      jdbc("shop", "CREATE VIEW sales.paid_orders AS SELECT id, sales.with_vat(total) AS gross FROM sales.orders "
          + "WHERE status = 'paid'"),
      psql("shop", "COMMENT ON TABLE sales.orders IS 'Bestellungen – orders; \"quoted\" and ''single'''"),
      failing(psql("shop", "CREATE TABLE sales.orders (x int)")),
      failing(jdbc("shop", "CREATE INDEX ON sales.missing (x)")),
      psql("shop", "ALTER TABLE sales.orders ADD COLUMN note text"),
      psql("shop", "ALTER TABLE sales.orders RENAME COLUMN note TO remark"),
      psql("shop", "CREATE TABLE sales.drop_me (x int); CREATE INDEX drop_me_x ON sales.drop_me (x)"),
      failing(psql("shop", "CREATE TABLE sales.half (x int); CREATE TABLE sales.half (x int)")),
      psql("shop", "DROP TABLE sales.drop_me"),
      jdbc("shop", "CREATE SEQUENCE sales.invoice_no START 1000"),
      psql("shop", "CREATE MATERIALIZED VIEW sales.totals AS SELECT status, sum(total) AS total FROM sales.orders "
          + "GROUP BY status"),
      psql("shop", "CREATE EXTENSION postgres_fdw"),
      psql("shop", "CREATE SERVER warehouse FOREIGN DATA WRAPPER postgres_fdw "
          + "OPTIONS (host '127.0.0.1', dbname 'warehouse')"),
      psql("shop", "CREATE FOREIGN TABLE sales.stock (sku text, qty int) SERVER warehouse "
          + "OPTIONS (table_name 'stock')"),
      jdbc("Zürich", "CREATE TABLE \"Straße\" (\"Größe\" int, ñ text)"),
      jdbc("Zürich", "CREATE INDEX CONCURRENTLY \"straße_größe\" ON \"Straße\" (\"Größe\")"),
      psql("Zürich", "ALTER TABLE \"Straße\" RENAME TO \"Allee\""),
      failing(jdbc("Zürich", "CREATE TABLE kaputt (x no_such_type)")),
      psql("Zürich", "CREATE FUNCTION größe_plus(i int) RETURNS int LANGUAGE sql IMMUTABLE "
          + "AS $body$ SELECT i + 1 $body$"),
      psql("scratch", "CREATE TABLE t (x int)"),
      psql("postgres", "DROP DATABASE scratch"),
      jdbc("postgres", "CREATE TABLE public.in_postgres (a int PRIMARY KEY)"),
      psql("postgres", "CREATE SCHEMA app; CREATE TABLE app.settings (k text PRIMARY KEY, v jsonb)"),
      failing(psql("postgres", "DROP TABLE no_such_table")));

  /** More DDL after an applier restart. */
  static final Workload MORE = of(
      psql("shop", "ALTER TABLE sales.orders ADD COLUMN shipped_at timestamptz"),
      psql("Zürich", "DROP FUNCTION größe_plus(int)"),
      jdbc("postgres", "CREATE DATABASE later"),
      psql("later", "CREATE TABLE t (id int)"),
      failing(psql("later", "ALTER TABLE nope ADD COLUMN x int")),
      jdbc("later", "COMMENT ON TABLE t IS 'after the restart'"));
}
