package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.kafka.KafkaCluster;
import io.ddlcast.common.kafka.TopicReader;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.PsqlRun;
import io.ddlcast.testkit.SchemaSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * No clear-text secret on any topic: with {@code --secrets-key} on the producer and the appliers, role passwords
 * (SCRAM and md5), user mappings and servers with secret options, a subscription's connection string, a statement
 * pending in a checkpoint and a skipped event in the dead letters leave none of their secrets in the raw bytes of any
 * topic (keys, values, headers, aborted transactions too), while the standbys converge and the user mapping
 * authenticates there. A second producer on the same primary without a key publishes none of those statements
 * and says why. One pipeline; each case in its own database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SealedSecretsIT {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String NO_KEY_TOPIC = "nokey.ddl";
  private static final List<String> SECRETS = List.of("ScramSecret-1", "Md5Secret-2", "ServerSecret-3",
      "ApiSecret-4", "ServerSecret-5", "KeySecret-6", "RemoteSecret-7", "PendingSecret-8", "SubSecret-9",
      "DeadSecret-10");

  private Pipeline pipeline;
  private PostgresServer primary;
  private PostgresServer standby1;
  private PostgresServer standby2;
  private JavaProcess producer;

  @BeforeAll
  void start() {
    pipeline = new Pipeline("SealedSecretsIT", "standby1", "standby2");
    primary = pipeline.primary;
    standby1 = pipeline.standby("standby1");
    standby2 = pipeline.standby("standby2");
    pipeline.installHelper();
    producer = pipeline.startProducer(); // the pipeline gives producer and appliers its --secrets-key
    pipeline.startApplier("standby1");
    pipeline.startApplier("standby2");
  }

  @AfterAll
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private void converged() {
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby1, standby2);
    assertThat(standby1.serverLogErrors()).as("ERRORs on standby1").isEmpty();
  }

  @Test
  @Order(1)
  void rolePasswordsScramAndMd5() {
    primary.execute("postgres", "CREATE ROLE sk_scram LOGIN PASSWORD 'ScramSecret-1'");
    primary.psql(PsqlRun.script("postgres", "SET password_encryption = 'md5';\n"
        + "CREATE ROLE sk_md5 LOGIN PASSWORD 'Md5Secret-2';\n"));
    converged();
    String verifiers = "SELECT rolname || ' ' || rolpassword FROM pg_authid WHERE rolname LIKE 'sk\\_%' ORDER BY 1";
    assertThat(primary.query("postgres", verifiers)).hasSize(2).anyMatch(v -> v.startsWith("sk_md5 md5"));
    assertThat(standby1.query("postgres", verifiers)).isEqualTo(primary.query("postgres", verifiers));
    assertThat(standby2.query("postgres", verifiers)).isEqualTo(primary.query("postgres", verifiers));
    assertThat(pipeline.producerLog()).contains("md5 verifier").contains("sk_md5");
  }

  @Test
  @Order(2)
  void userMappingsAndServersWithSecretOptions() throws Exception {
    primary.execute("postgres", "CREATE DATABASE sk_fdw", "CREATE ROLE sk_remote LOGIN PASSWORD 'RemoteSecret-7'",
        "CREATE ROLE sk_local LOGIN");
    primary.execute("sk_fdw", "CREATE EXTENSION postgres_fdw", "CREATE FOREIGN DATA WRAPPER sk_dummy",
        "CREATE SERVER sk_opts FOREIGN DATA WRAPPER sk_dummy OPTIONS (password 'ServerSecret-3', "
            + "api_key 'ApiSecret-4')",
        "ALTER SERVER sk_opts OPTIONS (SET password 'ServerSecret-5')",
        "CREATE USER MAPPING FOR PUBLIC SERVER sk_opts OPTIONS (secret_key 'KeySecret-6')",
        "CREATE SERVER sk_loop FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '"
            + primary.port() + "', dbname 'sk_fdw')",
        "CREATE USER MAPPING FOR sk_local SERVER sk_loop OPTIONS (user 'sk_remote', password 'RemoteSecret-7')",
        "CREATE TABLE remote_t (x int)", "GRANT SELECT ON remote_t TO sk_remote",
        "CREATE FOREIGN TABLE ft (x int) SERVER sk_loop OPTIONS (table_name 'remote_t')",
        "GRANT SELECT ON ft TO sk_local");
    // a statement with a secret waits for its transaction across checkpoints (written every second), and the
    // producer is killed meanwhile: restarted from the checkpoint, it publishes the statement exactly
    try (Connection c = primary.connect("sk_fdw"); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("ALTER USER MAPPING FOR PUBLIC SERVER sk_opts OPTIONS (ADD password 'PendingSecret-8')");
      Thread.sleep(2500);
      producer.sigkill();
      producer.waitFor(Duration.ofSeconds(10));
      c.commit();
    }
    producer = pipeline.startProducer();
    converged();
    String mappings = "SELECT srvname || ' ' || usename || ' ' || umoptions::text FROM pg_user_mappings ORDER BY 1";
    assertThat(primary.query("sk_fdw", mappings)).hasSize(2);
    assertThat(standby1.query("sk_fdw", mappings)).isEqualTo(primary.query("sk_fdw", mappings));
    assertThat(standby2.query("sk_fdw", mappings)).isEqualTo(primary.query("sk_fdw", mappings));
    assertThat(pipeline.producerLog()).contains("resuming source");
    assertThat(pipeline.topicEvents()).filteredOn(e -> e.statement().startsWith("ALTER USER MAPPING FOR PUBLIC"))
        .singleElement().satisfies(e -> assertThat(e.sealed()).isNotNull());
  }

  @Test
  @Order(3)
  void subscriptionConnectionStrings() {
    primary.execute("postgres", "CREATE DATABASE sk_sub");
    primary.psql(PsqlRun.command("sk_sub", "CREATE SUBSCRIPTION sk_sub CONNECTION 'host=127.0.0.1 port=1 "
        + "dbname=sk_sub user=u password=SubSecret-9' PUBLICATION p WITH (connect = false)"));
    primary.psql(PsqlRun.command("sk_sub", "ALTER SUBSCRIPTION sk_sub CONNECTION 'host=127.0.0.1 port=2 "
        + "dbname=sk_sub user=u password=SubSecret-9'"));
    // a subscription is never replicated: gone again, so that the schemas compare
    primary.execute("sk_sub", "ALTER SUBSCRIPTION sk_sub SET (slot_name = NONE)", "DROP SUBSCRIPTION sk_sub",
        "CREATE TABLE after_sub (a int)");
    converged();
    assertThat(standby1.query("sk_sub", "SELECT count(*) FROM pg_subscription")).containsExactly("0");
  }

  @Test
  @Order(4)
  void aSkippedSealedEventGoesToTheDeadLettersSealed() {
    primary.execute("postgres", "CREATE DATABASE sk_dead");
    primary.execute("sk_dead", "CREATE FOREIGN DATA WRAPPER sk_dead_fdw");
    Await.until("the wrapper on standby2", CONVERGE,
        () -> standby2.query("sk_dead", "SELECT count(*) FROM pg_foreign_data_wrapper").equals(List.of("1")));
    String server = "CREATE SERVER sk_dead_srv FOREIGN DATA WRAPPER sk_dead_fdw OPTIONS (password 'DeadSecret-10')";
    standby2.execute("sk_dead", server); // standby2 has it already: the replayed CREATE fails there
    primary.execute("sk_dead", server, "CREATE TABLE after_dead (a int)");
    String stopped = Await.untilValue("standby2 to stop on the server", CONVERGE, () -> {
      JsonNode row = standbyRow("standby2");
      return row != null && row.path("stopped").size() > 0 ? row.path("stopped").get(0).path("eventId").asText()
          : null;
    });
    assertThat(pipeline.applierCommand("skip", "--standby", "standby2", "--event", stopped).exitCode()).isZero();
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby1, standby2);
    assertThat(String.join("\n", TopicReader.readAll(pipeline.kafka.bootstrapServers(), "ddlcast.ddl.dead-letter")
        .stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList()))
        .contains(stopped).contains("password '********'").contains("\"sealed\":");
  }

  @Test
  @Order(5)
  void withoutAKeyNoStatementWithASecretIsPublished() throws Exception {
    Path out = Pipeline.ROOT.resolve("it/target/it-logs/SealedSecretsIT/producer-nokey.log");
    List<String> args = List.of("run", "--bootstrap-servers", pipeline.kafka.bootstrapServers(), "--primary-url",
        primary.jdbcUrl("postgres"), "--poll-interval", "50ms", "--log-dir", primary.logDirectory().toString(),
        "--source", "nokey", "--topic", NO_KEY_TOPIC);
    try (JavaProcess producer = JavaProcess.startJar(Pipeline.PRODUCER_JAR, List.of("-Xmx128m"), args, Map.of(),
        out)) {
      producer.awaitOutput("published", CONVERGE);
      Await.until("the no-key producer to reach after_dead", CONVERGE,
          () -> producer.output().contains("after_dead"));
      assertThat(producer.output()).contains("not published").contains("--secrets-key")
          .contains("md5 verifier").contains("sk_md5");
    }
    List<String> shipped = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(pipeline.kafka.bootstrapServers(), NO_KEY_TOPIC)) {
      DdlEvent event = EventCodec.decode(r.value());
      assertThat(event.sealed()).isNull();
      shipped.add(event.statement());
    }
    assertThat(shipped).anyMatch(s -> s.contains("after_dead")).anyMatch(s -> s.contains("CREATE ROLE sk_scram"))
        .noneMatch(s -> s.contains("USER MAPPING") || s.contains("SERVER sk_opts")
            || s.contains("SERVER sk_dead_srv") || s.contains("SUBSCRIPTION"));
  }

  @Test
  @Order(6)
  void noTopicHoldsASecret() throws Exception {
    Map<String, String> raw = rawTopics();
    assertThat(raw).containsKeys("ddlcast.ddl", "ddlcast.ddl.checkpoints", "ddlcast.ddl.results",
        "ddlcast.ddl.dead-letter", NO_KEY_TOPIC, NO_KEY_TOPIC + ".checkpoints");
    String md5 = primary.query("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'sk_md5'").get(0);
    String scram = primary.query("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'sk_scram'").get(0);
    raw.forEach((topic, text) -> {
      for (String secret : SECRETS) {
        assertThat(text).as("%s holds %s", topic, secret).doesNotContain(secret);
      }
      if (topic.startsWith("ddlcast.")) { // with a key, verifiers travel sealed too
        assertThat(text).as(topic).doesNotContain(md5.substring(3)).doesNotContain(scram);
      }
    });
    assertThat(raw.get("ddlcast.ddl")).contains("\"sealed\":");
  }

  @Test
  @Order(7)
  void theUserMappingAuthenticatesOnTheStandby() throws Exception {
    // the replicated server points at the primary: aimed at standby1 itself, which asks sk_remote for a password
    Path hba = standby1.pgdata().resolve("pg_hba.conf");
    Files.writeString(hba, "host all sk_remote 127.0.0.1/32 scram-sha-256\n" + Files.readString(hba));
    standby1.execute("sk_fdw", "SELECT pg_reload_conf()",
        "ALTER SERVER sk_loop OPTIONS (SET port '" + standby1.port() + "')");
    Thread.sleep(500);
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + standby1.host() + ":" + standby1.port()
        + "/sk_fdw", "sk_local", "");
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM ft")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isZero();
    }
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + standby1.host() + ":" + standby1.port()
        + "/sk_fdw", "sk_remote", "RemoteSecret-7")) {
      assertThat(c.isValid(5)).as("sk_remote needs its password on standby1").isTrue();
    }
  }

  private JsonNode standbyRow(String standby) {
    String out = pipeline.applierCommand("status", "--json").output();
    JsonNode status;
    try {
      status = EventCodec.mapper().readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    for (JsonNode row : status.path("standbys")) {
      if (row.path("standby").asText().equals(standby)) {
        return row;
      }
    }
    return null;
  }

  /** Every record of every topic but Kafka's own, read uncommitted: key, value and headers, as text. */
  private Map<String, String> rawTopics() throws Exception {
    String bootstrap = pipeline.kafka.bootstrapServers();
    Set<String> topics;
    try (Admin admin = Admin.create(KafkaCluster.clientProperties(bootstrap, "sealed-secrets-it"))) {
      topics = admin.listTopics().names().get();
    }
    Properties props = KafkaCluster.clientProperties(bootstrap, "sealed-secrets-it");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Map<String, String> out = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      for (String topic : topics) {
        if (topic.startsWith("__")) {
          continue;
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic)) {
          partitions.add(new TopicPartition(topic, p.partition()));
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        StringBuilder text = new StringBuilder();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            text.append(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8)).append(' ');
            for (Header h : r.headers()) {
              text.append(h.key()).append('=').append(h.value() == null ? ""
                  : new String(h.value(), StandardCharsets.UTF_8)).append(' ');
            }
            text.append(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8)).append('\n');
          }
        }
        out.put(topic, text.toString());
      }
    }
    return out;
  }
}
