package io.ddlcast.common.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class SchemaFingerprintTest {
  private static final Instant T = Instant.parse("2026-12-02T02:30:00Z");
  private static final CatalogObject TABLE = new CatalogObject("table", "public.t", "alice", "heap", null, null);
  private static final CatalogObject COLUMN = new CatalogObject("column", "public.t.id", null, "integer", null, null);
  private static final CatalogObject FUNCTION = new CatalogObject("function", "public.f()", "alice",
      "CREATE FUNCTION public.f() RETURNS integer AS 'select 1'", null, null);

  @Test
  void theSameListingGivesTheSameFingerprintAndNamesNothing() {
    SchemaFingerprint a = SchemaFingerprint.of("app", "s", 1, T, List.of(TABLE, COLUMN, FUNCTION));
    SchemaFingerprint b = SchemaFingerprint.of("app", "s", 1, T, List.of(FUNCTION, COLUMN, TABLE));
    assertThat(a.digest()).isEqualTo(b.digest());
    assertThat(a.differences(SchemaFingerprint.hashes(List.of(TABLE, COLUMN, FUNCTION)))).isEmpty();
  }

  @Test
  void eachDifferenceIsNamedByKind() {
    SchemaFingerprint primary = SchemaFingerprint.of("app", "s", 1, T, List.of(TABLE, COLUMN, FUNCTION));
    CatalogObject changed = new CatalogObject("function", "public.f()", "alice",
        "CREATE FUNCTION public.f() RETURNS integer AS 'select 2'", null, null);
    CatalogObject owner = new CatalogObject("table", "public.t", "bob", "heap", null, null);
    CatalogObject extra = new CatalogObject("index", "public.t_idx", null, "CREATE INDEX ...", null, null);
    assertThat(primary.differences(SchemaFingerprint.hashes(List.of(owner, changed, extra))))
        .containsExactlyInAnyOrder("missing column public.t.id", "changed function public.f()",
            "changed table public.t", "extra index public.t_idx");
  }

  @Test
  void aUserMappingsOptionsAreNotComparedTheProducersRoleMayNotSeeThem() {
    CatalogObject hidden = new CatalogObject("user mapping", "alice on s", null, null, null, null);
    CatalogObject shown = new CatalogObject("user mapping", "alice on s", null, "user=a, password=********", null,
        null);
    assertThat(SchemaFingerprint.of("app", "s", 1, T, List.of(hidden)).differences(
        SchemaFingerprint.hashes(List.of(shown)))).isEmpty();
  }

  @Test
  void itTravelsInItsDatabasesPlaceAndATamperedOneIsRefused() {
    SchemaFingerprint f = SchemaFingerprint.of("app", "s", 2, T, List.of(TABLE, COLUMN, FUNCTION));
    ProducerRecord<String, byte[]> record = f.record("ddlcast.ddl");
    assertThat(record.key()).isEqualTo("app");
    ConsumerRecord<String, byte[]> read = new ConsumerRecord<>("ddlcast.ddl", 0, 7, record.key(), record.value());
    assertThat(SchemaFingerprint.is(read)).isFalse(); // the header is what marks it
    record.headers().forEach(h -> read.headers().add(h));
    assertThat(SchemaFingerprint.is(read)).isTrue();
    assertThat(SchemaFingerprint.decode(read.value())).isEqualTo(f);
    String tampered = new String(record.value(), StandardCharsets.UTF_8).replace(f.objects().get("table public.t"),
        "0000000000000000");
    assertThatThrownBy(() -> SchemaFingerprint.decode(tampered.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("digest");
  }
}
