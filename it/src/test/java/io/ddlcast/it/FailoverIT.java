package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.LogPosition;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresOptions;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The primary is lost mid-workload (it and its producer are killed with SIGKILL); a standby is promoted with
 * {@code ddlcast failover}; the workload goes on there; the other standby and a new one follow the new primary; the
 * old primary comes back, its producer is fenced (exit 3, naming the new generation), and {@code ddlcast rejoin}
 * lists and undoes what it committed that never reached the topic before it follows as a standby. An event of the
 * old generation written after the switch point (a zombie) is refused everywhere.
 */
class FailoverIT {
  private static final Duration CONVERGE = Duration.ofSeconds(150);
  private static final List<String> DATABASES = List.of("app1", "app2", "app3");

  private Pipeline pipeline;
  private DdlStream workload;

  @AfterEach
  void stop() throws InterruptedException {
    if (workload != null) {
      workload.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void aStandbyIsPromotedTheOldPrimaryIsFencedAndRejoinsWithItsDivergenceUndone() throws Exception {
    pipeline = new Pipeline("FailoverIT", "standby1");
    PostgresServer primary = pipeline.primary;
    PostgresServer standby1 = pipeline.standby("standby1");
    PostgresServer standby2 = pipeline.addStandby("standby2", PostgresOptions.primary());
    pipeline.installHelper();
    pipeline.installHelperOn(standby2);
    JavaProcess producer = pipeline.startProducer();
    JavaProcess applier1 = pipeline.startApplier("standby1");
    JavaProcess applier2 = pipeline.startApplier("standby2");
    for (String db : DATABASES) {
      primary.execute("postgres", "CREATE DATABASE " + db);
    }
    workload = new DdlStream(primary, "w", DATABASES);
    pipeline.awaitEvents(25, CONVERGE);
    Await.until("standby1 applied some", CONVERGE, () -> pipeline.appliedIds("standby1").size() >= 5);
    applier1.sigkill(); // standby1 falls behind: failover must not pick it
    pipeline.awaitEvents(60, CONVERGE);
    producer.sigkill();
    int atKill = workload.ran();
    Await.until("more DDL committed after the producer died", CONVERGE, () -> workload.ran() >= atKill + 5);
    primary.sigkill();
    workload.close();
    int published = pipeline.topicEvents().size();

    Pipeline.CommandRun lessAdvanced = pipeline.applierCommand("failover", "--to", "standby1");
    assertThat(lessAdvanced.exitCode()).as(lessAdvanced.output()).isEqualTo(1);
    assertThat(lessAdvanced.output()).contains("standby standby1 is less advanced", "promote standby2");

    Pipeline.CommandRun failover = pipeline.applierCommand("failover", "--to", "standby2", "--timeout", "2m");
    assertThat(failover.exitCode()).as(failover.output()).isZero();
    assertThat(failover.output()).contains("standby standby2 is the DDL source now", "generation 2");
    assertThat(applier2.waitFor(Duration.ofSeconds(60))).as(applier2.output()).isZero();
    assertThat(applier2.output()).contains("standby standby2 is the source of generation 2");
    assertThat(pipeline.appliedIds("standby2")).doesNotHaveDuplicates().hasSize(published);

    JavaProcess newProducer = pipeline.startProducerOn(standby2, "producer-standby2.log");
    newProducer.awaitOutput("publishes generation 2", CONVERGE);
    workload = new DdlStream(standby2, "after", DATABASES);
    Await.until("DDL on the new primary", CONVERGE, () -> workload.ran() >= 20);
    workload.close();

    pipeline.startApplier("standby1");
    PostgresServer standby3 = pipeline.addStandby("standby3");
    pipeline.startApplier("standby3");
    SchemaSnapshot.awaitConverged(CONVERGE, standby2, standby1, standby3);

    String zombieId = writeZombie();
    for (String name : List.of("standby1", "standby3")) {
      Await.until(name + " refuses the zombie", CONVERGE,
          () -> pipeline.applierOutput(name).contains("refused: published by generation 1"));
      assertThat(pipeline.appliedIds(name)).doesNotContain(zombieId);
    }

    primary.start();
    JavaProcess oldProducer = pipeline.startProducerOn(primary, "producer-old-primary.log");
    assertThat(oldProducer.waitFor(Duration.ofSeconds(90))).as(oldProducer.output()).isEqualTo(3);
    assertThat(oldProducer.output()).contains("FENCED", "generation 2 is current", "standby standby2");

    primary.execute("app1", "CREATE TABLE diverged (id int)", "CREATE INDEX diverged_idx ON diverged (id)");
    primary.execute("app2", "ALTER TABLE w2 ADD COLUMN diverged_col int");
    String url = primary.jdbcUrl("postgres");
    Pipeline.CommandRun report = pipeline.applierCommand("rejoin", "--standby-name", "oldprimary",
        "--standby-url", url);
    assertThat(report.exitCode()).as(report.output()).isZero();
    assertThat(report.output()).contains("app1: extra     table public.diverged", "app1: extra     index",
        "app2: extra     column public.w2.diverged_col", "kept (report only)");
    Pipeline.CommandRun undo = pipeline.applierCommand("rejoin", "--standby-name", "oldprimary",
        "--standby-url", url, "--undo");
    assertThat(undo.exitCode()).as(undo.output()).isZero();
    assertThat(undo.output()).contains("undone: DROP TABLE", "diverged");

    pipeline.startApplierOn("oldprimary", primary);
    standby2.execute("app3", "CREATE TABLE after_rejoin (id int)");
    SchemaSnapshot.awaitConverged(CONVERGE, standby2, standby1, standby3, primary);
    for (PostgresServer s : List.of(standby1, standby3, standby2, primary)) {
      assertThat(s.query("app1", "SELECT count(*) FROM pg_class WHERE relname = 'zombie_t'")).containsExactly("0");
    }
    for (PostgresServer s : List.of(standby1, standby3, standby2, primary)) {
      assertThat(s.serverLogErrors()).as(s.name()).isEmpty();
    }
    assertThat(pipeline.appliedIds("oldprimary")).doesNotContain(zombieId).doesNotHaveDuplicates();
    assertThat(pipeline.applierOutput("oldprimary")).contains("refused: published by generation 1");
    int events = pipeline.topicEvents().size() - 1; // all but the zombie
    assertThat(pipeline.appliedIds("standby3")).doesNotHaveDuplicates().hasSize(events);
  }

  /** A copy of a generation-1 event with another statement, written after the switch point: a zombie's. */
  private String writeZombie() throws Exception {
    DdlEvent model = pipeline.topicEvents().stream().filter(e -> e.generation() == 1 && "app1".equals(e.key()))
        .findFirst().orElseThrow();
    LogPosition at = new LogPosition(model.position().file(), model.position().offset() + 1, "zombie.1", 1);
    DdlEvent zombie = new DdlEvent(model.schema(), DdlEvent.idOf(at), model.source(), "app1", "app1", model.scope(),
        model.user(), model.context(), "CREATE TABLE", "CREATE TABLE zombie_t (id int)", model.logTime(), at);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafka.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<String, byte[]> writer = new KafkaProducer<>(props)) {
      writer.send(new ProducerRecord<>(Topics.DEFAULT_TOPIC, "app1", EventCodec.encode(zombie))).get();
    }
    return zombie.id();
  }
}
