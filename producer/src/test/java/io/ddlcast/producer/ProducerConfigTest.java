package io.ddlcast.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.cli.Cli;
import io.ddlcast.common.cli.InvalidConfigException;
import io.ddlcast.common.event.EventFilter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerConfigTest {
  @TempDir
  Path logDir;

  private ProducerConfig.Raw raw(Integer metricsPort) {
    return new ProducerConfig.Raw("localhost:9092", "ddlcast.ddl", null, logDir, null, "primary1", 1, -1,
        StartFrom.EARLIEST, Duration.ofMillis(200), metricsPort, EventFilter.Options.NONE, false);
  }

  @Test
  void theMetricsPortIsOptional() {
    assertThat(ProducerConfig.validate(raw(null)).metricsPort()).isNull();
    assertThat(ProducerConfig.validate(raw(9464)).metricsPort()).isEqualTo(9464);
  }

  @Test
  void aMetricsPortOutOfRangeIsReportedWithTheOtherProblems() {
    ProducerConfig.Raw bad = new ProducerConfig.Raw("localhost:9092", "ddlcast.ddl", null, logDir, null, "primary1",
        0, -1, StartFrom.EARLIEST, Duration.ofMillis(200), 70_000, EventFilter.Options.NONE, false);
    assertThatThrownBy(() -> ProducerConfig.validate(bad)).isInstanceOf(InvalidConfigException.class)
        .extracting(e -> ((InvalidConfigException) e).problems()).asList().containsExactly(
            "Invalid value '0' for option --partitions: must be at least 1",
            "Invalid value '70000' for option --metrics-port: must be a TCP port between 1 and 65535");
  }

  /** The option, its environment variable and its key in the --config file all reach the validation. */
  @Test
  void runRefusesABadMetricsPortFromAnySourceBeforeStartingAnything() throws Exception {
    Path config = Files.writeString(logDir.resolve("producer.properties"), "metrics.port=65536\n");
    String[][] cases = {
        {"--metrics-port", "0"},
        {"--config", config.toString()},
        {}};
    String[] reported = {"0", "65536", "-5"};
    for (int i = 0; i < cases.length; i++) {
      StringWriter err = new StringWriter();
      List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers",
          "localhost:1", "--log-dir", logDir.toString(), "--source", "primary1"));
      args.addAll(List.of(cases[i]));
      int code = Cli.run(new ProducerMain(), args.toArray(String[]::new),
          i == 2 ? Map.of("DDLCAST_METRICS_PORT", "-5") : Map.of(), new PrintWriter(new StringWriter()),
          new PrintWriter(err, true));
      assertThat(code).as(err.toString()).isEqualTo(2);
      assertThat(err.toString()).isEqualTo("Invalid value '" + reported[i] + "' for option --metrics-port: must be a "
          + "TCP port between 1 and 65535" + System.lineSeparator());
    }
  }

  @Test
  void runTakesTheKafkaClientPropertiesOfAllSourcesAndRefusesDdlcastsKeys() throws Exception {
    Path client = Files.writeString(logDir.resolve("client.properties"),
        "security.protocol=SASL_SSL\ntransactional.id=mine\n");
    Path config = Files.writeString(logDir.resolve("producer.properties"), "kafka.acks=1\n");
    StringWriter err = new StringWriter();
    int code = Cli.run(new ProducerMain(), new String[] {"run", "--bootstrap-servers", "localhost:1", "--log-dir",
        logDir.toString(), "--source", "primary1", "--kafka-config", client.toString(), "--config",
        config.toString()}, Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err, true));
    assertThat(code).as(err.toString()).isEqualTo(2);
    assertThat(err.toString().lines().toList()).containsExactly(
        "Kafka client property acks (from key kafka.acks of the --config file) is set by ddlcast and cannot be "
            + "overridden: ddlcast's exactly-once guarantee depends on it (acks=all)",
        "Kafka client property transactional.id (from --kafka-config " + client + ") is set by ddlcast and cannot "
            + "be overridden: derived from the topic and the source: a second producer fences the first");
  }

  @Test
  void runNamesTheProblemOfItsSigningKeyWithThoseOfItsOtherOptionsAtOnce() {
    StringWriter err = new StringWriter();
    int code = Cli.run(new ProducerMain(), new String[] {"run", "--bootstrap-servers", "localhost:1", "--log-dir",
        "/nonexistent/log", "--source", "primary1", "--signing-key", "/nonexistent/producer.key", "--secrets-key",
        "/nonexistent/secrets.key"}, Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err, true));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--signing-key", "--secrets-key", "--log-dir");
  }
}
