package io.ddlcast.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.cli.InvalidConfigException;
import io.ddlcast.common.cli.Problems;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventFilterTest {
  private static final LogPosition POSITION = new LogPosition("f.csv", 0, "s", 1);

  private static DdlEvent event(String database, String command, String... schemas) {
    return new DdlEvent(1, "s:1", "src", database, database, Scope.DATABASE, "u", null, command, command + " x",
        null, POSITION, List.of(schemas));
  }

  private static DdlEvent cluster(String connectedTo, String key, String command) {
    return new DdlEvent(1, "s:2", "src", connectedTo, key, Scope.CLUSTER, "u", null, command, command + " x", null,
        POSITION);
  }

  private static EventFilter filter(String includeDb, String excludeDb, String includeSchemas, String excludeSchemas,
      String includeCommands, String excludeCommands) {
    return EventFilter.parse(new EventFilter.Options(includeDb, excludeDb, includeSchemas, excludeSchemas,
        includeCommands, excludeCommands));
  }

  @Test
  void noOptionsTakesEverything() {
    EventFilter all = EventFilter.parse(EventFilter.Options.NONE);
    assertThat(all.isEmpty()).isTrue();
    assertThat(all.accepts(event("app", "CREATE TABLE", "sales"))).isTrue();
    assertThat(all.accepts(cluster("postgres", "postgres", "CREATE ROLE"))).isTrue();
    assertThat(all.describe()).isEqualTo("none");
    assertThat(EventFilter.ALL.accepts(event("x", null))).isTrue();
  }

  @Test
  void databaseGlobsMatchWholeNamesCaseSensitively() {
    EventFilter f = filter(null, "scratch_*,tmp?", null, null, null, null);
    assertThat(f.accepts(event("scratch_1", "CREATE TABLE"))).isFalse();
    assertThat(f.accepts(event("scratch_", "CREATE TABLE"))).isFalse();
    assertThat(f.accepts(event("tmp1", "CREATE TABLE"))).isFalse();
    assertThat(f.accepts(event("tmp12", "CREATE TABLE"))).isTrue();
    assertThat(f.accepts(event("tmp", "CREATE TABLE"))).isTrue();
    assertThat(f.accepts(event("Scratch_1", "CREATE TABLE"))).isTrue();
    assertThat(f.accepts(event("my_scratch_1", "CREATE TABLE"))).isTrue();
    assertThat(f.rejection(event("scratch_1", "CREATE TABLE")))
        .isEqualTo("excluded by --exclude-databases=scratch_* (database scratch_1)");
  }

  @Test
  void regexCharactersInPatternsAreLiteral() {
    EventFilter f = filter(null, "a.b,c+", null, null, null, null);
    assertThat(f.accepts(event("a.b", "CREATE TABLE"))).isFalse();
    assertThat(f.accepts(event("axb", "CREATE TABLE"))).isTrue();
    assertThat(f.accepts(event("c+", "CREATE TABLE"))).isFalse();
    assertThat(f.accepts(event("cc", "CREATE TABLE"))).isTrue();
  }

  @Test
  void includeTakesOnlyWhatItNamesAndExcludeWinsOverIt() {
    EventFilter f = filter("app_*, shop", "app_old", null, null, null, null);
    assertThat(f.accepts(event("app_1", "CREATE TABLE"))).isTrue();
    assertThat(f.accepts(event("shop", "CREATE TABLE"))).isTrue();
    assertThat(f.accepts(event("other", "CREATE TABLE"))).isFalse();
    assertThat(f.rejection(event("other", "CREATE TABLE")))
        .isEqualTo("not included by --include-databases=app_*,shop (database other)");
    assertThat(f.rejection(event("app_old", "CREATE TABLE")))
        .isEqualTo("excluded by --exclude-databases=app_old (database app_old)");
  }

  @Test
  void createAndDropDatabaseAreJudgedByTheDatabaseTheyNameNotWhereTheyRan() {
    EventFilter f = filter(null, "scratch_*", null, null, null, null);
    assertThat(f.accepts(cluster("postgres", "scratch_1", "CREATE DATABASE"))).isFalse();
    assertThat(f.accepts(cluster("postgres", "scratch_1", "DROP DATABASE"))).isFalse();
    assertThat(f.accepts(cluster("postgres", "scratch_1", "ALTER DATABASE"))).isFalse();
    assertThat(f.accepts(cluster("scratch_1", "app", "CREATE DATABASE"))).isTrue();
  }

  @Test
  void rolesAndTablespacesBelongToNoDatabaseAndOnlyCommandFiltersApply() {
    EventFilter byDatabase = filter("app", "scratch_*", "sales", "audit", null, null);
    assertThat(byDatabase.accepts(cluster("scratch_1", "scratch_1", "CREATE ROLE"))).isTrue();
    assertThat(byDatabase.accepts(cluster("other", "other", "CREATE TABLESPACE"))).isTrue();
    assertThat(byDatabase.accepts(cluster("other", "other", "GRANT"))).isTrue();
    EventFilter byCommand = filter(null, null, null, null, null, "CREATE ROLE");
    assertThat(byCommand.rejection(cluster("postgres", "postgres", "CREATE ROLE")))
        .isEqualTo("excluded by --exclude-commands=CREATE ROLE (command CREATE ROLE)");
  }

  @Test
  void schemaFiltersApplyOnlyToEventsWithSchemas() {
    EventFilter f = filter(null, null, null, "audit", null, null);
    assertThat(f.accepts(event("app", "CREATE TABLE", "audit"))).isFalse();
    assertThat(f.rejection(event("app", "CREATE TABLE", "audit")))
        .isEqualTo("excluded by --exclude-schemas=audit (schema audit)");
    assertThat(f.accepts(event("app", "CREATE TABLE", "sales"))).isTrue();
    assertThat(f.accepts(event("app", "CREATE EXTENSION"))).isTrue();
    assertThat(f.accepts(event("app", "CREATE TABLE", "Audit"))).isTrue();
    EventFilter only = filter(null, null, "sales", null, null, null);
    assertThat(only.accepts(event("app", "CREATE TABLE", "public"))).isFalse();
    assertThat(only.accepts(event("app", "CREATE SERVER"))).isTrue();
    assertThat(only.accepts(cluster("postgres", "postgres", "CREATE ROLE"))).isTrue();
  }

  @Test
  void anEventIsTakenWhenOneOfItsSchemasIsTaken() {
    EventFilter f = filter(null, null, null, "audit*", null, null);
    assertThat(f.accepts(event("app", "DROP TABLE", "app", "audit"))).isTrue();
    assertThat(f.accepts(event("app", "DROP TABLE", "audit", "audit_2"))).isFalse();
    assertThat(f.rejection(event("app", "DROP TABLE", "audit", "audit_2")))
        .isEqualTo("excluded by --exclude-schemas=audit* (schema audit)");
  }

  @Test
  void commandPatternsMatchTagsAndKinds() {
    EventFilter f = filter(null, null, null, null, "create *,alter  table", "CREATE INDEX");
    assertThat(f.accepts(event("app", "CREATE TABLE"))).isTrue();
    assertThat(f.accepts(event("app", "CREATE FOREIGN TABLE"))).isTrue();
    assertThat(f.accepts(event("app", "ALTER TABLE"))).isTrue();
    assertThat(f.accepts(event("app", "CREATE INDEX"))).isFalse();
    assertThat(f.accepts(event("app", "DROP TABLE"))).isFalse();
    assertThat(f.accepts(event("app", "ALTER TABLESPACE"))).isFalse();
    assertThat(f.accepts(event("app", null))).isFalse();
    assertThat(f.rejection(event("app", "DROP TABLE")))
        .isEqualTo("not included by --include-commands=CREATE *,ALTER TABLE (command DROP TABLE)");
  }

  @Test
  void databaseIsJudgedBeforeCommandAndSchema() {
    EventFilter f = filter(null, "scratch", null, "audit", null, "CREATE TABLE");
    assertThat(f.rejection(event("scratch", "CREATE TABLE", "audit"))).contains("--exclude-databases");
    assertThat(f.rejection(event("app", "CREATE TABLE", "audit"))).contains("--exclude-commands");
    assertThat(f.rejection(event("app", "CREATE VIEW", "audit"))).contains("--exclude-schemas");
    assertThat(f.describe()).isEqualTo("--exclude-databases=scratch, --exclude-schemas=audit, "
        + "--exclude-commands=CREATE TABLE");
  }

  @Test
  void everyBadPatternIsReportedAtOnce() {
    Problems problems = new Problems();
    EventFilter f = EventFilter.of(new EventFilter.Options("a,,b", "\"App\"", "x".repeat(64), "ok_*",
        "CREAT TABLE", "CREATE_TABLE"), problems);
    assertThat(f).isNull();
    assertThatThrownBy(problems::throwIfAny).isInstanceOfSatisfying(InvalidConfigException.class,
        e -> assertThat(e.problems()).containsExactly(
            "Invalid value 'a,,b' for option --include-databases: empty pattern (a comma too many?)",
            "Invalid value '\"App\"' for option --exclude-databases: pattern \"App\" is quoted: patterns match "
                + "names as the catalog stores them, write App",
            "Invalid value '" + "x".repeat(64) + "' for option --include-schemas: '" + "x".repeat(64)
                + "' is longer than PostgreSQL's names (63 bytes): it matches nothing",
            "Invalid value 'CREAT TABLE' for option --include-commands: 'CREAT TABLE' does not start with a DDL "
                + "command (CREATE, ALTER, DROP, COMMENT, GRANT, REVOKE, ...)",
            "Invalid value 'CREATE_TABLE' for option --exclude-commands: 'CREATE_TABLE' is not a command tag "
                + "pattern (letters, spaces, '*' and '?', e.g. CREATE TABLE, DROP INDEX, CREATE *)"));
  }

  @Test
  void blankOptionsAreNotGivenAndWildcardVerbsAreAllowed() {
    EventFilter f = filter(" ", "", null, null, "* TABLE", null);
    assertThat(f.accepts(event("x", "DROP TABLE"))).isTrue();
    assertThat(f.accepts(event("x", "DROP VIEW"))).isFalse();
    assertThatThrownBy(() -> filter(null, null, null, null, "CREATE TABLE,", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--include-commands");
  }
}
