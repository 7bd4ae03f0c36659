package io.ddlcast.common.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaDiffTest {
  private static final CatalogObject TABLE = new CatalogObject("table", "public.t", "alice", "using heap", null, null);
  private static final CatalogObject COLUMN = new CatalogObject("column", "public.t.c", null, "integer", null, null);
  private static final CatalogObject FUNCTION =
      new CatalogObject("function", "public.f(integer)", "alice", "CREATE FUNCTION ... 1", null, null);

  @Test
  void equalListingsInAnyOrderMakeAnEmptyDiff() {
    SchemaDiff diff = SchemaDiff.of(List.of(TABLE, COLUMN, FUNCTION), List.of(FUNCTION, TABLE, COLUMN));
    assertThat(diff.isEmpty()).isTrue();
    assertThat(diff.describe()).isEmpty();
  }

  @Test
  void missingExtraAndChangedAreMatchedByKey() {
    CatalogObject extra = new CatalogObject("index", "public.i", null, "CREATE INDEX i ON public.t", null, null);
    CatalogObject changedFunction =
        new CatalogObject("function", "public.f(integer)", "bob", "CREATE FUNCTION ... 2", null, null);
    SchemaDiff diff = SchemaDiff.of(List.of(TABLE, COLUMN, FUNCTION), List.of(TABLE, changedFunction, extra));

    assertThat(diff.missing()).containsExactly(COLUMN);
    assertThat(diff.extra()).containsExactly(extra);
    assertThat(diff.changed()).containsExactly(new SchemaDiff.Changed(FUNCTION, changedFunction));
    assertThat(diff.changed().get(0).fields()).containsExactly("owner", "definition");
    assertThat(diff.isEmpty()).isFalse();
  }

  @Test
  void describeShowsOneLinePerObjectAndBothValuesOfWhatChanged() {
    CatalogObject commented = new CatalogObject("table", "public.t", "alice", "using heap", null, "new");
    SchemaDiff diff = SchemaDiff.of(List.of(COLUMN, FUNCTION), List.of(FUNCTION, TABLE));
    assertThat(diff.describe()).containsExactly(
        "missing   column public.t.c",
        "extra     table public.t (owner alice)");

    List<String> lines = SchemaDiff.of(List.of(TABLE), List.of(commented)).describe();
    assertThat(lines).containsExactly(
        "changed   table public.t: comment differs",
        "          expected comment: (none)",
        "          actual   comment: new");
  }

  @Test
  void describeMasksSecrets() {
    CatalogObject before = new CatalogObject("function", "public.f()", "alice",
        "CREATE FUNCTION public.f() ... ALTER ROLE x PASSWORD 'hunter2'", null, null);
    CatalogObject after = new CatalogObject("function", "public.f()", "alice",
        "CREATE FUNCTION public.f() ... ALTER ROLE x PASSWORD 'swordfish'", null, null);
    List<String> lines = SchemaDiff.of(List.of(before), List.of(after)).describe();
    assertThat(lines.get(0)).isEqualTo("changed   function public.f(): definition differs");
    assertThat(String.join("\n", lines)).doesNotContain("hunter2", "swordfish").contains("PASSWORD '********'");
  }

  @Test
  void aNameCannotMakeALineOfItsOwn() {
    CatalogObject tricky = new CatalogObject("table", "public.\"x\nextra     table public.fake\"", "alice", null,
        null, null);
    CatalogObject body1 = new CatalogObject("function", "public.f()", null, "line one\nline two", null, null);
    CatalogObject body2 = new CatalogObject("function", "public.f()", null, "line one\nline 2", null, null);
    List<String> lines = SchemaDiff.of(List.of(body1), List.of(tricky, body2)).describe();
    assertThat(lines).containsExactly(
        "extra     table public.\"x\\u000aextra     table public.fake\" (owner alice)",
        "changed   function public.f(): definition differs",
        "          expected definition: line one\n            line two",
        "          actual   definition: line one\n            line 2");
  }

  @Test
  void aListingWithTwoObjectsOfOneKeyIsRefused() {
    CatalogObject other = new CatalogObject("table", "public.t", "bob", null, null, null);
    assertThatThrownBy(() -> SchemaDiff.of(List.of(TABLE, other), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two objects table public.t");
  }
}
