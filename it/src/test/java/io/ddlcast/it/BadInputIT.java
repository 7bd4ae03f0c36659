package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.kafka.TopicReader;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input on both sides: each case gets a clear message naming the problem and where it is, nothing crashes, and
 * nothing that follows is lost. On the applier, a record that is not a valid event, or an event of a newer schema,
 * stops only its database's stream, and is never skipped on the applier's own authority.
 */
class BadInputIT {
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private Pipeline pipeline;

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void theProducerReportsBadRecordsAndLosesNothingAfterThem() throws Exception {
    JavaProcess producer = startConverged("BadInputIT-producer", "before_garbage");
    PostgresServer primary = pipeline.primary;

    Path log = currentLog(primary);
    long garbledAt = Files.size(log);
    append(log, "this,is,not,a,csvlog,record\n".getBytes(StandardCharsets.UTF_8));
    byte[] invalid = ("2026-11-23 18:54:13.190 UTC,\"postgres\",\"postgres\",1,\"x\",ab.cd,1,\"idle\","
        + "2026-11-23 18:54:13 UTC,9/9,0,LOG,00000,\"bad \u00ffbytes\",,,,,,,,,\"psql\",\"client backend\",,0\n")
        .getBytes(StandardCharsets.ISO_8859_1);
    append(log, invalid);
    primary.execute("postgres", "CREATE TABLE after_garbage (a int)");
    String big = "x".repeat(10 << 20); // a 10 MB statement
    primary.execute("postgres", "CREATE TABLE big (a int)", "COMMENT ON TABLE big IS '" + big + "'");

    SchemaSnapshot.awaitConverged(CONVERGE, primary, pipeline.standby("standby1"));
    assertThat(pipeline.standby("standby1").query("postgres",
        "SELECT length(obj_description('big'::regclass, 'pg_class'))")).containsExactly(Integer.toString(10 << 20));
    assertThat(producer.output())
        .contains("garbled record at " + log.getFileName() + " offset " + garbledAt)
        .contains("not valid UTF-8");

    // A truncated last record: a partial record at the end of a file, then the log rotates.
    Path truncated = currentLog(primary);
    long truncatedAt = Files.size(truncated);
    append(truncated, "2026-11-23 18:54:13.190 UTC,\"postgres\",\"post".getBytes(StandardCharsets.UTF_8));
    primary.query("postgres", "SELECT pg_rotate_logfile()");
    Thread.sleep(1100);
    primary.execute("postgres", "CREATE TABLE after_rotation (a int)");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, pipeline.standby("standby1"));
    producer.awaitOutput("truncated record at the end of " + truncated.getFileName() + " offset " + truncatedAt,
        CONVERGE);
    assertThat(producer.isAlive()).isTrue();
  }

  @Test
  void aPoisonRecordOrANewerSchemaStopsOnlyItsDatabase() throws Exception {
    pipeline = new Pipeline("BadInputIT-applier", "standby1");
    PostgresServer primary = pipeline.primary;
    pipeline.startProducer();
    JavaProcess applier = pipeline.startApplier("standby1");
    primary.execute("postgres", "CREATE DATABASE poisoned", "CREATE DATABASE fine", "CREATE DATABASE future");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, pipeline.standby("standby1"));

    DdlEvent template = pipeline.topicEvents().get(0);
    send(Topics.DEFAULT_TOPIC, "poisoned", "not json {".getBytes(StandardCharsets.UTF_8));
    String newer = EventCodec.toJson(template)
        .replace("\"schema\":" + template.schema(), "\"schema\":" + (DdlEvent.SEALED_SCHEMA_VERSION + 1))
        .replace(template.key(), "future");
    send(Topics.DEFAULT_TOPIC, "future", newer.getBytes(StandardCharsets.UTF_8));
    primary.execute("poisoned", "CREATE TABLE waits (a int)");
    primary.execute("fine", "CREATE TABLE goes_on (a int)");

    applier.awaitOutput("STOPPED database poisoned", CONVERGE);
    applier.awaitOutput("STOPPED database future", CONVERGE);
    Await.until("database fine to keep going", CONVERGE,
        () -> pipeline.standby("standby1").schemaDump("fine").equals(primary.schemaDump("fine")));
    assertThat(applier.output())
        .containsPattern("STOPPED database poisoned on standby standby1 at event \\? \\(topic ddlcast\\.ddl"
            + " partition 0 offset \\d+\\): it is not an event this applier can apply: not JSON")
        .contains("is newer than the " + DdlEvent.SEALED_SCHEMA_VERSION + " this build reads: upgrade ddlcast");
    assertThat(pipeline.standby("standby1").query("poisoned",
        "SELECT count(*) FROM pg_class WHERE relname = 'waits'")).containsExactly("0");
    assertThat(applier.isAlive()).isTrue();
  }

  @Test
  void anUnreadableCheckpointStopsTheProducerAndATombstoneLetsItStartAfresh() throws Exception {
    JavaProcess producer = startConverged("BadInputIT-checkpoint", "before_bad_checkpoint");
    PostgresServer primary = pipeline.primary;
    producer.sigterm();
    producer.waitFor(Duration.ofSeconds(30));

    String checkpoints = Topics.checkpointTopic(Topics.DEFAULT_TOPIC);
    String source = TopicReader.latestByKey(pipeline.kafka.bootstrapServers(), checkpoints).keySet().iterator()
        .next();
    send(checkpoints, source, "{\"v\":2,\"file\":".getBytes(StandardCharsets.UTF_8)); // cut short
    JavaProcess broken = pipeline.startProducer();
    assertThat(broken.waitFor(Duration.ofSeconds(60))).isEqualTo(ExitCode.FAILED.code());
    assertThat(broken.output()).contains("the checkpoint of source " + source + " (" + checkpoints + " partition 0")
        .contains("is unreadable: not JSON").contains("the producer cannot tell where it stopped")
        .contains("a tombstone for key " + source);

    send(checkpoints, source, null); // the operator deletes it, and starts at the end as the standbys match
    JavaProcess afresh = pipeline.startProducer("--from", "latest");
    afresh.awaitOutput("no checkpoint for source " + source + ": starting at the end of the csvlog", CONVERGE);
    primary.execute("postgres", "CREATE TABLE after_bad_checkpoint (a int)");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, pipeline.standby("standby1"));
    assertThat(afresh.isAlive()).isTrue();
  }

  /** A producer and an applier for standby1, which has the primary's first table. */
  private JavaProcess startConverged(String name, String table) {
    pipeline = new Pipeline(name, "standby1");
    JavaProcess producer = pipeline.startProducer();
    pipeline.startApplier("standby1");
    pipeline.primary.execute("postgres", "CREATE TABLE " + table + " (a int)");
    SchemaSnapshot.awaitConverged(CONVERGE, pipeline.primary, pipeline.standby("standby1"));
    return producer;
  }

  private void send(String topic, String key, byte[] value) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafka.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  private static Path currentLog(PostgresServer primary) throws Exception {
    String line = Files.readAllLines(primary.pgdata().resolve("current_logfiles")).stream()
        .filter(l -> l.startsWith("csvlog ")).findFirst().orElseThrow();
    return primary.pgdata().resolve(line.substring("csvlog ".length()));
  }

  private static void append(Path file, byte[] bytes) throws Exception {
    Files.write(file, bytes, StandardOpenOption.APPEND);
  }
}
