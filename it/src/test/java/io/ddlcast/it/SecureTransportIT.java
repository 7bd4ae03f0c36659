package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.DdlcastAcls;
import io.ddlcast.testkit.EmbeddedKafka;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.KafkaSecurity;
import io.ddlcast.testkit.PostgresOptions;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole pipeline against a broker that takes only SASL_SSL (SCRAM-SHA-512 over TLS, certificates made with
 * keytool) and allows only what ACLs allow: the producer, each applier and the operator commands run as their own
 * SCRAM users with the least-privilege ACLs of docs/security.md ({@link DdlcastAcls}), each given its client
 * properties with {@code --kafka-config}. The secured broker is always the embedded one (also where Docker runs).
 * The producer connects to the primary as a role with the least rights of the guide (not a superuser).
 * Events and the operator's skip are signed (Ed25519), and secret literals sealed, as in production.
 * The primary and the standbys take TCP over TLS only, and every ddlcast process connects with
 * {@code sslmode=verify-full} against the test CA ({@link PostgresOptions#withTls()}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureTransportIT {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final String TOPIC = Topics.DEFAULT_TOPIC;
  private static final String PRODUCER = "ddlcast-producer";
  private static final String OPERATOR = "ddlcast-operator";

  private Pipeline pipeline;
  private KafkaSecurity security;
  private Path configs;
  private PostgresServer primary;
  private PostgresServer standby1;
  private PostgresServer standby2;
  private JavaProcess applier1;
  private Path operatorKey;

  /** An Ed25519 key pair as openssl writes it: NAME.key (PKCS#8 PEM, mode 0600) and NAME.pub (SPKI PEM). */
  private Path writeKeyPair(String name) throws IOException {
    KeyPair pair;
    try {
      pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Base64.Encoder pem = Base64.getMimeEncoder(64, new byte[] {'\n'});
    Path key = configs.resolve(name + ".key");
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + pem.encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(configs.resolve(name + ".pub"), "-----BEGIN PUBLIC KEY-----\n"
        + pem.encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
    return key;
  }

  private static String applierUser(String standby) {
    return "ddlcast-applier-" + standby;
  }

  @BeforeAll
  void start() throws IOException {
    pipeline = new Pipeline("SecureTransportIT", EmbeddedKafka::launchSecure,
        PostgresOptions.primary().withSetting("max_prepared_transactions", "10").withTls(),
        PostgresOptions.standby().withTls(), "standby1", "standby2");
    EmbeddedKafka kafka = (EmbeddedKafka) pipeline.kafka;
    security = kafka.security().orElseThrow();
    configs = Files.createTempDirectory("ddlcast-secure-it-");
    try (Admin admin = kafka.admin()) {
      for (String user : List.of(PRODUCER, applierUser("standby1"), applierUser("standby2"), OPERATOR)) {
        security.addUser(admin, user);
        security.writeClientConfig(user, configs.resolve(user + ".properties"));
      }
      List<DdlcastAcls.Grant> grants = new ArrayList<>(DdlcastAcls.producer("User:" + PRODUCER, TOPIC));
      for (String standby : List.of("standby1", "standby2")) {
        grants.addAll(DdlcastAcls.applier("User:" + applierUser(standby), TOPIC, standby));
      }
      grants.addAll(DdlcastAcls.operator("User:" + OPERATOR, TOPIC));
      DdlcastAcls.create(admin, grants);
    }
    pipeline.kafkaConfigs(new Pipeline.KafkaClientConfigs() {
      @Override
      public Path producer() {
        return configs.resolve(PRODUCER + ".properties");
      }

      @Override
      public Path applier(String standbyName) {
        return configs.resolve(applierUser(standbyName) + ".properties");
      }

      @Override
      public Path operator() {
        return configs.resolve(OPERATOR + ".properties");
      }
    });
    primary = pipeline.primary;
    standby1 = pipeline.standby("standby1");
    standby2 = pipeline.standby("standby2");
    pipeline.installHelper();
    // the appliers wait with growing pauses for a topic that does not exist yet: start them once it does
    // the least rights of docs/security.md: no superuser, only pg_read_all_settings
    primary.execute("postgres", "CREATE ROLE ddlcast_producer LOGIN", "GRANT pg_read_all_settings TO ddlcast_producer");
    pipeline.producerRole("ddlcast_producer");
    Path producerKey = writeKeyPair("producer");
    Path operatorKey = writeKeyPair("operator");
    pipeline.startProducer("--signing-key", producerKey.toString())
        .awaitOutput("created topic " + Topics.checkpointTopic(TOPIC), CONVERGE);
    String[] verifying = {"--trusted-keys", configs.resolve("producer.pub").toString(),
        "--operator-keys", configs.resolve("operator.pub").toString()};
    applier1 = pipeline.startApplier("standby1", verifying);
    pipeline.startApplier("standby2", verifying);
    this.operatorKey = operatorKey;
  }

  @AfterAll
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
    if (configs != null) {
      try (Stream<Path> files = Files.walk(configs)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  @Order(1)
  void ddlOfSeveralDatabasesReachesBothStandbysAndWaitSaysSo() {
    primary.execute("postgres", "CREATE DATABASE sec_shop", "CREATE DATABASE sec_hr");
    primary.execute("sec_shop", "CREATE TABLE orders (id bigint PRIMARY KEY, placed timestamptz)",
        "CREATE INDEX ON orders (placed)");
    primary.execute("sec_hr", "CREATE SCHEMA staff", "CREATE TABLE staff.people (id int, name text)");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby1, standby2);
    Pipeline.CommandRun wait = pipeline.applierCommand("wait", "--standbys", "standby1,standby2", "--timeout", "30s");
    assertThat(wait.exitCode()).as(wait.output()).isZero();
    assertThat(wait.output()).contains("caught up: standby1, standby2");
    assertThat(pipeline.primary.jdbcUrl("postgres")).contains("sslmode=verify-full");
    assertThat(primary.query("postgres", "SELECT DISTINCT usename || ' super=' || rolsuper FROM pg_stat_activity"
        + " JOIN pg_roles ON rolname = usename WHERE application_name = 'ddlcast-producer'"))
        .containsExactly("ddlcast_producer super=false");
    for (PostgresServer server : List.of(primary, standby1, standby2)) {
      List<String> sessions = server.query("postgres", "SELECT coalesce(a.application_name, '') || ' '"
          + " || a.datname || ' ssl=' || s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)"
          + " WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid() ORDER BY 1");
      assertThat(sessions).as("sessions on " + server.name()).allMatch(row -> row.endsWith(" ssl=true"))
          .anyMatch(row -> row.startsWith("ddlcast-"));
    }
  }

  @Test
  @Order(2)
  void statusShowsAStoppedDatabaseThatGoesOnAfterTheOperatorSkipsItsEvent() {
    primary.execute("postgres", "CREATE DATABASE sec_ops");
    Await.until("sec_ops on standby1", CONVERGE, () -> !standby1.query("postgres",
        "SELECT 1 FROM pg_database WHERE datname = 'sec_ops'").isEmpty());
    standby1.execute("sec_ops", "CREATE TABLE clash (id int)");
    primary.execute("sec_ops", "CREATE TABLE clash (id int)", "CREATE TABLE after_skip (a int)");
    applier1.awaitOutput("STOPPED database sec_ops on standby standby1", CONVERGE);
    JsonNode status = Await.untilValue("standby1 stopped in status", CONVERGE, () -> {
      JsonNode all = statusOrEmpty();
      return standby1Row(all).path("stopped").size() > 0 ? all : null;
    });
    assertThat(status.path("standbys")).extracting(row -> row.path("standby").asText())
        .containsExactlyInAnyOrder("standby1", "standby2");
    assertThat(status.path("producers").get(0).path("published").asLong()).isPositive();
    assertThat(status.path("producers").get(0).path("unsigned").asBoolean()).as("the producer signs").isFalse();
    String event = standby1Row(status).path("stopped").get(0).path("eventId").asText();
    assertThat(standby1Row(status).path("signatures").asText()).isEqualTo("VERIFIED");
    Pipeline.CommandRun skip = pipeline.applierCommand("skip", "--standby", "standby1", "--event", event,
        "--signing-key", operatorKey.toString());
    assertThat(skip.exitCode()).as(skip.output()).isZero();
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby1, standby2);
    assertThat(applier1.output()).contains("skipped " + event + " (CREATE TABLE) on standby standby1");
  }

  @Test
  @Order(3)
  void anApplierPrincipalThatWritesTheEventTopicIsRefusedByTheBroker() {
    Properties props = new Properties();
    props.putAll(security.clientProperties(applierUser("standby1")));
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafka.bootstrapServers());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    byte[] forged = "{\"statement\":\"DROP TABLE orders\"}".getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<String, byte[]> forger = new KafkaProducer<>(props)) {
      assertThatThrownBy(() -> forger.send(new ProducerRecord<>(TOPIC, "sec_shop", forged)).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
    }
  }

  @Test
  @Order(4)
  void aKeyDdlcastOwnsInTheKafkaConfigIsRefusedByName() throws IOException {
    Path bad = configs.resolve("bad.properties");
    Files.copy(configs.resolve(OPERATOR + ".properties"), bad);
    Files.writeString(bad, "isolation.level=read_uncommitted\ngroup.id=ddlcast.applier.standby1\n",
        StandardOpenOption.APPEND);
    Pipeline.CommandRun run = pipeline.applierCommand("status", "--kafka-config", bad.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("Kafka client property isolation.level (from --kafka-config " + bad
        + ") is set by ddlcast and cannot be overridden: appliers read only committed events (read_committed)")
        .contains("Kafka client property group.id (from --kafka-config " + bad + ")");
  }

  @Test
  @Order(5)
  void noProcessLogShowsAPasswordOfTheBrokersUsers() throws IOException {
    List<String> secrets = security.secrets();
    assertThat(secrets).hasSizeGreaterThan(4);
    List<Path> logs;
    try (Stream<Path> files = Files.list(pipeline.logs())) {
      logs = files.filter(Files::isRegularFile).toList();
    }
    assertThat(logs).hasSizeGreaterThan(5);
    for (Path log : logs) {
      String text = Files.readString(log);
      for (String secret : secrets) {
        assertThat(text).as(log.getFileName() + " shows a password").doesNotContain(secret);
      }
    }
  }

  private static JsonNode standby1Row(JsonNode status) {
    for (JsonNode row : status.path("standbys")) {
      if (row.path("standby").asText().equals("standby1")) {
        return row;
      }
    }
    return MissingNode.getInstance();
  }

  private JsonNode statusOrEmpty() {
    try {
      return status();
    } catch (IOException | AssertionError e) {
      return MissingNode.getInstance();
    }
  }

  private JsonNode status() throws IOException {
    Pipeline.CommandRun run = pipeline.applierCommand("status", "--json");
    assertThat(run.exitCode()).as(run.output()).isZero();
    String out = run.output();
    return EventCodec.mapper().readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
  }
}
