package io.ddlcast.common.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CatalogQueriesTest {

  @Test
  void postgres17ReadsTheRenamedLocaleColumns() {
    assertThat(all(150000)).contains("d.daticulocale", "o.colliculocale").doesNotContain("datlocale", "colllocale");
    assertThat(all(170002)).contains("d.datlocale", "o.colllocale").doesNotContain("iculocale");
  }

  @Test
  void noQueryReadsAPassword() {
    assertThat(all(150000)).doesNotContain("rolpassword", "pg_authid ", "pg_shadow", "pg_user_mapping m");
  }

  private static String all(int version) {
    return String.join("\n", CatalogQueries.database(version)) + String.join("\n", CatalogQueries.globals(version));
  }
}
