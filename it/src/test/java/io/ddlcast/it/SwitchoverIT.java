package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresOptions;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A planned switchover, in the steps README's Failover section gives: the clients' DDL stops on the old primary,
 * {@code ddlcast switchover} drains its producer (which stops), the chosen standby applies everything and becomes
 * the source, its producer starts, the clients go on there, and the old primary rejoins as a standby. Nothing that
 * committed is lost, and every standby applies every event exactly once.
 */
class SwitchoverIT {
  private static final Duration CONVERGE = Duration.ofSeconds(150);
  private static final List<String> DATABASES = List.of("shop", "hr", "ops");

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
  void aSwitchoverLosesNothingAndEveryStandbyAppliesEachEventOnce() throws Exception {
    pipeline = new Pipeline("SwitchoverIT", "standby1");
    PostgresServer primary = pipeline.primary;
    PostgresServer standby1 = pipeline.standby("standby1");
    PostgresServer standby2 = pipeline.addStandby("standby2", PostgresOptions.primary());
    pipeline.installHelper();
    pipeline.installHelperOn(standby2);
    JavaProcess producer = pipeline.startProducer();
    pipeline.startApplier("standby1");
    JavaProcess applier2 = pipeline.startApplier("standby2");
    for (String db : DATABASES) {
      primary.execute("postgres", "CREATE DATABASE " + db);
    }
    workload = new DdlStream(primary, "t", DATABASES);
    Await.until("DDL on the primary", CONVERGE, () -> workload.ran() >= 40);
    workload.close(); // step 1: the clients' DDL stops on the old primary

    Pipeline.CommandRun switchover = pipeline.applierCommand("switchover", "--to", "standby2", "--timeout", "2m");
    assertThat(switchover.exitCode()).as(switchover.output()).isZero();
    assertThat(switchover.output()).contains("drained generation 1", "standby standby2 is the DDL source now");
    assertThat(producer.waitFor(Duration.ofSeconds(30))).as(producer.output()).isEqualTo(3);
    assertThat(producer.output()).contains("SWITCHED OVER");
    assertThat(applier2.waitFor(Duration.ofSeconds(30))).as(applier2.output()).isZero();
    SchemaSnapshot.assertConverged(primary, standby2); // every DDL that committed on the old primary is there

    Pipeline.CommandRun status = pipeline.applierCommand("status", "--json");
    assertThat(status.output()).contains("\"generation\" : 2", "\"state\" : \"source\"", "\"state\" : \"fenced\"");

    JavaProcess newProducer = pipeline.startProducerOn(standby2, "producer-standby2.log");
    newProducer.awaitOutput("publishes generation 2", CONVERGE);
    workload = new DdlStream(standby2, "after", DATABASES);
    Await.until("DDL on the new primary", CONVERGE, () -> workload.ran() >= 30);

    Pipeline.CommandRun rejoin = pipeline.applierCommand("rejoin", "--standby-name", "oldprimary", "--standby-url",
        primary.jdbcUrl("postgres"));
    assertThat(rejoin.exitCode()).as(rejoin.output()).isZero();
    assertThat(rejoin.output()).contains("no divergence");
    pipeline.startApplierOn("oldprimary", primary);
    workload.close();
    SchemaSnapshot.awaitConverged(CONVERGE, standby2, standby1, primary);

    List<DdlEvent> events = pipeline.topicEvents();
    long second = events.stream().filter(e -> e.generation() == 2).count();
    assertThat(second).isPositive();
    assertThat(pipeline.appliedIds("standby1")).doesNotHaveDuplicates().hasSize(events.size());
    assertThat(pipeline.appliedIds("oldprimary")).doesNotHaveDuplicates().hasSize((int) second);
    assertThat(pipeline.appliedIds("standby2")).doesNotHaveDuplicates().hasSize(events.size() - (int) second);
    for (PostgresServer s : List.of(standby1, standby2, primary)) {
      assertThat(s.serverLogErrors()).as(s.name()).isEmpty();
    }
  }
}
