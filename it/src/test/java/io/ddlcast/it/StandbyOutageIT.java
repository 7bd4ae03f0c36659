package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A standby that goes down keeps its history in Kafka: its applier says what it cannot reach and retries with
 * backoff, the other standby is not held up, and once the standby is back it catches up, applying nothing twice.
 */
class StandbyOutageIT {
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private Pipeline pipeline;

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void aStandbyThatWasDownCatchesUp() {
    pipeline = new Pipeline("StandbyOutageIT", "standby1", "standby2");
    PostgresServer primary = pipeline.primary;
    PostgresServer standby1 = pipeline.standby("standby1");
    PostgresServer standby2 = pipeline.standby("standby2");
    pipeline.startProducer();
    JavaProcess applier1 = pipeline.startApplier("standby1");
    pipeline.startApplier("standby2");

    primary.execute("postgres", "CREATE DATABASE app");
    primary.execute("app", "CREATE TABLE before_outage (id int)");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby1, standby2);

    standby1.stop();
    primary.execute("app", "CREATE TABLE during_outage (id int)", "CREATE INDEX ON during_outage (id)");
    primary.execute("postgres", "CREATE DATABASE created_during_outage");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby2);
    applier1.awaitOutput("standby standby1: ", CONVERGE);
    applier1.awaitOutput("retrying in", CONVERGE);

    standby1.start();
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby1, standby2);
    assertThat(applier1.isAlive()).isTrue();
    assertThat(applier1.output()).contains("reachable again");
    int events = pipeline.topicEvents().size();
    assertThat(pipeline.appliedIds("standby1")).doesNotHaveDuplicates().hasSize(events);
    assertThat(standby1.serverLogErrors()).isEmpty();
  }
}
