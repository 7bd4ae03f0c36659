package io.ddlcast.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.cli.InvalidConfigException;
import io.ddlcast.common.event.EventFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerFilterConfigTest {
  @TempDir
  Path dir;

  private ProducerConfig.Raw raw(String bootstrap, EventFilter.Options filters, boolean accept) {
    return new ProducerConfig.Raw(bootstrap, "ddlcast.ddl", null, dir, null, "p1", 1, -1, StartFrom.EARLIEST,
        Duration.ofMillis(200), filters, accept);
  }

  @Test
  void filtersAndAcceptFiniteRetentionAreTakenFromTheOptions() {
    ProducerConfig config = ProducerConfig.validate(raw("k:9092",
        new EventFilter.Options(null, "scratch_*", null, "audit", null, "CREATE INDEX"), true));
    assertThat(config.acceptFiniteRetention()).isTrue();
    assertThat(config.filter().describe())
        .isEqualTo("--exclude-databases=scratch_*, --exclude-schemas=audit, --exclude-commands=CREATE INDEX");
    ProducerConfig plain = ProducerConfig.validate(new ProducerConfig.Raw("k:9092", "ddlcast.ddl", null, dir, null,
        "p1", 1, -1, StartFrom.EARLIEST, Duration.ofMillis(200)));
    assertThat(plain.filter().isEmpty()).isTrue();
    assertThat(plain.acceptFiniteRetention()).isFalse();
  }

  @Test
  void badPatternsAreReportedWithEveryOtherProblemAtOnce() {
    assertThatThrownBy(() -> ProducerConfig.validate(raw("nohostport",
        new EventFilter.Options(null, "a,,b", null, null, "CREATE_TABLE", null), false)))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).hasSize(3)
            .anyMatch(p -> p.startsWith("Invalid value 'nohostport' for option --bootstrap-servers"))
            .anyMatch(p -> p.startsWith("Invalid value 'a,,b' for option --exclude-databases"))
            .anyMatch(p -> p.startsWith("Invalid value 'CREATE_TABLE' for option --include-commands")));
  }

  private static Config topic(String retentionMs, String retentionBytes, String policy) {
    return new Config(List.of(new ConfigEntry("retention.ms", retentionMs),
        new ConfigEntry("retention.bytes", retentionBytes), new ConfigEntry("cleanup.policy", policy),
        new ConfigEntry("segment.ms", "3600000")));
  }

  @Test
  void aTopicKeepsHistoryOnlyWithInfiniteRetentionAndNoCompaction() {
    assertThat(EventPublisher.historyRisks(topic("-1", "-1", "delete"))).isEmpty();
    Map<String, String> risks = EventPublisher.historyRisks(topic("3600000", "1073741824", "compact,delete"));
    assertThat(risks).containsExactly(Map.entry("retention.ms", "3600000"),
        Map.entry("retention.bytes", "1073741824"), Map.entry("cleanup.policy", "compact,delete"));
    assertThat(EventPublisher.fixes(risks)).isEqualTo("retention.ms=-1,retention.bytes=-1,cleanup.policy=delete");
    assertThat(EventPublisher.historyRisks(topic("-1", "-1", "compact"))).containsOnlyKeys("cleanup.policy");
  }
}
