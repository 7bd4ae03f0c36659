package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The pipeline end to end on a real primary, two real standbys and a real broker, in the order an operator lives
 * it: a mixed workload converges; an applier restarted in the middle applies nothing twice and misses nothing; a
 * third, empty standby converges by replaying the topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationIT {
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private Pipeline pipeline;
  private PostgresServer primary;
  private JavaProcess applier1;
  private long committed;

  @BeforeAll
  void start() {
    pipeline = new Pipeline("ReplicationIT", "standby1", "standby2");
    primary = pipeline.primary;
    pipeline.startProducer();
    applier1 = pipeline.startApplier("standby1");
    pipeline.startApplier("standby2");
  }

  @AfterAll
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  @Order(1)
  void aMixedWorkloadConvergesAndFailedDdlNeverReachesAStandby() throws Exception {
    Workload.MIXED.runOn(primary);
    committed += Workload.MIXED.committed();
    // A session that stays open after its DDL: its outcome is settled through the primary, not by a later record.
    try (Connection quiet = primary.connect("shop"); Statement s = quiet.createStatement()) {
      s.execute("CREATE TABLE sales.audit (at timestamptz, what text)");
      s.execute("CREATE INDEX audit_at ON sales.audit (at)");
      committed += 2;
      SchemaSnapshot.awaitConverged(CONVERGE, primary, pipeline.standby("standby1"), pipeline.standby("standby2"));
    }

    assertThat(pipeline.standby("standby1").databases()).contains("shop", "Zürich").doesNotContain("scratch");
    assertNoErrorsOnStandbys("standby1", "standby2");
    List<DdlEvent> events = pipeline.topicEvents();
    assertThat(events).hasSize((int) committed);
    assertThat(events).extracting(DdlEvent::id).doesNotHaveDuplicates();
    assertThat(events).extracting(DdlEvent::statement)
        .noneMatch(sql -> sql.contains("sales.half") || sql.contains("kaputt") || sql.contains("sales.missing"));
    DdlEvent createShop = events.get(0);
    assertThat(createShop.key()).isEqualTo("shop");
    assertThat(createShop.database()).isEqualTo("postgres");
  }

  @Test
  @Order(2)
  void anApplierRestartedInTheMiddleAppliesNothingTwiceAndMissesNothing() {
    applier1.sigterm();
    applier1.waitFor(Duration.ofSeconds(60));
    assertThat(applier1.output()).contains("applier for standby standby1 stopped");

    Workload.MORE.runOn(primary);
    committed += Workload.MORE.committed();
    SchemaSnapshot.awaitConverged(CONVERGE, primary, pipeline.standby("standby2"));
    assertThat(SchemaSnapshot.of(pipeline.standby("standby1"))).isNotEqualTo(SchemaSnapshot.of(primary));

    applier1 = pipeline.startApplier("standby1");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, pipeline.standby("standby1"), pipeline.standby("standby2"));

    assertThat(pipeline.topicEvents()).hasSize((int) committed);
    for (String standby : List.of("standby1", "standby2")) {
      List<String> applied = pipeline.appliedIds(standby);
      assertThat(applied).as("events applied on " + standby).doesNotHaveDuplicates().hasSize((int) committed);
    }
    assertNoErrorsOnStandbys("standby1", "standby2");
  }

  @Test
  @Order(3)
  void aFreshStandbyConvergesByReplayingTheTopic() {
    PostgresServer standby3 = pipeline.addStandby("standby3");
    pipeline.startApplier("standby3");

    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby3);
    assertThat(new HashSet<>(pipeline.appliedIds("standby3"))).hasSize((int) committed);
    assertNoErrorsOnStandbys("standby3");
  }

  private void assertNoErrorsOnStandbys(String... names) {
    for (String name : names) {
      assertThat(pipeline.standby(name).serverLogErrors()).as("ERROR lines in the server log of " + name).isEmpty();
    }
  }
}
