package io.ddlcast.producer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
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
}
