package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A permanent failure in one database stops that database's stream on that standby, loudly, without a secret in
 * the message, while its other databases and the other standby go on; after the operator fixes the standby, a
 * restarted applier applies the failed event and everything after it, and nothing twice.
 */
class IndependentDatabasesIT {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String SECRET = "TopSecret42";

  private Pipeline pipeline;

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void aFailedApplyStopsOnlyItsDatabaseAndResumesAfterAFix() {
    pipeline = new Pipeline("IndependentDatabasesIT", "standby1", "standby2");
    PostgresServer primary = pipeline.primary;
    PostgresServer standby1 = pipeline.standby("standby1");
    PostgresServer standby2 = pipeline.standby("standby2");
    JavaProcess producer = pipeline.startProducer();
    JavaProcess applier1 = pipeline.startApplier("standby1");
    pipeline.startApplier("standby2");

    primary.execute("postgres", "CREATE DATABASE alpha", "CREATE DATABASE beta");
    primary.execute("alpha", "CREATE EXTENSION postgres_fdw",
        "CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1')");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby1, standby2);

    // Drift on standby1: the object the next event creates is already there.
    standby1.execute("alpha", "CREATE USER MAPPING FOR postgres SERVER remote");
    primary.execute("alpha",
        "CREATE USER MAPPING FOR postgres SERVER remote OPTIONS (user 'app', password '" + SECRET + "')",
        "CREATE TABLE after_the_failure (x int)");
    primary.execute("beta", "CREATE TABLE b1 (x int)", "CREATE TABLE b2 (y int)");

    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby2);
    applier1.awaitOutput("STOPPED database alpha on standby standby1", CONVERGE);
    Await.until("beta to reach standby1 while alpha is stopped", CONVERGE,
        () -> standby1.schemaDump("beta").equals(primary.schemaDump("beta")));
    assertThat(standby1.query("alpha", "SELECT count(*) FROM pg_class WHERE relname = 'after_the_failure'"))
        .containsExactly("0");
    assertThat(applier1.output())
        .contains("SQLSTATE 42710")
        .contains("topic ddlcast.ddl partition 0 offset")
        .contains("password '********'")
        .doesNotContain(SECRET);
    assertThat(producer.output()).doesNotContain(SECRET);

    // beta keeps going while alpha is stopped.
    primary.execute("beta", "CREATE TABLE b3 (z int)");
    Await.until("b3 to reach standby1", CONVERGE,
        () -> standby1.schemaDump("beta").equals(primary.schemaDump("beta")));

    // The operator removes the drift and restarts the applier: the failed event is tried again.
    standby1.execute("alpha", "DROP USER MAPPING FOR postgres SERVER remote");
    applier1.sigterm();
    applier1.waitFor(Duration.ofSeconds(60));
    pipeline.startApplier("standby1");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby1, standby2);

    int events = pipeline.topicEvents().size();
    assertThat(pipeline.appliedIds("standby1")).doesNotHaveDuplicates().hasSize(events);
    assertThat(pipeline.appliedIds("standby2")).doesNotHaveDuplicates().hasSize(events);
    assertThat(String.join("\n", standby1.serverLogErrors())).doesNotContain(SECRET);
  }
}
