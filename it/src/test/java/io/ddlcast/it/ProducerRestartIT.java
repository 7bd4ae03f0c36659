package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The producer continues where it stopped (no gap, no duplicate), and waits, saying what it waits for, when the
 * broker or the primary is not reachable yet.
 */
class ProducerRestartIT {
  private Pipeline pipeline;

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private static void tables(PostgresServer primary, String prefix, int from, int to) {
    for (int i = from; i < to; i++) {
      primary.execute("postgres", "CREATE TABLE " + prefix + i + " (id int)");
    }
  }

  private static List<String> expectedStatements(String prefix, int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add("CREATE TABLE " + prefix + i + " (id int)");
    }
    return out;
  }

  @Test
  void aRestartedProducerPublishesEveryStatementOnceInOrder() {
    pipeline = new Pipeline("ProducerRestartIT-restart", "standby1");
    PostgresServer primary = pipeline.primary;
    JavaProcess producer = pipeline.startProducer();
    pipeline.startApplier("standby1");

    tables(primary, "t", 0, 10);
    pipeline.awaitEvents(10, Duration.ofSeconds(60));
    producer.sigterm();
    producer.waitFor(Duration.ofSeconds(30));
    assertThat(producer.output()).contains("producer stopped");

    tables(primary, "t", 10, 20); // logged while no producer runs
    producer = pipeline.startProducer();
    producer.awaitOutput("resuming source", Duration.ofSeconds(60));
    pipeline.awaitEvents(20, Duration.ofSeconds(60));

    producer.sigkill(); // no chance to do anything on the way out
    tables(primary, "t", 20, 30);
    pipeline.startProducer();
    List<DdlEvent> events = pipeline.awaitEvents(30, Duration.ofSeconds(60));
    assertThat(events).extracting(DdlEvent::statement).containsExactlyElementsOf(expectedStatements("t", 30));
    assertThat(events).extracting(DdlEvent::id).doesNotHaveDuplicates();

    SchemaSnapshot.awaitConverged(Duration.ofSeconds(60), primary, pipeline.standby("standby1"));
    assertThat(pipeline.topicEvents()).extracting(DdlEvent::id).containsExactlyElementsOf(
        events.stream().map(DdlEvent::id).toList()); // nothing more arrived while the standby caught up
  }

  @Test
  void waitsForAnUnreachableBrokerPrimaryAndStandbyAndSaysSo() {
    pipeline = new Pipeline("ProducerRestartIT-unreachable", "standby1");
    PostgresServer primary = pipeline.primary;
    PostgresServer standby = pipeline.standby("standby1");
    pipeline.kafka.stop();
    primary.stop();
    standby.stop();

    JavaProcess producer = pipeline.startProducer();
    producer.awaitOutput("is unreachable", Duration.ofSeconds(30));
    assertThat(producer.output()).contains("the primary postgresql://postgres@127.0.0.1:" + primary.port());
    JavaProcess applier = pipeline.startApplier("standby1");
    applier.awaitOutput("Kafka at " + pipeline.kafka.bootstrapServers() + " is unreachable", Duration.ofSeconds(30));

    primary.start();
    producer.awaitOutput("Kafka at " + pipeline.kafka.bootstrapServers() + " is unreachable", Duration.ofSeconds(60));
    pipeline.kafka.start();
    tables(primary, "u", 0, 3);
    applier.awaitOutput("standby standby1: ", Duration.ofSeconds(60));
    applier.awaitOutput("retrying in", Duration.ofSeconds(30));
    standby.start();
    SchemaSnapshot.awaitConverged(Duration.ofSeconds(90), primary, standby);
    assertThat(pipeline.topicEvents()).extracting(DdlEvent::statement)
        .containsExactlyElementsOf(expectedStatements("u", 3));
    assertThat(producer.isAlive()).isTrue();
    assertThat(applier.isAlive()).isTrue();
  }
}
