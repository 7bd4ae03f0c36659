package io.ddlcast.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.cli.InvalidConfigException;
import io.ddlcast.common.cli.Problems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {
  private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
      + "username=\"producer\" password=\"s3cret-jaas\";";

  @TempDir
  Path dir;

  private Path file(String... lines) throws IOException {
    Path file = dir.resolve("client.properties");
    Files.write(file, List.of(lines), StandardCharsets.UTF_8);
    return file;
  }

  private static KafkaAccess access(KafkaClientProperties.Sources sources) {
    Problems problems = new Problems();
    KafkaAccess access = KafkaAccess.validate("k1:9093,k2:9093", sources, problems);
    problems.throwIfAny();
    return access;
  }

  private static List<String> problems(KafkaClientProperties.Sources sources) {
    Problems problems = new Problems();
    KafkaAccess access = KafkaAccess.validate("k1:9093", sources, problems);
    assertThat(access).isNull();
    assertThatThrownBy(problems::throwIfAny).isInstanceOf(InvalidConfigException.class);
    try {
      problems.throwIfAny();
    } catch (InvalidConfigException e) {
      return e.problems();
    }
    return List.of();
  }

  @Test
  void aKafkaClientPropertiesFilePassesThroughUntouched() throws IOException {
    Path file = file("security.protocol=SASL_SSL", "sasl.mechanism=SCRAM-SHA-512",
        "sasl.jaas.config=" + JAAS.replace("\"", "\\\""), "ssl.truststore.location=/etc/kafka/truststore.p12",
        "ssl.truststore.type=PKCS12", "ssl.truststore.password=changeit");
    KafkaAccess access = access(new KafkaClientProperties.Sources(file, Map.of(), Map.of()));
    assertThat(access.bootstrapServers()).isEqualTo("k1:9093,k2:9093");
    assertThat(access.userProperties()).containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.jaas.config", JAAS).containsEntry("ssl.truststore.password", "changeit").hasSize(6);
    assertThat(access.clientProperties("ddlcast-x")).containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("bootstrap.servers", "k1:9093,k2:9093").containsEntry("client.id", "ddlcast-x");
  }

  @Test
  void theConfigFileWinsOverTheKafkaConfigFileAndTheEnvironmentWinsOverBoth() throws IOException {
    Path file = file("security.protocol=SSL", "sasl.mechanism=PLAIN", "ssl.truststore.type=JKS");
    KafkaAccess access = access(new KafkaClientProperties.Sources(file,
        Map.of("sasl.mechanism", "SCRAM-SHA-256", "ssl.truststore.type", "PKCS12", "config", "/ignored"),
        Map.of("DDLCAST_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", "DDLCAST_KAFKA_CONFIG", "/is/the/option",
            "DDLCAST_BOOTSTRAP_SERVERS", "not-a-client-property:1")));
    assertThat(access.userProperties()).containsExactlyInAnyOrderEntriesOf(Map.of("security.protocol", "SSL",
        "sasl.mechanism", "SCRAM-SHA-512", "ssl.truststore.type", "PKCS12"));
  }

  @Test
  void environmentNamesFollowConfluentsConvention() {
    assertThat(KafkaClientProperties.propertyOfEnv("DDLCAST_KAFKA_SASL_JAAS_CONFIG")).isEqualTo("sasl.jaas.config");
    assertThat(KafkaClientProperties.propertyOfEnv("DDLCAST_KAFKA_SSL_KEYSTORE_PASSWORD"))
        .isEqualTo("ssl.keystore.password");
    assertThat(KafkaClientProperties.propertyOfEnv("DDLCAST_KAFKA_LISTENER__NAME_X")).isEqualTo("listener_name.x");
    assertThat(KafkaClientProperties.propertyOfEnv("DDLCAST_KAFKA_SASL_LOGIN___CLASS")).isEqualTo("sasl.login-class");
    assertThat(KafkaClientProperties.propertyOfEnv("DDLCAST_KAFKA_A____B")).isNull();
    assertThat(KafkaClientProperties.propertyOfEnv("DDLCAST_KAFKA__A")).isNull();
  }

  @Test
  void keysDdlcastSetsAreRefusedAllAtOnceEachWithItsSourceAndWhy() throws IOException {
    Path file = file("transactional.id=mine", "security.protocol=SASL_SSL", "isolation.level=read_uncommitted");
    List<String> problems = problems(new KafkaClientProperties.Sources(file,
        Map.of("enable.auto.commit", "true", "consumer.group.id", "other"),
        Map.of("DDLCAST_KAFKA_BOOTSTRAP_SERVERS", "evil:9092", "DDLCAST_KAFKA_ACKS", "1")));
    assertThat(problems).hasSize(6);
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("Kafka client property transactional.id (from "
        + "--kafka-config " + file + ") is set by ddlcast and cannot be overridden: derived from the topic"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("isolation.level").contains("read_committed"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("enable.auto.commit (from key "
        + "kafka.enable.auto.commit of the --config file)"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("consumer.group.id").contains("ddlcast.applier."));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("bootstrap.servers (from environment variable "
        + "DDLCAST_KAFKA_BOOTSTRAP_SERVERS)").endsWith("use --bootstrap-servers"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("acks"));
    assertThat(String.join("\n", problems)).doesNotContain("evil:9092").doesNotContain("read_uncommitted");
  }

  @Test
  void aMissingKafkaConfigFileIsAConfigurationError() {
    Path missing = dir.resolve("nope.properties");
    assertThat(problems(new KafkaClientProperties.Sources(missing, Map.of(), Map.of())))
        .containsExactly("Invalid value '" + missing + "' for option --kafka-config: no such file");
    assertThat(problems(new KafkaClientProperties.Sources(dir, Map.of(), Map.of())))
        .containsExactly("Invalid value '" + dir + "' for option --kafka-config: not a regular file");
  }

  @Test
  void aValueKafkaRefusesIsAConfigurationErrorThatNeverShowsAPassword() throws IOException {
    Path file = file("security.protocol=SASL_SSLX", "ssl.keystore.password=hunter2");
    List<String> problems = problems(new KafkaClientProperties.Sources(file, Map.of(), Map.of()));
    assertThat(problems).singleElement().asString().startsWith("Invalid Kafka client property: ")
        .contains("security.protocol");
    List<String> badPassword = problems(new KafkaClientProperties.Sources(null, Map.of(),
        Map.of("DDLCAST_KAFKA_SSL_KEY_PASSWORD", "hunter2", "DDLCAST_KAFKA_RETRY_BACKOFF_MS", "soon")));
    assertThat(String.join("\n", badPassword)).contains("retry.backoff.ms").doesNotContain("hunter2");
  }

  @Test
  void theAccessNeverPrintsItsValues() throws IOException {
    KafkaAccess access = access(new KafkaClientProperties.Sources(null, Map.of("sasl.jaas.config", JAAS),
        Map.of("DDLCAST_KAFKA_SSL_TRUSTSTORE_PASSWORD", "trust-me")));
    assertThat(access.toString()).contains("k1:9093,k2:9093").contains("sasl.jaas.config")
        .contains("ssl.truststore.password").doesNotContain("s3cret-jaas").doesNotContain("trust-me");
  }

  @Test
  void withoutUserPropertiesEveryClientGetsDdlcastsSettingsOnly() {
    KafkaAccess access = access(KafkaClientProperties.Sources.NONE);
    assertThat(access.userProperties()).isEmpty();
    assertThat(access.clientProperties("c").stringPropertyNames())
        .containsExactlyInAnyOrder("bootstrap.servers", "client.id", "reconnect.backoff.max.ms");
  }
}
