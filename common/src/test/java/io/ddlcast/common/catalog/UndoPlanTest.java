package io.ddlcast.common.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UndoPlanTest {

  private static CatalogObject object(String kind, String identity) {
    return new CatalogObject(kind, identity, "alice", null, null, null);
  }

  private static List<String> plan(CatalogObject... extra) {
    return Undo.plan(new SchemaDiff(List.of(), List.of(extra), List.of()));
  }

  @Test
  void dependentsAreDroppedFirst() {
    List<String> plan = plan(
        object("schema", "s"),
        object("type", "s.\"Mood\""),
        object("sequence", "public.seq"),
        object("table", "public.t"),
        object("column", "public.u.\"New Column\""),
        object("function", "public.f(integer, text[])"),
        object("view", "public.v"),
        object("constraint", "u_check on public.u"),
        object("index", "public.u_idx"),
        object("policy", "p on public.u"),
        object("trigger", "trg on public.u"),
        object("domain", "public.d"),
        object("extension", "hstore"),
        object("cast", "(public.d AS pg_catalog.text)"),
        object("operator", "public.===(integer,integer)"),
        object("user mapping", "alice on server srv"),
        object("server", "srv"),
        object("aggregate", "public.counted()"),
        object("aggregate", "public.total(integer)"));
    assertThat(plan).containsExactly(
        "DROP TRIGGER IF EXISTS trg ON public.u",
        "DROP POLICY IF EXISTS p ON public.u",
        "DROP USER MAPPING IF EXISTS FOR alice SERVER srv",
        "DROP INDEX IF EXISTS public.u_idx",
        "ALTER TABLE IF EXISTS public.u DROP CONSTRAINT IF EXISTS u_check",
        "DROP VIEW IF EXISTS public.v",
        "DROP AGGREGATE IF EXISTS public.counted(*)",
        "DROP AGGREGATE IF EXISTS public.total(integer)",
        "DROP OPERATOR IF EXISTS public.=== (integer,integer)",
        "DROP CAST IF EXISTS (public.d AS pg_catalog.text)",
        "DROP FUNCTION IF EXISTS public.f(integer, text[])",
        "ALTER TABLE IF EXISTS public.u DROP COLUMN IF EXISTS \"New Column\"",
        "DROP TABLE IF EXISTS public.t",
        "DROP SEQUENCE IF EXISTS public.seq",
        "DROP DOMAIN IF EXISTS public.d",
        "DROP TYPE IF EXISTS s.\"Mood\"",
        "DROP SERVER IF EXISTS srv",
        "DROP EXTENSION IF EXISTS hstore",
        "DROP SCHEMA IF EXISTS s");
    assertThat(plan).noneMatch(s -> s.toUpperCase().contains("CASCADE"));
  }

  @Test
  void thePartsOfAnExtraTableAreLeftToItsDrop() {
    assertThat(plan(
        object("table", "public.\"T on x\""),
        object("column", "public.\"T on x\".c"),
        object("constraint", "\"c on y\" on public.\"T on x\""),
        object("trigger", "trg on public.\"T on x\""),
        object("index", "public.t_idx"),
        object("column", "public.other.c")))
        .containsExactly(
            "DROP INDEX IF EXISTS public.t_idx",
            "ALTER TABLE IF EXISTS public.other DROP COLUMN IF EXISTS c",
            "DROP TABLE IF EXISTS public.\"T on x\"");
  }

  @Test
  void clusterWideObjectsAreNotPlanned() {
    assertThat(plan(object("role", "bob"), object("database", "db"), object("role membership", "bob in admins"),
        object("tablespace", "ts"))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "table|public.t; DROP DATABASE x",
      "table|public.t, public.u",
      "table|public.t CASCADE",
      "table|public.\"t",
      "table|a.b.c.d",
      "table|''",
      "schema|s.t",
      "function|public.f(integer), public.g(integer)",
      "function|public.f(integer) CASCADE",
      "function|public.f('x')",
      "function|public.f(integer -- x",
      "trigger|trg on public.t CASCADE",
      "trigger|trg",
      "operator|public.--(integer,integer)",
      "cast|(integer AS text); SELECT 1",
      "user mapping|alice on server srv OPTIONS",
      "column|c",
  })
  void identitiesNotInTheFormPgIdentifyObjectWritesAreRefused(String kind, String identity) {
    assertThatThrownBy(() -> plan(object(kind, identity))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an identity pg_identify_object writes");
  }

  @Test
  void aKindWithoutAKnownDropIsRefused() {
    assertThatThrownBy(() -> plan(object("text search configuration", "public.cfg")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text search configuration");
  }
}
