package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** SELECT INTO as the CREATE TABLE AS it means, for PL/pgSQL's EXECUTE; everything else left as it is. */
class SelectIntoTest {
  @Test
  void theIntoClauseBecomesCreateTableAs() {
    assertThat(SelectInto.asCreateTableAs("SELECT mallory.grab() AS x INTO mallory.t FROM s WHERE a > 1"))
        .isEqualTo("CREATE TABLE mallory.t AS SELECT mallory.grab() AS x FROM s WHERE a > 1");
    assertThat(SelectInto.asCreateTableAs("select 1 as a into \"My T\""))
        .isEqualTo("CREATE TABLE \"My T\" AS select 1 as a");
  }

  @Test
  void modifiersAndTheWordTableAreKept() {
    assertThat(SelectInto.asCreateTableAs("SELECT * INTO TEMP TABLE t FROM s"))
        .isEqualTo("CREATE TEMP TABLE t AS SELECT * FROM s");
    assertThat(SelectInto.asCreateTableAs("SELECT * INTO UNLOGGED t FROM s"))
        .isEqualTo("CREATE UNLOGGED TABLE t AS SELECT * FROM s");
  }

  @Test
  void aWithClauseMovesBehindAs() {
    assertThat(SelectInto.asCreateTableAs("WITH w AS (SELECT 1 AS a) SELECT a INTO t FROM w UNION SELECT 2"))
        .isEqualTo("CREATE TABLE t AS WITH w AS (SELECT 1 AS a) SELECT a FROM w UNION SELECT 2");
  }

  @Test
  void otherStatementsAreLeftAlone() {
    for (String sql : new String[] {"CREATE TABLE t AS SELECT 1", "INSERT INTO t SELECT 1",
        "WITH w AS (SELECT 1) INSERT INTO t SELECT * FROM w", "SELECT (SELECT 1) AS a", "SELECT 'INTO x' AS a",
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$BEGIN SELECT 1 INTO x; RETURN x; END$$",
        "SELECT * FROM t WHERE a IN (SELECT b FROM u)"}) {
      assertThat(SelectInto.asCreateTableAs(sql)).as(sql).isEqualTo(sql);
    }
  }
}
