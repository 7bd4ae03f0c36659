package io.ddlcast.common.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.sql.DumpScript.Connect;
import io.ddlcast.common.sql.DumpScript.Sql;
import org.junit.jupiter.api.Test;

class DumpScriptTest {
  /** The shape pg_dump 15.18 --schema-only --create writes (measured), shortened. */
  private static final String CREATE = """
      --
      -- PostgreSQL database dump
      --

      \\restrict yY1CiONMrShWn8izDm3bIoBNanAg19K2t9qTf6KzERmX6z1pF1iEiFenzGMA0D8

      SET statement_timeout = 0;
      SELECT pg_catalog.set_config('search_path', '', false);
      CREATE DATABASE shop WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE_PROVIDER = libc LOCALE = 'C.UTF-8';


      ALTER DATABASE shop OWNER TO alice;

      \\unrestrict yY1CiONMrShWn8izDm3bIoBNanAg19K2t9qTf6KzERmX6z1pF1iEiFenzGMA0D8
      \\connect shop
      \\restrict yY1CiONMrShWn8izDm3bIoBNanAg19K2t9qTf6KzERmX6z1pF1iEiFenzGMA0D8

      CREATE FUNCTION public.f() RETURNS text
          LANGUAGE sql
          AS $$SELECT 'a;
      \\! touch /tmp/pwned
      b'$$;

      CREATE TABLE public.t (
          a integer
      );
      \\unrestrict yY1CiONMrShWn8izDm3bIoBNanAg19K2t9qTf6KzERmX6z1pF1iEiFenzGMA0D8
      """;

  @Test
  void statementsAndConnectInOrderAndABackslashLineInsideABodyStaysSql() {
    var steps = DumpScript.parse(CREATE);
    assertThat(steps).hasSize(7);
    assertThat(steps.get(0)).isEqualTo(new Sql("SET statement_timeout = 0"));
    assertThat(((Sql) steps.get(2)).text()).startsWith("CREATE DATABASE shop WITH TEMPLATE");
    assertThat(steps.get(3)).isEqualTo(new Sql("ALTER DATABASE shop OWNER TO alice"));
    assertThat(steps.get(4)).isEqualTo(new Connect("shop"));
    assertThat(((Sql) steps.get(5)).text()).contains("\\! touch /tmp/pwned").endsWith("b'$$");
    assertThat(((Sql) steps.get(6)).text()).startsWith("CREATE TABLE public.t");
  }

  @Test
  void anyOtherMetaCommandIsRefused() {
    assertThatThrownBy(() -> DumpScript.parse("CREATE TABLE a();\n\\! rm -rf /\n"))
        .hasMessageContaining("line 2: meta-command \\! is not one a schema dump runs");
    assertThatThrownBy(() -> DumpScript.parse("\\restrict K1\nCREATE TABLE a();\n\\connect x\n"))
        .hasMessageContaining("line 3: meta-command \\connect inside \\restrict");
    assertThatThrownBy(() -> DumpScript.parse("\\restrict K1\nCREATE TABLE a();\n"))
        .hasMessageContaining("ends inside \\restrict");
  }

  @Test
  void namesThatNeedQuotingAreReadAsPgDumpWritesThem() {
    assertThat(DumpScript.connectTarget("\"Shop\"", 1)).isEqualTo("Shop");
    assertThat(DumpScript.connectTarget("-reuse-previous=on \"dbname='it\\'s a \"\"db\"\"'\"", 1))
        .isEqualTo("it's a \"db\"");
    assertThat(DumpScript.connectTarget("-reuse-previous=on \"dbname=caf\u00e9\"", 1)).isEqualTo("caf\u00e9");
    assertThatThrownBy(() -> DumpScript.connectTarget("a b", 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void topLevelIsAfterAClosingSemicolonOnly() {
    assertThat(DumpScript.atTopLevel("-- a comment\n")).isTrue();
    assertThat(DumpScript.atTopLevel("CREATE TABLE a();\n-- done\n")).isTrue();
    assertThat(DumpScript.atTopLevel("CREATE TABLE a(\n")).isFalse();
    assertThat(DumpScript.atTopLevel("CREATE FUNCTION f() AS $$ x;\n")).isFalse();
    assertThat(DumpScript.atTopLevel("CREATE FUNCTION f() BEGIN ATOMIC SELECT 1;\n")).isFalse();
  }
}
