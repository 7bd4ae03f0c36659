package io.ddlcast.common.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListingCodecTest {
  private static final List<CatalogObject> LISTING = List.of(
      new CatalogObject("column", "public.\"T\".c", null, "integer not null", "alice=r/bob", null),
      new CatalogObject("table", "public.\"T\"", "bob", "using heap", null, "comment with \"quotes\" and ü"));

  @Test
  void encodeAndDecodeRoundTrip() {
    assertThat(SchemaCatalog.decode(SchemaCatalog.encode(LISTING))).isEqualTo(LISTING);
    assertThat(SchemaCatalog.decode(SchemaCatalog.encode(List.of()))).isEmpty();
  }

  @Test
  void equalListingsHaveEqualDigestsWhateverTheirOrder() {
    String digest = SchemaCatalog.digest(LISTING);
    assertThat(digest).hasSize(64).matches("[0-9a-f]+");
    assertThat(SchemaCatalog.digest(List.of(LISTING.get(1), LISTING.get(0)))).isEqualTo(digest);
    CatalogObject other = new CatalogObject("table", "public.\"T\"", "bob", "using heap", null, null);
    assertThat(SchemaCatalog.digest(List.of(LISTING.get(0), other))).isNotEqualTo(digest);
    CatalogObject emptyComment = new CatalogObject("table", "public.\"T\"", "bob", "using heap", null, "");
    assertThat(SchemaCatalog.digest(List.of(other))).isNotEqualTo(SchemaCatalog.digest(List.of(emptyComment)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "not json|not valid JSON",
      "[]|not a JSON object",
      "{\"listing\":2,\"objects\":[]}|version 2 is not 1",
      "{\"listing\":1}|field objects is missing",
      "{\"listing\":1,\"objects\":[],\"x\":1}|unknown field x",
      "{\"listing\":1,\"objects\":{}}|objects is not an array",
      "{\"listing\":1,\"objects\":[1]}|objects[0]: not a JSON object",
      "{\"listing\":1,\"objects\":[{\"kind\":\"table\",\"identity\":\"t\",\"owner\":null,\"definition\":null,"
          + "\"privileges\":null}]}|objects[0]: field comment is missing",
      "{\"listing\":1,\"objects\":[{\"kind\":\"table\",\"identity\":\"t\",\"owner\":1,\"definition\":null,"
          + "\"privileges\":null,\"comment\":null}]}|objects[0]: owner is not a string",
      "{\"listing\":1,\"objects\":[{\"kind\":null,\"identity\":\"t\",\"owner\":null,\"definition\":null,"
          + "\"privileges\":null,\"comment\":null}]}|objects[0]: kind is not a string",
      "{\"listing\":1,\"objects\":[{\"kind\":\" \",\"identity\":\"t\",\"owner\":null,\"definition\":null,"
          + "\"privileges\":null,\"comment\":null}]}|objects[0]: empty kind",
      "{\"listing\":1,\"listing\":1,\"objects\":[]}|Duplicate field 'listing'",
      "{\"listing\":1,\"objects\":[]} {}|not valid JSON",
  })
  void decodeRejectsMalformedInputNamingTheProblem(String json, String problem) {
    assertThatThrownBy(() -> SchemaCatalog.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(problem);
  }

  @Test
  void decodeRejectsTwoObjectsOfOneKey() {
    byte[] twice = SchemaCatalog.encode(List.of(LISTING.get(1), LISTING.get(1)));
    assertThatThrownBy(() -> SchemaCatalog.decode(twice)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("objects[1]: a second object table public.\"T\"");
    assertThatThrownBy(() -> SchemaCatalog.decode(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
