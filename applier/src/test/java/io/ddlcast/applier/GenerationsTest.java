package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.generation.Generation;
import io.ddlcast.common.generation.GenerationHistory;
import io.ddlcast.common.status.StatusJson;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The generation rule against what a hostile or stale topic holds: a zombie's event after the switch point, an event
 * claiming a generation no one started, and one the applier learns of only by reading the topic again.
 */
class GenerationsTest {
  private static final Instant T = Instant.parse("2026-12-02T02:00:00Z");
  private static final Generation FIRST = new Generation(1, null, "old", null, Map.of(), T, Generation.Reason.FIRST,
      "p", null);
  private static final Generation SECOND = new Generation(2, 1, null, "s2", Map.of(0, 100L), T,
      Generation.Reason.FAILOVER, "op", "old");

  private static GenerationHistory history(Generation... generations) {
    Map<String, byte[]> records = new LinkedHashMap<>();
    for (Generation g : generations) {
      records.put(g.key(), StatusJson.encode(g));
    }
    return GenerationHistory.of(records);
  }

  @Test
  void anOldGenerationsEventAfterTheSwitchPointIsAZombieBeforeItIsCurrent() {
    Generations g = Generations.fixed(history(FIRST, SECOND));
    assertThat(g.check(0, 99, 1)).isEqualTo(Generations.Verdict.CURRENT);
    assertThat(g.check(0, 100, 1)).isEqualTo(Generations.Verdict.ZOMBIE);
    assertThat(g.why(0, 100, 1)).startsWith(Generations.ZOMBIE_REFUSAL).contains("since offset 100");
    assertThat(g.check(0, 100, 2)).isEqualTo(Generations.Verdict.CURRENT);
    assertThat(g.check(0, 99, 2)).isEqualTo(Generations.Verdict.ZOMBIE); // a new generation's event before its start
  }

  @Test
  void aGenerationNoOneStartedIsUnknownAfterReadingTheTopicAgain() {
    AtomicInteger reads = new AtomicInteger();
    Generations g = new Generations(() -> {
      reads.incrementAndGet();
      return history(FIRST, SECOND);
    });
    g.refresh();
    assertThat(g.check(0, 500, 7)).isEqualTo(Generations.Verdict.UNKNOWN);
    assertThat(reads.get()).isEqualTo(2);
    assertThat(g.why(0, 500, 7)).contains("which the generations topic does not know");
  }

  @Test
  void aGenerationStartedSinceTheLastReadIsLearnedFromTheTopic() {
    AtomicReference<GenerationHistory> topic = new AtomicReference<>(history(FIRST));
    AtomicInteger current = new AtomicInteger();
    Generations g = new Generations(topic::get).onRead(current::set);
    g.refresh();
    topic.set(history(FIRST, SECOND));
    assertThat(g.check(0, 150, 2)).isEqualTo(Generations.Verdict.CURRENT);
    assertThat(current.get()).isEqualTo(2);
    assertThat(g.check(0, 150, 1)).isEqualTo(Generations.Verdict.ZOMBIE);
  }
}
