package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Killed processes lose nothing and repeat nothing: a second producer for the same primary fences the first; an
 * applier killed again and again, at any moment (also between a statement and its offset commit, and during
 * statements that cannot run in a transaction), neither re-applies nor skips an event.
 */
class CrashExactnessIT {
  private static final Duration CONVERGE = Duration.ofSeconds(120);

  private Pipeline pipeline;

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void aSecondProducerForTheSamePrimaryFencesTheFirst() {
    pipeline = new Pipeline("CrashExactnessIT-fence", "standby1");
    PostgresServer primary = pipeline.primary;
    JavaProcess first = pipeline.startProducer();
    pipeline.startApplier("standby1");
    primary.execute("postgres", "CREATE TABLE f1 (a int)");
    pipeline.awaitEvents(1, CONVERGE);

    JavaProcess second = pipeline.startProducer();
    second.awaitOutput("resuming source", CONVERGE);
    primary.execute("postgres", "CREATE TABLE f2 (a int)", "CREATE TABLE f3 (a int)");
    assertThat(first.waitFor(Duration.ofSeconds(60))).isEqualTo(3);
    assertThat(first.output()).contains("another producer for source").contains("took over");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, pipeline.standby("standby1"));
    assertThat(pipeline.topicEvents()).extracting(DdlEvent::statement)
        .containsExactly("CREATE TABLE f1 (a int)", "CREATE TABLE f2 (a int)", "CREATE TABLE f3 (a int)");
    assertThat(second.isAlive()).isTrue();
  }

  @Test
  void anApplierKilledAtAnyMomentAppliesEveryEventExactlyOnce() throws Exception {
    pipeline = new Pipeline("CrashExactnessIT-applier", "standby1");
    PostgresServer primary = pipeline.primary;
    pipeline.installHelper();
    pipeline.startProducer();
    JavaProcess applier = pipeline.startApplier("standby1");
    int kills = 0;
    for (int round = 0; round < 12; round++) {
      primary.execute("postgres", "CREATE DATABASE crash" + round);
      primary.execute("crash" + round, "CREATE TABLE t (id int, v text)",
          "CREATE INDEX CONCURRENTLY t_v ON t (v)", "ALTER TABLE t ADD COLUMN w int",
          "CREATE INDEX CONCURRENTLY t_w ON t (w)", "CREATE VIEW tv AS SELECT id FROM t");
      if (round % 3 == 2) {
        primary.execute("postgres", "DROP DATABASE crash" + (round - 2));
      }
      Thread.sleep(50L * (round % 5));
      applier.sigkill();
      kills++;
      applier = pipeline.startApplier("standby1");
    }
    SchemaSnapshot.awaitConverged(CONVERGE, primary, pipeline.standby("standby1"));
    assertThat(pipeline.standby("standby1").serverLogErrors()).isEmpty();

    List<DdlEvent> events = pipeline.topicEvents();
    List<String> applied = pipeline.appliedIds("standby1");
    assertThat(applied).as("events applied more than once after %d kills", kills).doesNotHaveDuplicates();
    String output = pipeline.applierOutput("standby1");
    for (DdlEvent event : events) {
      boolean ranOnce = applied.contains(event.id());
      boolean recognized = output.contains("not running " + event.id() + " ")
          || output.contains("skipped " + event.id() + " ");
      assertThat(ranOnce || recognized).as("event %s (%s) applied", event.id(), event.statement()).isTrue();
    }
  }
}
