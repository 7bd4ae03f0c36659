package io.ddlcast.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.cli.Cli;
import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.cli.Problems;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The sources of Kafka client properties as the command line runner gives them to a command. */
class KafkaClientOptionsTest {

  @Command(name = "t")
  static class KafkaCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers")
    String bootstrapServers;

    @Mixin
    KafkaClientOptions kafkaClient;

    @Mixin
    CommonOptions common;

    KafkaAccess access;

    @Override
    public Integer call() {
      Problems problems = new Problems();
      access = KafkaAccess.validate(bootstrapServers, kafkaClient.sources(), problems);
      problems.throwIfAny();
      return 0;
    }
  }

  @Command(name = "plain")
  static class PlainCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers")
    String bootstrapServers;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
      return 0;
    }
  }

  @TempDir
  Path dir;

  private final Map<String, String> env = new HashMap<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Object command, String... args) {
    return Cli.run(command, args, env, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private Path write(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, List.of(lines), StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void kafkaConfigFileThenConfigFileKeysThenEnvironment() throws IOException {
    Path client = write("client.properties", "security.protocol=SASL_SSL", "sasl.mechanism=PLAIN",
        "ssl.truststore.type=JKS");
    Path config = write("ddlcast.properties", "bootstrap.servers=k:9093", "kafka.config=" + client,
        "kafka.sasl.mechanism=SCRAM-SHA-256", "kafka.ssl.truststore.type=PKCS12");
    env.put("DDLCAST_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
    KafkaCommand command = new KafkaCommand();
    assertThat(run(command, "--config", config.toString())).isZero();
    assertThat(command.access.bootstrapServers()).isEqualTo("k:9093");
    assertThat(command.access.userProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "ssl.truststore.type", "PKCS12"));
  }

  @Test
  void theKafkaConfigOptionComesFromTheEnvironmentToo() throws IOException {
    Path client = write("client.properties", "security.protocol=SSL");
    env.put("DDLCAST_KAFKA_CONFIG", client.toString());
    KafkaCommand command = new KafkaCommand();
    assertThat(run(command, "--bootstrap-servers", "k:9093")).isZero();
    assertThat(command.access.userProperties()).containsExactly(Map.entry("security.protocol", "SSL"));
  }

  @Test
  void aRefusedKeyExitsWithTheUsageCodeNamingItAndNoValue() throws IOException {
    Path client = write("client.properties", "security.protocol=SASL_SSL", "group.id=mine",
        "sasl.jaas.config=x required password=\"topsecret\";");
    env.put("DDLCAST_KAFKA_CLIENT_ID", "spoofed");
    int code = run(new KafkaCommand(), "--bootstrap-servers", "k:9093", "--kafka-config", client.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("Kafka client property group.id (from --kafka-config " + client)
        .contains("Kafka client property client.id (from environment variable DDLCAST_KAFKA_CLIENT_ID)")
        .doesNotContain("topsecret").doesNotContain("spoofed").doesNotContain("mine");
  }

  @Test
  void kafkaKeysInTheConfigFileAreUnknownToACommandWithoutKafkaConfig() throws IOException {
    Path config = write("ddlcast.properties", "bootstrap.servers=k:9093", "kafka.security.protocol=SSL");
    assertThat(run(new PlainCommand(), "--config", config.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown key kafka.security.protocol");
  }
}
