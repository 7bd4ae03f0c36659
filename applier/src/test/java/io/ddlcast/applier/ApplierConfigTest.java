package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.cli.Cli;
import io.ddlcast.common.cli.InvalidConfigException;
import io.ddlcast.common.event.EventFilter;
import io.ddlcast.common.kafka.KafkaClientProperties;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
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

  @Test
  void runAndTheOperatorCommandsTakeTheKafkaClientPropertiesAndRefuseDdlcastsKeysBeforeConnecting() {
    String url = "jdbc:postgresql://localhost:1/postgres";
    Map<String, String> env = Map.of("DDLCAST_KAFKA_ENABLE_AUTO_COMMIT", "true",
        "DDLCAST_KAFKA_SASL_JAAS_CONFIG", "x required password=\"pw-in-env\";");
    String[][] commands = {
        {"run", "--bootstrap-servers", "localhost:1", "--standby-name", "s1", "--standby-url", url},
        {"status", "--bootstrap-servers", "localhost:1"},
        {"wait", "--bootstrap-servers", "localhost:1", "--standbys", "s1"},
        {"skip", "--bootstrap-servers", "localhost:1", "--standby", "s1", "--event", "e"},
        {"retry", "--bootstrap-servers", "localhost:1", "--standby", "s1"}};
    for (String[] command : commands) {
      StringWriter err = new StringWriter();
      int code = Cli.run(new ApplierMain(), command, env, new PrintWriter(new StringWriter()),
          new PrintWriter(err, true));
      assertThat(code).as(command[0] + ": " + err).isEqualTo(2);
      assertThat(err.toString().lines().toList()).as(command[0]).containsExactly("Kafka client property "
          + "enable.auto.commit (from environment variable DDLCAST_KAFKA_ENABLE_AUTO_COMMIT) is set by ddlcast and "
          + "cannot be overridden: offsets are committed only after a statement succeeded on the standby");
    }
  }

  @Test
  void runNamesTheProblemsOfItsKeysWithThoseOfItsOtherOptionsAtOnce() {
    StringWriter err = new StringWriter();
    int code = Cli.run(new ApplierMain(), new String[] {"run", "--bootstrap-servers", "localhost:1", "--standby-name",
        "s1", "--standby-url", "postgres://nope", "--trusted-keys", "/nonexistent/producer.pub",
        "--secrets-key", "/nonexistent/secrets.key"}, Map.of(), new PrintWriter(new StringWriter()),
        new PrintWriter(err, true));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--trusted-keys", "--operator-keys", "--secrets-key", "--standby-url");
  }

  @Test
  void aMissingKafkaConfigFileIsNamed() {
    StringWriter err = new StringWriter();
    int code = Cli.run(new ApplierMain(), new String[] {"status", "--bootstrap-servers", "localhost:1",
        "--kafka-config", "/nonexistent/client.properties"}, Map.of(), new PrintWriter(new StringWriter()),
        new PrintWriter(err, true));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("Invalid value '/nonexistent/client.properties' for option --kafka-config: "
        + "no such file" + System.lineSeparator());
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

  private static ApplierConfig.Raw batch(ApplierConfig.BatchOptions options) {
    return new ApplierConfig.Raw("127.0.0.1:9092", "ddlcast.ddl", "s1", "jdbc:postgresql://127.0.0.1:5432/postgres",
        4, Map.of(), "stop", null, EventFilter.Options.NONE, KafkaClientProperties.Sources.NONE, null, options);
  }

  @Test
  void batchBoundsHaveDefaultsAndOneEventTurnsBatchesOff() {
    assertThat(ApplierConfig.validate(raw("stop")).batch()).isEqualTo(BatchRule.Bounds.DEFAULT);
    BatchRule.Bounds one = ApplierConfig.validate(batch(new ApplierConfig.BatchOptions(1, null, null))).batch();
    assertThat(one.enabled()).isFalse();
    assertThat(ApplierConfig.validate(batch(new ApplierConfig.BatchOptions(50, 4096L, Duration.ofMillis(250))))
        .batch()).isEqualTo(new BatchRule.Bounds(50, 4096, Duration.ofMillis(250)));
    assertThatThrownBy(() -> ApplierConfig.validate(batch(new ApplierConfig.BatchOptions(0, 0L, Duration.ZERO))))
        .isInstanceOf(InvalidConfigException.class)
        .extracting(e -> ((InvalidConfigException) e).problems()).asList().containsExactly(
            "Invalid value '0' for option --batch-max-events: must be between 1 (no batches) and 10000",
            "Invalid value '0' for option --batch-max-bytes: must be at least 1",
            "Invalid value 'PT0S' for option --batch-max-time: must be longer than 0");
  }

  @Test
  void runReadsTheBatchOptions() {
    StringWriter err = new StringWriter();
    int code = Cli.run(new ApplierMain(), new String[] {"run", "--bootstrap-servers", "localhost:1", "--standby-name",
        "s1", "--standby-url", "jdbc:postgresql://localhost:1/postgres", "--batch-max-events", "0",
        "--batch-max-time", "250ms"}, Map.of("DDLCAST_BATCH_MAX_BYTES", "-1"), new PrintWriter(new StringWriter()),
        new PrintWriter(err, true));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("Invalid value '0' for option --batch-max-events")
        .contains("Invalid value '-1' for option --batch-max-bytes").doesNotContain("--batch-max-time");
  }

  private static ApplierConfig.Raw limits(StandbyLimits limits) {
    return new ApplierConfig.Raw("127.0.0.1:9092", "ddlcast.ddl", "s1", "jdbc:postgresql://127.0.0.1:5432/postgres",
        4, Map.of(), "stop", null, EventFilter.Options.NONE, KafkaClientProperties.Sources.NONE, limits,
        ApplierConfig.BatchOptions.DEFAULTS);
  }

  @Test
  void standbyLimitsDefaultToTenConnectionsATenSecondLockTimeoutAndNoStatementTimeout() {
    assertThat(ApplierConfig.validate(raw(null)).limits())
        .isEqualTo(new StandbyLimits(10, Duration.ofSeconds(10), Duration.ZERO));
  }

  @Test
  void standbyLimitsOutOfRangeAreNamedWithTheOthers() {
    assertThatThrownBy(() -> ApplierConfig.validate(limits(new StandbyLimits(1, Duration.ofMillis(-1),
        Duration.ofDays(30))))).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("Invalid value '1' for option --max-connections: must be between 2")
        .hasMessageContaining("--lock-timeout").hasMessageContaining("--statement-timeout");
    assertThat(ApplierConfig.validate(limits(new StandbyLimits(2, Duration.ZERO, Duration.ofHours(6)))).limits()
        .maxConnections()).isEqualTo(2);
  }
}
