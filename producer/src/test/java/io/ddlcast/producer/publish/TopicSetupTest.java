package io.ddlcast.producer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.snapshot.Baseline;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.junit.jupiter.api.Test;

class TopicSetupTest {
  private static Config topic(String retentionMs, String retentionBytes, String policy) {
    return new Config(List.of(new ConfigEntry("retention.ms", retentionMs),
        new ConfigEntry("retention.bytes", retentionBytes), new ConfigEntry("cleanup.policy", policy),
        new ConfigEntry("segment.ms", "3600000")));
  }

  @Test
  void aTopicKeepsHistoryOnlyWithInfiniteRetentionAndNoCompaction() {
    assertThat(TopicSetup.historyRisks(topic("-1", "-1", "delete"))).isEmpty();
    Map<String, String> risks = TopicSetup.historyRisks(topic("3600000", "1073741824", "compact,delete"));
    assertThat(risks).containsExactly(Map.entry("retention.ms", "3600000"),
        Map.entry("retention.bytes", "1073741824"), Map.entry("cleanup.policy", "compact,delete"));
    assertThat(TopicSetup.fixes(risks)).isEqualTo("retention.ms=-1,retention.bytes=-1,cleanup.policy=delete");
    assertThat(TopicSetup.historyRisks(topic("-1", "-1", "compact"))).containsOnlyKeys("cleanup.policy");
  }

  @Test
  void finiteRetentionIsCoveredOnlyWhenEveryPartitionsOldestKeptEventIsAtOrBeforeTheSnapshot() {
    Baseline.Summary snapshot = new Baseline.Summary("s1", "primary", Instant.parse("2026-12-02T03:00:00Z"),
        new TreeMap<>(Map.of(0, 20000L, 1, 500L)), Baseline.Passwords.OMITTED, false);
    assertThat(TopicSetup.covers(snapshot, new TreeMap<>(Map.of(0, 20000L, 1, 0L))))
        .hasValueSatisfying(s -> assertThat(s).isEqualTo("snapshot s1 of source primary taken "
            + "2026-12-02T03:00:00Z at offsets {0=20000, 1=500} covers the oldest events the topic keeps "
            + "(earliest offsets {0=20000, 1=0})"));
    assertThat(TopicSetup.covers(snapshot, new TreeMap<>(Map.of(0, 20001L, 1, 0L)))).isEmpty();
    assertThat(TopicSetup.covers(snapshot, new TreeMap<>(Map.of(0, 0L, 1, 0L, 2, 0L)))).isEmpty();
  }
}
