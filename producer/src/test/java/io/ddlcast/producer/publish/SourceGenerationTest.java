package io.ddlcast.producer.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.generation.Generation;
import io.ddlcast.common.generation.GenerationHistory;
import io.ddlcast.common.generation.Promotion;
import io.ddlcast.common.status.StatusJson;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceGenerationTest {
  private static final Instant T = Instant.parse("2026-12-02T02:00:00Z");
  private static final Generation FIRST = new Generation(1, null, "old", null, Map.of(), T, Generation.Reason.FIRST,
      "producer", null);
  private static final Generation SECOND = new Generation(2, 1, null, "standby2", Map.of(0, 10L), T,
      Generation.Reason.FAILOVER, "alice", "old");
  private static final Promotion PROMOTED = new Promotion(2, "standby2", "new", T.plusSeconds(5), List.of());

  private static GenerationHistory history(boolean promoted) {
    Map<String, byte[]> records = new LinkedHashMap<>();
    records.put(FIRST.key(), StatusJson.encode(FIRST));
    records.put(SECOND.key(), StatusJson.encode(SECOND));
    if (promoted) {
      records.put(PROMOTED.key(), StatusJson.encode(PROMOTED));
    }
    return GenerationHistory.of(records);
  }

  @Test
  void thePromotedStandbysSourcePublishesTheNewGenerationFromWhenItStoppedApplying() {
    SourceGeneration.Decision d = SourceGeneration.decide(history(true), "new", "t");
    assertThat(d.generation()).isEqualTo(2);
    assertThat(d.notBefore()).isEqualTo(T.plusSeconds(5));
  }

  @Test
  void theOldPrimaryIsFencedNamingTheCurrentGenerationAndSource() {
    assertThatThrownBy(() -> SourceGeneration.decide(history(true), "old", "t"))
        .isInstanceOf(DdlcastException.class)
        .hasMessageContaining("FENCED")
        .hasMessageContaining("generation 2 is current, with source new (standby standby2")
        .hasMessageContaining("ddlcast rejoin")
        .satisfies(e -> assertThat(((DdlcastException) e).exitCode().code()).isEqualTo(3));
  }

  @Test
  void theOldPrimaryIsFencedEvenBeforeThePromotionIsDone() {
    assertThatThrownBy(() -> SourceGeneration.decide(history(false), "old", "t"))
        .hasMessageContaining("FENCED").hasMessageContaining("being made current");
  }

  @Test
  void theNewPrimaryWaitsForItsPromotionAndAStrangerIsRefused() {
    assertThatThrownBy(() -> SourceGeneration.decide(history(false), "new", "t"))
        .hasMessageContaining("not (yet) the source").hasMessageContaining("has not yet applied");
    assertThatThrownBy(() -> SourceGeneration.decide(history(true), "stranger", "t"))
        .hasMessageContaining("second, unrelated primary");
  }

  @Test
  void theFirstSourcePublishesGenerationOneAsBefore() {
    Map<String, byte[]> records = Map.of(FIRST.key(), StatusJson.encode(FIRST));
    SourceGeneration.Decision d = SourceGeneration.decide(GenerationHistory.of(records), "old", "t");
    assertThat(d.generation()).isEqualTo(1);
    assertThat(d.notBefore()).isNull();
  }
}
