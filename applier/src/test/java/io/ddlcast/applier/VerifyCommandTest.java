package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ddlcast.common.catalog.CatalogObject;
import io.ddlcast.common.catalog.SchemaDiff;
import io.ddlcast.common.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code verify}'s options (every problem named at once, exit 2, before any I/O) and its report: each difference
 * named by kind and identity with both sides of a changed one, what was not compared named apart, equal only when
 * every comparison made found nothing; the same as JSON.
 */
class VerifyCommandTest {
  private static final CatalogObject ROLE = new CatalogObject("role", "r_do", null, "LOGIN", null, null);
  private static final CatalogObject COLUMN = new CatalogObject("column", "app.t.note", null, "text", null, null);
  private static final CatalogObject BODY2 = new CatalogObject("function", "app.f(integer)", "alice",
      "CREATE FUNCTION app.f(integer) AS 'SELECT $1 * 2'", null, null);
  private static final CatalogObject BODY3 = new CatalogObject("function", "app.f(integer)", "alice",
      "CREATE FUNCTION app.f(integer) AS 'SELECT $1 * 3'", null, null);

  @Test
  void everyBadOptionIsNamedAtOnce() {
    StringWriter err = new StringWriter();
    int code = Cli.run(new ApplierMain(), new String[] {"verify", "--bootstrap-servers", "localhost:1",
        "--primary-url", "postgres://nope", "--databases", "a,,b", "--event", " "}, Map.of(),
        new PrintWriter(new StringWriter()), new PrintWriter(err, true));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--primary-url", "--standby-url", "--standby-name", "--databases",
        "--event");
    assertThat(err.toString().lines()).hasSize(5);
  }

  @Test
  void eachDifferenceIsNamedAndWhatWasNotComparedIsSaidApart() {
    SchemaDiff globals = SchemaDiff.of(List.of(ROLE), List.of());
    SchemaDiff shop = SchemaDiff.of(List.of(BODY2), List.of(BODY3, COLUMN));
    VerifyReport report = new VerifyReport("s1", globals, new TreeMap<>(Map.of("shop", shop, "crm",
        SchemaDiff.of(List.of(), List.of()))), new TreeMap<>(Map.of("database late", "2 event(s) ...")));

    assertThat(report.equal()).isFalse();
    assertThat(report.lines()).containsExactly(
        "cluster: missing   role r_do",
        "shop: extra     column app.t.note",
        "shop: changed   function app.f(integer): definition differs",
        "          expected definition: CREATE FUNCTION app.f(integer) AS 'SELECT $1 * 2'",
        "          actual   definition: CREATE FUNCTION app.f(integer) AS 'SELECT $1 * 3'",
        "not compared: database late (2 event(s) ...)",
        "different: standby s1 differs from the primary in 3 object(s) (cluster 1, shop 2); compared globals, "
            + "database crm, database shop");

    JsonNode json = report.json();
    assertThat(json.get("equal").asBoolean()).isFalse();
    assertThat(json.at("/globals/missing/0/identity").asText()).isEqualTo("r_do");
    assertThat(json.at("/databases/shop/extra/0/kind").asText()).isEqualTo("column");
    assertThat(json.at("/databases/shop/changed/0/fields/0").asText()).isEqualTo("definition");
    assertThat(json.at("/databases/shop/changed/0/actual/definition").asText()).contains("$1 * 3");
    assertThat(json.at("/databases/crm/equal").asBoolean()).isTrue();
    assertThat(json.at("/notCompared/database late").asText()).isEqualTo("2 event(s) ...");
  }

  @Test
  void equalWhenEveryComparisonFoundNothingAndTheGlobalsMayBeLeftOut() {
    VerifyReport report = new VerifyReport("s1", null, new TreeMap<>(Map.of("shop", SchemaDiff.of(List.of(COLUMN),
        List.of(COLUMN)))), new TreeMap<>(Map.of("cluster", "1 event(s) after x not applied yet")));

    assertThat(report.equal()).isTrue();
    assertThat(report.lines()).containsExactly("not compared: cluster (1 event(s) after x not applied yet)",
        "equal: standby s1 has the primary's schema (database shop)");
    assertThat(report.json().get("globals").isNull()).isTrue();
  }

  @Test
  void aControlCharacterInADatabaseNameCannotMakeALineOfItsOwn() {
    VerifyReport report = new VerifyReport("s1", null, new TreeMap<>(Map.of("a\nb: missing   role x",
        SchemaDiff.of(List.of(ROLE), List.of()))), new TreeMap<>());

    assertThat(report.lines().get(0)).isEqualTo("a\\u000ab: missing   role x: missing   role r_do");
  }
}
