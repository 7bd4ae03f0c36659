package io.ddlcast.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.cli.InvalidConfigException;
import io.ddlcast.common.event.EventFilter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerFilterConfigTest {
  @TempDir
  Path dir;

  private ProducerConfig.Raw raw(String bootstrap, EventFilter.Options filters, boolean accept) {
    return new ProducerConfig.Raw(bootstrap, "ddlcast.ddl", null, dir, null, "p1", 1, -1, StartFrom.EARLIEST,
        Duration.ofMillis(200), null, filters, accept);
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
}
