package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.cli.Cli;
import io.ddlcast.common.cli.InvalidConfigException;
import io.ddlcast.common.event.EventFilter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplierConfigTest {
  private static ApplierConfig.Raw raw(int parallelism, Integer metricsPort) {
    return new ApplierConfig.Raw("localhost:9092", "ddlcast.ddl", "standby1",
        "jdbc:postgresql://localhost:5432/postgres?user=postgres", parallelism, Map.of(), "stop", metricsPort,
        EventFilter.Options.NONE);
  }

  @Test
  void theMetricsPortIsOptional() {
    assertThat(ApplierConfig.validate(raw(4, null)).metricsPort()).isNull();
    assertThat(ApplierConfig.validate(raw(4, 65_535)).metricsPort()).isEqualTo(65_535);
  }

  @Test
  void aMetricsPortOutOfRangeIsReportedWithTheOtherProblems() {
    assertThatThrownBy(() -> ApplierConfig.validate(raw(0, 0))).isInstanceOf(InvalidConfigException.class)
        .extracting(e -> ((InvalidConfigException) e).problems()).asList().containsExactly(
            "Invalid value '0' for option --parallelism: must be between 1 and 64",
            "Invalid value '0' for option --metrics-port: must be a TCP port between 1 and 65535");
  }

  @Test
  void runTakesTheMetricsPortFromTheEnvironmentAndRefusesItBeforeConnecting() {
    StringWriter err = new StringWriter();
    int code = Cli.run(new ApplierMain(), new String[] {"run", "--bootstrap-servers", "localhost:1", "--standby-name",
        "s1", "--standby-url", "jdbc:postgresql://localhost:1/postgres"}, Map.of("DDLCAST_METRICS_PORT", "99999"),
        new PrintWriter(new StringWriter()), new PrintWriter(err, true));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines().toList()).isEqualTo(List.of(
        "Invalid value '99999' for option --metrics-port: must be a TCP port between 1 and 65535"));
  }

  private static ApplierConfig.Raw raw(String onError) {
    return new ApplierConfig.Raw("127.0.0.1:9092", "ddlcast.ddl", "s1", "jdbc:postgresql://127.0.0.1:5432/postgres",
        4, Map.of(), onError, null, EventFilter.Options.NONE);
  }

  @Test
  void onErrorIsStopByDefaultOrSkip() {
    assertThat(ApplierConfig.validate(raw(null)).onError()).isEqualTo(OperatorDecisions.OnError.STOP);
    assertThat(ApplierConfig.validate(raw("SKIP")).onError()).isEqualTo(OperatorDecisions.OnError.SKIP);
  }

  @Test
  void everyProblemIsNamedAtOnce() {
    ApplierConfig.Raw bad = new ApplierConfig.Raw(null, "ddlcast.ddl", "s 1", "not-a-url", 0, Map.of(), "ignore", null,
        EventFilter.Options.NONE);
    assertThatThrownBy(() -> ApplierConfig.validate(bad)).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("--bootstrap-servers").hasMessageContaining("--standby-name")
        .hasMessageContaining("--standby-url").hasMessageContaining("--parallelism")
        .hasMessageContaining("Invalid value 'ignore' for option --on-error: must be stop or skip");
  }
}
