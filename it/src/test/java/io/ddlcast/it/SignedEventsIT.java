package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.kafka.KafkaCluster;
import io.ddlcast.common.kafka.TopicReader;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.trust.KeyFiles;
import io.ddlcast.common.trust.KeyId;
import io.ddlcast.common.trust.SigningKey;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
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
 * Signed events on real servers, keys made by {@code openssl} as an operator makes them. The producer signs with
 * key A; standby s1 trusts A and B (and operator key O) and serves only the primary's source; standby
 * {@code open} runs unsigned, as every applier did before signing existed. A producer restarted with key B is
 * accepted without restarting the appliers. Records written straight to the topic by someone without the key (an
 * unsigned event; one signed with a stranger's key; a producer's signed event with its statement altered; a
 * correctly signed event of a source s1 does not serve) are not applied on s1 (on {@code open}, unsigned, they
 * are: the attack these keys stop): each stops its own database's stream there, naming
 * topic, partition, offset and why, in the log and in {@code status --json}. An unsigned {@code skip} is refused; a
 * skip signed with O moves the stream on and later DDL of those databases converges.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignedEventsIT {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String TOPIC = Topics.DEFAULT_TOPIC;
  private static final List<String> FORGED = List.of("unsigned_db", "foreign_db", "altered_db", "source_db");

  private Path keys;

  private Pipeline pipeline;
  private PostgresServer primary;
  private PostgresServer s1;
  private PostgresServer open;
  private JavaProcess applier1;
  private JavaProcess applierOpen;
  private String source;
  /** The offset of each forged record, by database. */
  private final Map<String, Long> forgedAt = new TreeMap<>();
  private JavaProcess producerA;

  private Path key(String name) throws Exception {
    Path file = keys.resolve(name + ".key");
    openssl("genpkey", "-algorithm", "ed25519", "-out", file.toString());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    openssl("pkey", "-in", file.toString(), "-pubout", "-out", keys.resolve(name + ".pub").toString());
    return file;
  }

  private Path pub(String name) {
    return keys.resolve(name + ".pub");
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("openssl %s: %s", command, out).isZero();
  }

  @BeforeAll
  void start() throws Exception {
    keys = Files.createTempDirectory("ddlcast-keys");
    key("producerA");
    key("producerB");
    key("stranger");
    key("operator");
    pipeline = new Pipeline("SignedEventsIT", "s1", "open");
    primary = pipeline.primary;
    s1 = pipeline.standby("s1");
    open = pipeline.standby("open");
    source = primary.pgdata() != null
        ? primary.query("postgres", "SELECT system_identifier FROM pg_control_system()").get(0) : "primary";
    producerA = pipeline.startProducer("--signing-key", keys.resolve("producerA.key").toString());
    String trusted = pub("producerA") + "," + pub("producerB");
    applier1 = pipeline.startApplier("s1", "--trusted-keys", trusted, "--operator-keys",
        pub("operator").toString(), "--sources", source);
    applierOpen = pipeline.startApplier("open");
  }

  @AfterAll
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
    if (keys != null) {
      try (var files = Files.list(keys)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
        Files.delete(keys);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static String id(Path publicKey) {
    return KeyId.of(KeyFiles.publicKey(publicKey)).hex();
  }

  @Test
  @Order(1)
  void signedEventsApplyAndARotatedProducerKeyIsAcceptedWithoutRestartingTheAppliers() throws Exception {
    primary.execute("postgres", "CREATE DATABASE rotation");
    primary.execute("rotation", "CREATE TABLE under_a (a int)");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, s1, open);
    assertThat(pipeline.producerLog()).contains("signing events with Ed25519 key " + id(pub("producerA")));
    assertThat(applier1.output()).contains("standby s1 applies only events signed by key(s) "
        + String.join(", ", new TreeSet<>(List.of(id(pub("producerA")), id(pub("producerB"))))))
        .contains("serves only the events of source(s) " + source);

    producerA.sigterm();
    producerA.waitFor(Duration.ofSeconds(60));
    assertThat(producerA.output()).contains("producer stopped");
    pipeline.startProducer("--signing-key", keys.resolve("producerB.key").toString());
    primary.execute("rotation", "CREATE TABLE under_b (b int)");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, s1, open);
    assertThat(pipeline.producerLog()).contains("signing events with Ed25519 key " + id(pub("producerB")));
    assertThat(applier1.isAlive()).isTrue();
    List<String> keyIds = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(pipeline.kafka.bootstrapServers(), TOPIC)) {
      Header k = r.headers().lastHeader("ddlcast-key");
      keyIds.add(k == null ? "none" : new String(k.value(), StandardCharsets.US_ASCII));
    }
    assertThat(keyIds).contains(id(pub("producerA")), id(pub("producerB"))).doesNotContain("none");
  }

  @Test
  @Order(2)
  void forgedRecordsAreAppliedByNoVerifyingStandbyAndStopOnlyTheirDatabase() throws Exception {
    for (String db : FORGED) {
      primary.execute("postgres", "CREATE DATABASE " + db);
      primary.execute(db, "CREATE TABLE base (a int)");
    }
    SchemaSnapshot.awaitConverged(CONVERGE, primary, s1, open);

    ConsumerRecord<String, byte[]> honest = producerRecordOf("altered_db", "CREATE TABLE base");
    try (KafkaProducer<String, byte[]> mallory = mallory()) {
      forgedAt.put("unsigned_db", send(mallory, new ProducerRecord<>(TOPIC, "unsigned_db",
          forgedEvent("unsigned_db", source, "forged:1"))));
      forgedAt.put("foreign_db", send(mallory, SigningKey.load(keys.resolve("stranger.key")).sign(
          new ProducerRecord<>(TOPIC, "foreign_db", forgedEvent("foreign_db", source, "forged:2")))));
      ObjectNode altered = (ObjectNode) EventCodec.mapper().readTree(honest.value());
      altered.put("statement", "CREATE TABLE forged (a int)");
      forgedAt.put("altered_db", send(mallory, new ProducerRecord<>(TOPIC, null, "altered_db",
          EventCodec.mapper().writeValueAsBytes(altered), honest.headers())));
      forgedAt.put("source_db", send(mallory, SigningKey.load(keys.resolve("producerB.key")).sign(
          new ProducerRecord<>(TOPIC, "source_db", forgedEvent("source_db", "other-primary", "forged:4")))));
    }
    primary.execute("rotation", "CREATE TABLE after_forgeries (c int)");

    for (String db : FORGED) {
      applier1.awaitOutput("STOPPED database " + db + " on standby ", CONVERGE);
    }
    String log = applier1.output();
    assertThat(log).contains("STOPPED database unsigned_db on standby s1 at event ? (topic " + TOPIC
        + " partition 0 offset " + forgedAt.get("unsigned_db") + "): it is not an event this applier can apply: "
        + "refused: it is not signed (no ddlcast-sig header)");
    assertThat(log).contains("(topic " + TOPIC + " partition 0 offset " + forgedAt.get("foreign_db")
        + "): it is not an event this applier can apply: refused: it is signed by key " + id(pub("stranger"))
        + ", which is not trusted here");
    assertThat(log).contains("(topic " + TOPIC + " partition 0 offset " + forgedAt.get("altered_db")
        + "): it is not an event this applier can apply: refused: its signature by key " + id(pub("producerB"))
        + " does not match its topic, key and value");
    assertThat(log).contains("(topic " + TOPIC + " partition 0 offset " + forgedAt.get("source_db")
        + "): it is not an event this applier can apply: refused: its source other-primary is not one this "
        + "applier serves (--sources " + source + ")");
    Await.until("after_forgeries on s1", CONVERGE, () -> s1.query("rotation",
        "SELECT count(*) FROM pg_class WHERE relname = 'after_forgeries'").equals(List.of("1")));
    for (String db : FORGED) {
      assertThat(s1.query(db, "SELECT count(*) FROM pg_class WHERE relname = 'forged'"))
          .as("forged table in %s", db).containsExactly("0");
    }
    Await.until("the unsigned standby to run the forged statement", CONVERGE, () -> open.query("unsigned_db",
        "SELECT count(*) FROM pg_class WHERE relname = 'forged'").equals(List.of("1")));

    JsonNode row = awaitStandby("s1", r -> r.path("stopped").size() == FORGED.size());
    assertThat(row.path("state").asText()).isEqualTo("stopped");
    assertThat(row.path("signatures").asText()).isEqualTo("VERIFIED");
    for (JsonNode stop : row.path("stopped")) {
      String db = stop.path("database").asText();
      assertThat(FORGED).contains(db);
      assertThat(stop.path("eventId").asText()).isEqualTo("@0:" + forgedAt.get(db));
      assertThat(stop.path("offset").asLong()).isEqualTo(forgedAt.get(db));
      assertThat(stop.path("partition").asInt()).isZero();
      assertThat(stop.path("message").asText()).startsWith("it is not an event this applier can apply: refused: ");
    }
  }

  @Test
  @Order(3)
  void anUnsignedSkipIsRefusedAndASignedOneMovesEachStreamOn() throws Exception {
    String unsignedAt = "@0:" + forgedAt.get("unsigned_db");
    Pipeline.CommandRun unsigned = pipeline.applierCommand("skip", "--standby", "s1", "--event", unsignedAt);
    assertThat(unsigned.exitCode()).isZero();
    assertThat(unsigned.output()).contains("UNSIGNED: an applier given --operator-keys refuses it");
    applier1.awaitOutput("REFUSED the operator command at " + TOPIC + ".control partition 0", CONVERGE);
    assertThat(applier1.output()).contains("(SKIP of event " + unsignedAt + " for standby s1 by ")
        .contains("it is not signed (no ddlcast-sig header)").doesNotContain("skips event " + unsignedAt);
    JsonNode still = awaitStandby("s1", r -> true);
    assertThat(still.path("stopped").size()).isEqualTo(FORGED.size());

    for (String db : FORGED) {
      Pipeline.CommandRun skip = pipeline.applierCommand("skip", "--standby", "s1", "--event",
          "@0:" + forgedAt.get(db), "--signing-key", keys.resolve("operator.key").toString());
      assertThat(skip.exitCode()).as(skip.output()).isZero();
      assertThat(skip.output()).contains("(signed with key " + id(pub("operator")) + ")");
    }
    for (String db : FORGED) {
      primary.execute(db, "CREATE TABLE after_skip (a int)");
    }
    SchemaSnapshot.awaitConverged(CONVERGE, primary, s1);
    awaitStandby("s1", r -> r.path("stopped").isEmpty() && r.path("state").asText().equals("streaming"));
    assertThat(pipeline.applierCommand("wait", "--standbys", "s1", "--now", "--timeout", "60s").exitCode())
        .isZero();
    assertThat(applier1.output()).contains("the operator (").contains("skips event @0:" + forgedAt.get("source_db"));
  }

  @Test
  @Order(4)
  void anUnsignedStandbySaysSoAtStartAndInStatus() throws Exception {
    assertThat(applierOpen.output()).contains("UNSIGNED: standby open applies events without checking their "
        + "signature (no --trusted-keys)").contains("operator commands (retry, skip) for standby open are obeyed "
        + "unsigned");
    assertThat(awaitStandby("open", r -> r.has("signatures")).path("signatures").asText()).isEqualTo("UNSIGNED");
    Pipeline.CommandRun table = pipeline.applierCommand("status");
    assertThat(table.exitCode()).isZero();
    String text = table.output();
    assertThat(text.substring(text.indexOf("\nopen "), text.indexOf("\ns1 ")))
        .contains("UNSIGNED: applies events without checking their signature (no --trusted-keys)");
    assertThat(text.substring(text.indexOf("\ns1 "), text.indexOf("PRODUCER"))).doesNotContain("UNSIGNED");
  }

  private KafkaProducer<String, byte[]> mallory() {
    Properties props = KafkaCluster.clientProperties(pipeline.kafka.bootstrapServers(), "mallory");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  private static long send(KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record)
      throws Exception {
    return producer.send(record).get(30, TimeUnit.SECONDS).offset();
  }

  /** An event as the producer would write it, of {@code source}, creating table forged in {@code db}. */
  private static byte[] forgedEvent(String db, String source, String id) throws Exception {
    ObjectNode e = EventCodec.mapper().createObjectNode();
    e.put("schema", 1);
    e.put("id", id);
    e.put("source", source);
    e.put("database", db);
    e.put("key", db);
    e.put("scope", "DATABASE");
    e.put("user", "postgres");
    e.put("command", "CREATE TABLE");
    e.put("statement", "CREATE TABLE forged (a int)");
    e.put("logTime", "2026-12-01T00:00:00Z");
    ObjectNode position = e.putObject("position");
    position.put("file", "x.csv");
    position.put("offset", 0);
    position.put("session", "forged");
    position.put("line", 1);
    byte[] bytes = EventCodec.mapper().writeValueAsBytes(e);
    EventCodec.decode(bytes); // a valid event: only its signature (or source) is wrong
    return bytes;
  }

  /** The producer's record of the statement starting with {@code prefix} in {@code db}. */
  private ConsumerRecord<String, byte[]> producerRecordOf(String db, String prefix) throws Exception {
    for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(pipeline.kafka.bootstrapServers(), TOPIC)) {
      if (db.equals(r.key()) && EventCodec.decode(r.value()).statement().startsWith(prefix)) {
        return r;
      }
    }
    throw new AssertionError("no event " + prefix + " in " + db);
  }

  private JsonNode status() throws Exception {
    Pipeline.CommandRun run = pipeline.applierCommand("status", "--json");
    assertThat(run.exitCode()).as(run.output()).isZero();
    String out = run.output();
    return EventCodec.mapper().readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
  }

  private JsonNode awaitStandby(String name, Predicate<JsonNode> condition) {
    return Await.untilValue("status of " + name, CONVERGE, () -> {
      try {
        for (JsonNode row : status().path("standbys")) {
          if (row.path("standby").asText().equals(name)) {
            return condition.test(row) ? row : null;
          }
        }
        return null;
      } catch (Exception e) {
        return null;
      }
    });
  }
}
