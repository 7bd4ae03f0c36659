package io.ddlcast.common.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.status.StatusJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GenerationHistoryTest {
  private static final Instant T = Instant.parse("2026-12-02T02:00:00Z");

  private static Generation first() {
    return new Generation(1, null, "7001", null, Map.of(), T, Generation.Reason.FIRST, "producer", null);
  }

  private static Generation second() {
    return new Generation(2, 1, null, "standby2", Map.of(0, 118L, 1, 97L), T.plusSeconds(60),
        Generation.Reason.FAILOVER, "alice@db", "7001");
  }

  private static Map<String, byte[]> topic(Object... records) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Object r : records) {
      String key = r instanceof Generation g ? g.key() : r instanceof Promotion p ? p.key()
          : r instanceof Switchover.Request q ? q.key() : ((Switchover.Drained) r).key();
      out.put(key, StatusJson.encode(r));
    }
    return out;
  }

  @Test
  void anEmptyTopicIsGenerationOneEverywhere() {
    GenerationHistory h = GenerationHistory.of(Map.of());
    assertThat(h.isEmpty()).isTrue();
    assertThat(h.currentNumber()).isEqualTo(1);
    assertThat(h.currentAt(3, 1_000_000)).isEqualTo(1);
  }

  @Test
  void theGenerationCurrentAtAnOffsetIsTheNewestStartingAtOrBeforeIt() {
    GenerationHistory h = GenerationHistory.of(topic(first(), second()));
    assertThat(h.currentAt(0, 117)).isEqualTo(1);
    assertThat(h.currentAt(0, 118)).isEqualTo(2);
    assertThat(h.currentAt(1, 96)).isEqualTo(1);
    assertThat(h.currentAt(1, 97)).isEqualTo(2);
    assertThat(h.currentAt(2, 0)).isEqualTo(2); // a partition it names no start for began at 0
  }

  @Test
  void theSourceOfALaterGenerationIsThePromotedStandbys() {
    Promotion p = new Promotion(2, "standby2", "7002", T.plusSeconds(61), List.of("app"));
    GenerationHistory before = GenerationHistory.of(topic(first(), second()));
    assertThat(before.sourceOf(2)).isEmpty();
    GenerationHistory h = GenerationHistory.of(topic(first(), second(), p));
    assertThat(h.sourceOf(1)).contains("7001");
    assertThat(h.sourceOf(2)).contains("7002");
    assertThat(h.generationsOf("7001")).containsExactly(1);
    assertThat(h.generationsOf("7002")).containsExactly(2);
    assertThat(h.next(1)).contains(second());
  }

  @Test
  void aGapEndsWhatIsBelievedAndAnUnreadableRecordIsNamed() {
    Generation third = new Generation(3, 2, null, "standby1", Map.of(0, 200L), T, Generation.Reason.SWITCHOVER,
        "bob", null);
    Map<String, byte[]> records = topic(first(), third);
    records.put("generation/9", "{not json".getBytes(StandardCharsets.UTF_8));
    GenerationHistory h = GenerationHistory.of(records);
    assertThat(h.currentNumber()).isEqualTo(1);
    assertThat(h.currentAt(0, 500)).isEqualTo(1);
    assertThat(h.problems()).anyMatch(p -> p.contains("generation 3 follows no generation 2"))
        .anyMatch(p -> p.contains("generation/9") && p.contains("unreadable"));
  }

  @Test
  void aRecordUnderAnotherKeyIsRefused() {
    Map<String, byte[]> records = new LinkedHashMap<>();
    records.put("generation/1", StatusJson.encode(first()));
    records.put("generation/2", StatusJson.encode(first()));
    GenerationHistory h = GenerationHistory.of(records);
    assertThat(h.currentNumber()).isEqualTo(1);
    assertThat(h.problems()).anyMatch(p -> p.contains("its key says generation/2"));
  }

  @Test
  void aLaterGenerationMustNameItsParentAndStandby() {
    assertThatThrownBy(() -> new Generation(2, null, null, "s", Map.of(), T, Generation.Reason.FAILOVER, "x", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parent 1");
    assertThatThrownBy(() -> new Generation(0, null, null, null, Map.of(), T, Generation.Reason.FIRST, "x", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void requestsAndAnswersRoundTrip() {
    Switchover.Request r = new Switchover.Request(1, "standby2", "n1", T, "alice");
    Switchover.Drained d = new Switchover.Drained(1, "n1", "7001", Map.of(0, 5L), T, 12);
    GenerationHistory h = GenerationHistory.of(topic(first(), r, d));
    assertThat(h.request(1)).contains(r);
    assertThat(h.drained(1)).contains(d);
  }
}
