package io.ddlcast.producer.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.producer.capture.HelperRecord.HelperObject;
import io.ddlcast.producer.capture.HelperRecord.NotOnStandbys;
import io.ddlcast.producer.capture.StatementParts.Part;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PermanentPartTest {
  private static HelperRecord grantReport(String searchPath, List<String> temporaryRelations) {
    return new HelperRecord(HelperRecord.Kind.DDL_COMMAND_END, "GRANT",
        new ExecutionContext("postgres", "postgres", searchPath), null, null,
        List.of(new HelperObject("TABLE", null, null, null, false, null)), HelperRecord.Origin.TOP_LEVEL, null, null,
        "on", NotOnStandbys.NONE, temporaryRelations);
  }

  private static final HelperRecord DROP_END = new HelperRecord(HelperRecord.Kind.DDL_COMMAND_END, "DROP TABLE",
      null, null, null, List.of(), HelperRecord.Origin.TOP_LEVEL, null, null, "on");

  private static Part part(String sql) {
    return StatementParts.of(sql).get(0);
  }

  private static HelperObject dropped(String identity, boolean temporary, boolean original) {
    return new HelperObject("table", identity.substring(0, identity.indexOf('.')), identity, temporary, null,
        original);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // statement | search_path | shipped (=: as it is)
      "GRANT SELECT ON tt, perm TO r | \"$user\", public | GRANT SELECT ON perm TO r",
      "GRANT SELECT (a), UPDATE (a) ON TABLE perm, \"TT\", tt, s.x TO r | public | "
          + "GRANT SELECT (a), UPDATE (a) ON TABLE perm, \"TT\", s.x TO r",
      "REVOKE ALL ON pg_temp.tt, perm FROM r | public | REVOKE ALL ON perm FROM r",
      "GRANT SELECT ON tt, perm TO r | pg_temp, public | GRANT SELECT ON perm TO r",
      "GRANT SELECT ON tt, perm TO r | public, pg_temp | =", // cannot tell: refused by the policy
      "GRANT SELECT ON public.tt, perm TO r | public | =",
      "GRANT EXECUTE ON FUNCTION tt() TO r | public | =",
      "GRANT SELECT ON tt TO r | public | =", // all temporary: not replicated by the policy
  })
  void aGrantOnTemporaryAndPermanentRelationsShipsForThePermanentOnes(String sql, String searchPath, String shipped) {
    String text = PermanentPart.of(part(sql), sql, grantReport(searchPath, List.of("tt")), List.of());
    assertThat(text).isEqualTo(shipped.equals("=") ? sql : shipped);
  }

  @Test
  void theTemporaryTargetsOfAGrantAreTold() {
    assertThat(PermanentPart.grantTargets(part("GRANT SELECT ON tt TO r"), grantReport("public", List.of("tt"))))
        .singleElement().matches(PermanentPart.Target::temporary);
    assertThat(PermanentPart.grantTargets(part("GRANT SELECT ON tt TO r"),
        grantReport("public, pg_temp", List.of("tt")))).singleElement().matches(PermanentPart.Target::unknown);
    assertThat(PermanentPart.grantTargets(part("GRANT SELECT ON tt TO r"), grantReport("public", null))).isEmpty();
    assertThat(PermanentPart.grantTargets(part("GRANT r TO u"), grantReport("public", List.of("tt")))).isEmpty();
  }

  @Test
  void aDropOfTemporaryAndPermanentObjectsShipsForThePermanentOnesByTheirIdentities() {
    List<HelperObject> objects = List.of(dropped("public.perm", false, true), dropped("public.perm[]", false, false),
        dropped("pg_temp.tt", true, true), new HelperObject("rule", null, "r on pg_temp.tt", false, null, false));
    assertThat(PermanentPart.of(part("DROP TABLE tt, perm CASCADE;"), "DROP TABLE tt, perm CASCADE;", DROP_END,
        objects)).isEqualTo("DROP TABLE public.perm CASCADE");
    assertThat(PermanentPart.of(part("DROP TABLE perm"), "DROP TABLE perm", DROP_END,
        List.of(dropped("public.perm", false, true)))).isEqualTo("DROP TABLE perm");
    List<HelperObject> indexes = HelperRecord.marked(List.of(dropped("public.i_ccnew", false, true),
        dropped("public.\"Odd\"", false, true)), new NotOnStandbys(List.of("public.i_ccnew"), List.of()));
    assertThat(PermanentPart.of(part("DROP INDEX i_ccnew, \"Odd\""), "DROP INDEX i_ccnew, \"Odd\"", DROP_END,
        indexes)).isEqualTo("DROP INDEX public.\"Odd\"");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "pg_temp.tt | true", "tg on pg_temp.tt | true", "\"_RETURN\" on pg_temp_3.tv | true",
      "public.g(pg_temp.tt) | true", "public.g(integer, pg_temp.tt) | true", "public.perm | false",
      "public.\"x pg_temp.y\" | false", "public.\"a(pg_temp.b\" | false", "my_pg_temp.t | false"})
  void anIdentityIsTemporaryWhenItNamesATemporarySchemaOutsideQuotes(String identity, boolean temporary) {
    assertThat(HelperRecord.mentionsTemporarySchema(identity)).isEqualTo(temporary);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1 | true",
      "explain analyse verbose create materialized view v as select 1 | true",
      "EXPLAIN (ANALYZE, COSTS OFF) CREATE TABLE t AS SELECT 1 | true",
      "EXPLAIN (ANALYZE true) SELECT 1 AS a INTO t | true",
      "EXPLAIN (ANALYZE off) CREATE TABLE t AS SELECT 1 | false",
      "EXPLAIN (COSTS OFF) CREATE TABLE t AS SELECT 1 | false",
      "EXPLAIN CREATE TABLE t AS SELECT 1 | false",
      "EXPLAIN ANALYZE SELECT 1 | false",
      "EXPLAIN ANALYZE INSERT INTO t VALUES (1) | false"})
  void explainAnalyzeOfACreateOrASelectIntoRunsDdl(String sql, boolean ddl) {
    assertThat(part(sql).kind()).isEqualTo(ddl ? StatementParts.Kind.EXPLAINED : StatementParts.Kind.OTHER);
  }
}
