package io.ddlcast.common.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.seal.SecretsKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BaselineTest {
  private static final String VERIFIER = "SCRAM-SHA-256$4096:u5VGNKfn8coHV+BEb2FGXQ==$hIsSJmiYQJ";
  private final SecretsKey key = SecretsKey.generate();

  private static Baseline baseline(boolean sealed, Map<Integer, Long> offsets) {
    return new Baseline(new Baseline.Summary("s1", "7312345678901234567", Instant.parse("2026-12-02T03:15:00Z"),
        new TreeMap<>(offsets), sealed ? Baseline.Passwords.VERIFIERS : Baseline.Passwords.OMITTED, sealed),
        "CREATE ROLE alice;\nALTER ROLE alice WITH LOGIN PASSWORD '" + VERIFIER + "';\n",
        List.of(new Baseline.DatabaseDump("shop", "CREATE TABLE t (a int);\n")));
  }

  @Test
  void aSealedBaselineHoldsNoVerifierInClearAndOpensWithTheKeyOnly() {
    byte[] value = baseline(true, Map.of(0, 20412L, 1, 7L)).encode(key);
    assertThat(new String(value, StandardCharsets.UTF_8)).doesNotContain("SCRAM").doesNotContain("CREATE TABLE");
    assertThat(Baseline.summary(value).offsets()).containsExactly(Map.entry(0, 20412L), Map.entry(1, 7L));
    Baseline back = Baseline.decode(value, key);
    assertThat(back.globals()).contains(VERIFIER);
    assertThat(back.databases()).containsExactly(new Baseline.DatabaseDump("shop", "CREATE TABLE t (a int);\n"));
    assertThatThrownBy(() -> Baseline.decode(value, null)).hasMessageContaining("give the applier the producer's "
        + "--secrets-key");
    assertThatThrownBy(() -> Baseline.decode(value, SecretsKey.generate())).hasMessageContaining("does not open");
  }

  @Test
  void sealedContentMovedUnderOtherOffsetsDoesNotOpen() {
    String value = new String(baseline(true, Map.of(0, 20412L)).encode(key), StandardCharsets.UTF_8);
    byte[] moved = value.replace("\"0\":20412", "\"0\":5").getBytes(StandardCharsets.UTF_8);
    assertThat(Baseline.summary(moved).offsets()).containsEntry(0, 5L);
    assertThatThrownBy(() -> Baseline.decode(moved, key)).hasMessageContaining("does not open");
  }

  @Test
  void aClearBaselineRoundTripsAndBadFieldsAreNamed() {
    byte[] value = baseline(false, Map.of(0, 3L)).encode(null);
    assertThat(Baseline.decode(value, null)).isEqualTo(baseline(false, Map.of(0, 3L)));
    String text = new String(value, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Baseline.summary(text.replace("\"0\":3", "\"0\":-3").getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("is not a partition and an offset");
    assertThatThrownBy(() -> Baseline.summary(text.replace("omitted", "clear").getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("field 'passwords'");
    assertThatThrownBy(() -> Baseline.summary("{\"v\":2}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("version 2");
    assertThatThrownBy(() -> baseline(false, Map.of(0, 3L)).encode(key)).isInstanceOf(IllegalArgumentException.class);
  }
}
