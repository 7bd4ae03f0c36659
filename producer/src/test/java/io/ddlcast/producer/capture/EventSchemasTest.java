package io.ddlcast.producer.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.Scope;
import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.sql.SqlText;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventSchemasTest {
  private static final ExecutionContext SALES_FIRST = new ExecutionContext("u", "u", "\"$user\", sales, public");

  private static List<String> guess(String sql, ExecutionContext context) {
    return EventSchemas.of(Scope.DATABASE, SqlCommand.of(sql).tag(), null, List.of(), SqlText.of(sql), context);
  }

  private static HelperRecord.HelperObject object(String type, String schema, String identity, Boolean original) {
    return new HelperRecord.HelperObject(type, schema, identity, false, false, original);
  }

  @Test
  void fromTheTextTheFirstQualifiedNameBeforeAnyParenthesisOrAs() {
    assertThat(guess("CREATE TABLE audit.log (a int REFERENCES app.t)", null)).containsExactly("audit");
    assertThat(guess("CREATE INDEX i ON \"Audit\".log (a)", null)).containsExactly("Audit");
    assertThat(guess("CREATE INDEX i ON AUDIT.log (a)", null)).containsExactly("audit");
    assertThat(guess("CREATE TABLE db.audit.log ()", null)).containsExactly("audit");
    assertThat(guess("ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES audit.u", SALES_FIRST)).containsExactly("sales");
    assertThat(guess("CREATE VIEW v AS SELECT x.a FROM audit.t x", SALES_FIRST)).containsExactly("sales");
    assertThat(guess("GRANT SELECT (a) ON audit.t TO r", null)).containsExactly("audit");
  }

  @Test
  void withoutAQualifiedNameTheFirstSchemaOfTheSearchPath() {
    assertThat(guess("CREATE TABLE t ()", SALES_FIRST)).containsExactly("sales");
    assertThat(guess("CREATE TABLE t ()", new ExecutionContext(null, null, "\"My Schema\", public")))
        .containsExactly("My Schema");
    assertThat(guess("CREATE TABLE t ()", new ExecutionContext(null, null, "pg_catalog, \"$user\"")))
        .isEmpty();
    assertThat(guess("CREATE TABLE t ()", null)).isEmpty();
  }

  @Test
  void schemasNamedBySchemaStatementsAndInSchemaClauses() {
    assertThat(guess("CREATE SCHEMA IF NOT EXISTS audit", SALES_FIRST)).containsExactly("audit");
    assertThat(guess("DROP SCHEMA audit, \"X\" CASCADE", SALES_FIRST)).containsExactly("audit", "X");
    assertThat(guess("CREATE SCHEMA AUTHORIZATION bob", SALES_FIRST)).isEmpty();
    assertThat(guess("GRANT SELECT ON ALL TABLES IN SCHEMA audit TO r", SALES_FIRST)).containsExactly("audit");
    assertThat(guess("ALTER DEFAULT PRIVILEGES IN SCHEMA audit GRANT SELECT ON TABLES TO r", SALES_FIRST))
        .containsExactly("audit");
  }

  @Test
  void objectsOutsideSchemasAndClusterWideStatementsHaveNone() {
    assertThat(guess("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO r", SALES_FIRST)).isEmpty();
    assertThat(guess("CREATE EXTENSION hstore", SALES_FIRST)).isEmpty();
    assertThat(guess("CREATE SERVER s FOREIGN DATA WRAPPER w", SALES_FIRST)).isEmpty();
    assertThat(guess("REASSIGN OWNED BY a TO b", SALES_FIRST)).isEmpty();
    assertThat(EventSchemas.of(Scope.CLUSTER, "CREATE ROLE", null, List.of(), SqlText.of("CREATE ROLE r"), SALES_FIRST))
        .isEmpty();
  }

  @Test
  void fromTheHelperTheObjectsSchemasAndForDropsOnlyWhatTheStatementNamed() {
    HelperRecord create = new HelperRecord(HelperRecord.Kind.DDL_COMMAND_END, "CREATE TABLE", SALES_FIRST, null,
        null, List.of(object("table", "audit", "audit.t", null), object("index", "audit", "audit.t_pkey", null)),
        HelperRecord.Origin.TOP_LEVEL, null, null, null);
    assertThat(EventSchemas.of(Scope.DATABASE, "CREATE TABLE", create, List.of(), SqlText.of("CREATE TABLE t ()"),
        SALES_FIRST))
        .containsExactly("audit");
    HelperRecord drop = new HelperRecord(HelperRecord.Kind.DDL_COMMAND_END, "DROP TABLE", SALES_FIRST, null, null,
        List.of(), HelperRecord.Origin.TOP_LEVEL, null, null, null);
    List<HelperRecord.HelperObject> dropped = List.of(object("table", "app", "app.t", true),
        object("toast table", "pg_toast", "pg_toast.pg_toast_1", false), object("view", "audit", "audit.v", false));
    assertThat(EventSchemas.of(Scope.DATABASE, "DROP TABLE", drop, dropped, SqlText.of("DROP TABLE t CASCADE"),
        SALES_FIRST))
        .containsExactly("app");
    HelperRecord schema = new HelperRecord(HelperRecord.Kind.DDL_COMMAND_END, "CREATE SCHEMA", SALES_FIRST, null,
        null, List.of(object("schema", null, "\"Odd \"\"name\"\"\"", null)), HelperRecord.Origin.TOP_LEVEL, null,
        null, null);
    assertThat(EventSchemas.of(Scope.DATABASE, "CREATE SCHEMA", schema, List.of(), SqlText.of("CREATE SCHEMA x"),
        SALES_FIRST))
        .containsExactly("Odd \"name\"");
    HelperRecord extension = new HelperRecord(HelperRecord.Kind.DDL_COMMAND_END, "CREATE EXTENSION", SALES_FIRST,
        null, null, List.of(object("extension", null, "hstore", null)), HelperRecord.Origin.TOP_LEVEL, null, null,
            null);
    assertThat(EventSchemas.of(Scope.DATABASE, "CREATE EXTENSION", extension, List.of(),
        SqlText.of("CREATE EXTENSION hstore"),
        SALES_FIRST)).isEmpty();
  }

  @Test
  void grantsReportedWithoutObjectsAreReadFromTheText() {
    HelperRecord grant = new HelperRecord(HelperRecord.Kind.DDL_COMMAND_END, "GRANT", SALES_FIRST, null, null,
        List.of(object("table", null, null, null)), HelperRecord.Origin.TOP_LEVEL, null, null, null);
    assertThat(EventSchemas.of(Scope.DATABASE, "GRANT", grant, List.of(), SqlText.of("GRANT SELECT ON audit.t TO r"),
        SALES_FIRST)).containsExactly("audit");
  }
}
