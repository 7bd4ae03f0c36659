package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.cli.InvalidConfigException;
import io.ddlcast.common.event.EventFilter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplierFilterConfigTest {
  @Test
  void filtersComeFromTheOptionsAndNoneMeansEverything() {
    ApplierConfig config = ApplierConfig.validate(new ApplierConfig.Raw("k:9092", "ddlcast.ddl", "s1",
        "jdbc:postgresql://h/postgres", 4, Map.of(), "stop", null,
        new EventFilter.Options("app_*", null, null, "audit", null, null)));
    assertThat(config.filter().describe()).isEqualTo("--include-databases=app_*, --exclude-schemas=audit");
    assertThat(ApplierConfig.validate(new ApplierConfig.Raw("k:9092", "ddlcast.ddl", "s1",
        "jdbc:postgresql://h/postgres", 4)).filter().isEmpty()).isTrue();
  }

  @Test
  void badPatternsAreReportedWithEveryOtherProblem() {
    assertThatThrownBy(() -> ApplierConfig.validate(new ApplierConfig.Raw("k:9092", "ddlcast.ddl", null,
        "jdbc:postgresql://h/postgres", 0, Map.of(), "stop", null,
        new EventFilter.Options(null, null, "\"Audit\"", null, null, "DROPP TABLE"))))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).hasSize(4)
            .anyMatch(p -> p.startsWith("Missing option --standby-name"))
            .anyMatch(p -> p.startsWith("Invalid value '0' for option --parallelism"))
            .anyMatch(p -> p.startsWith("Invalid value '\"Audit\"' for option --include-schemas"))
            .anyMatch(p -> p.startsWith("Invalid value 'DROPP TABLE' for option --exclude-commands")));
  }
}
