package io.ddlcast.common.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlCommandTest {

  // --- tags ---

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "CREATE TABLE t (a int)                                   | CREATE TABLE",
      "create table t (a int)                                   | CREATE TABLE",
      "CREATE OR REPLACE FUNCTION f() RETURNS int AS $$1$$      | CREATE FUNCTION",
      "CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)              | CREATE INDEX",
      "CREATE FOREIGN TABLE ft (a int) SERVER s                 | CREATE FOREIGN TABLE",
      "CREATE FOREIGN DATA WRAPPER w                            | CREATE FOREIGN DATA WRAPPER",
      "CREATE MATERIALIZED VIEW mv AS SELECT 1                  | CREATE MATERIALIZED VIEW",
      "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO r     | ALTER DEFAULT PRIVILEGES",
      "CREATE TEMP TABLE t (a int)                              | CREATE TABLE",
      "CREATE UNLOGGED TABLE t (a int)                          | CREATE TABLE",
      "CREATE CONSTRAINT TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f() | CREATE TRIGGER",
      "COMMENT ON TABLE t IS 'x'                                | COMMENT",
      "GRANT SELECT ON t TO r                                   | GRANT",
      "REVOKE SELECT ON t FROM r                                | REVOKE",
      "SECURITY LABEL FOR selinux ON TABLE t IS 'x'             | SECURITY LABEL",
      "ALTER TEXT SEARCH CONFIGURATION c RENAME TO d            | ALTER TEXT SEARCH CONFIGURATION",
      "CREATE USER MAPPING FOR u SERVER s                       | CREATE USER MAPPING",
      "ALTER SYSTEM SET work_mem = '64MB'                       | ALTER SYSTEM",
  })
  void tagIsTheCommandWithModifiersRemoved(String sql, String tag) {
    assertThat(SqlCommand.of(sql).tag()).isEqualTo(tag);
  }

  @Test
  void leadingCommentsAndWhitespaceAreSkipped() {
    assertThat(SqlCommand.of("\n  -- why\n/* what /* nested */ */ create view v as select 1").tag())
        .isEqualTo("CREATE VIEW");
  }

  @Test
  void emptyStatementHasAnEmptyTag() {
    assertThat(SqlCommand.of("  -- nothing").tag()).isEmpty();
  }

  @Test
  void statementNotStartingWithAWordHasAnEmptyTag() {
    assertThat(SqlCommand.of("(SELECT 1)").tag()).isEmpty();
  }

  @Test
  void tempTableIsTemporary() {
    assertThat(SqlCommand.of("CREATE TEMP TABLE t (a int)").temporary()).isTrue();
  }

  @Test
  void temporaryKeywordIsTemporary() {
    assertThat(SqlCommand.of("create global temporary table t (a int)").temporary()).isTrue();
  }

  @Test
  void ordinaryTableIsNotTemporary() {
    assertThat(SqlCommand.of("CREATE UNLOGGED TABLE t (a int)").temporary()).isFalse();
  }

  // --- isDdl ---

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE TABLE t (a int)",
      "ALTER TABLE t ADD COLUMN b int",
      "DROP VIEW v",
      "COMMENT ON TABLE t IS 'x'",
      "GRANT SELECT ON t TO r",
      "REVOKE SELECT ON t FROM r",
      "SECURITY LABEL ON TABLE t IS 'x'",
      "REFRESH MATERIALIZED VIEW mv",
      "IMPORT FOREIGN SCHEMA s FROM SERVER x INTO y",
      "REASSIGN OWNED BY a TO b",
  })
  void schemaStatementsAreDdl(String sql) {
    assertThat(SqlCommand.of(sql).isDdl()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT 1",
      "SELECT a FROM t",
      "INSERT INTO t VALUES (1)",
      "UPDATE t SET a = 1",
      "DO $$ BEGIN CREATE TABLE x(); END $$",
      "SET search_path = s",
      "BEGIN",
      "",
  })
  void dataAndSessionStatementsAreNotDdl(String sql) {
    assertThat(SqlCommand.of(sql).isDdl()).isFalse();
  }

  // --- databaseName ---

  @Test
  void quotedDatabaseNameIsKeptLiterally() {
    SqlCommand command = SqlCommand.of("CREATE DATABASE \"Mixed Case\"");
    assertThat(command.databaseName()).isEqualTo("Mixed Case");
    assertThat(command.isDatabaseCommand()).isTrue();
  }

  @Test
  void unquotedDatabaseNameIsFoldedToLowerCase() {
    assertThat(SqlCommand.of("create database Lower TEMPLATE template0").databaseName()).isEqualTo("lower");
  }

  @Test
  void dropDatabaseIfExistsNamesTheDatabase() {
    assertThat(SqlCommand.of("DROP DATABASE IF EXISTS x WITH (FORCE)").databaseName()).isEqualTo("x");
  }

  @Test
  void alterDatabaseRenameNamesTheOldDatabase() {
    assertThat(SqlCommand.of("ALTER DATABASE x RENAME TO y").databaseName()).isEqualTo("x");
  }

  @Test
  void nonDatabaseCommandHasNoDatabaseName() {
    SqlCommand command = SqlCommand.of("CREATE TABLE database (a int)");
    assertThat(command.databaseName()).isNull();
    assertThat(command.isDatabaseCommand()).isFalse();
  }

  @Test
  void commentOnDatabaseIsNotADatabaseCommand() {
    assertThat(SqlCommand.of("COMMENT ON DATABASE x IS 'y'").isDatabaseCommand()).isFalse();
  }

  // --- nonTransactional ---

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE DATABASE x",
      "DROP DATABASE x",
      "CREATE INDEX CONCURRENTLY i ON t (a)",
      "CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)",
      "DROP INDEX CONCURRENTLY i",
      "ALTER SYSTEM SET work_mem = '64MB'",
      "CREATE TABLESPACE ts LOCATION '/x'",
      "DROP TABLESPACE ts",
      "ALTER DATABASE x SET TABLESPACE ts",
  })
  void statementsThatCannotRunInATransactionBlockAreNonTransactional(String sql) {
    assertThat(SqlCommand.of(sql).nonTransactional()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE INDEX i ON t (a)",
      "DROP INDEX i",
      "CREATE TABLE t (a int)",
      "ALTER DATABASE x RENAME TO y",
      "ALTER TABLE t SET TABLESPACE ts",
  })
  void ordinaryStatementsAreTransactional(String sql) {
    assertThat(SqlCommand.of(sql).nonTransactional()).isFalse();
  }

  // --- global ---

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE ROLE r",
      "ALTER ROLE r LOGIN",
      "CREATE USER u",
      "DROP USER u",
      "CREATE GROUP g",
      "CREATE TABLESPACE ts LOCATION '/x'",
      "CREATE DATABASE x",
      "ALTER DATABASE x RENAME TO y",
  })
  void clusterWideObjectsAreGlobal(String sql) {
    assertThat(SqlCommand.of(sql).global()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE TABLE t (a int)",
      "CREATE USER MAPPING FOR u SERVER s",
      "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO r",
  })
  void databaseLocalObjectsAreNotGlobal(String sql) {
    assertThat(SqlCommand.of(sql).global()).isFalse();
  }

  // --- instanceLocal ---

  @Test
  void alterSystemIsInstanceLocal() {
    assertThat(SqlCommand.of("ALTER SYSTEM SET work_mem = '64MB'").instanceLocal()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "ALTER TABLE t SET (fillfactor = 50)",
      "ALTER DATABASE x SET work_mem = '64MB'",
      "ALTER ROLE r SET work_mem = '64MB'",
      "CREATE TABLESPACE ts LOCATION '/x'",
  })
  void otherStatementsAreNotInstanceLocal(String sql) {
    assertThat(SqlCommand.of(sql).instanceLocal()).isFalse();
  }
}
