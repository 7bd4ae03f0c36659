package io.ddlcast.bench;

import io.ddlcast.common.kafka.TopicReader;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import io.ddlcast.testkit.TestServers;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Backlog: a standby down while events accumulate, then catching up. A primary, one standby with its applier (left
 * running, as in production: it retries while its standby is unreachable); the standby is stopped, the workload's
 * script runs on the primary, and once the producer has published all of it the standby is started again. The
 * figure is the time from the standby's restart until it converged (fingerprint polling, then the full
 * {@code pg_dump} comparison), as events per second; it includes the wait of the applier's retry backoff (at most
 * 30 s) before its first attempt succeeds. Compared with {@code psql -f} of the same statements, serially, on a
 * fresh cluster.
 */
final class BacklogScenario {
  /** The run's figures. */
  record Result(long events, double catchUpSeconds, double serialSeconds) {
    double eventsPerSecond() {
      return events / catchUpSeconds;
    }

    double serialPerSecond() {
      return events / serialSeconds;
    }
  }

  private final Broker kafka;
  private final Path logs;
  private final PrintStream out;

  BacklogScenario(Broker kafka, Path logs, PrintStream out) {
    this.kafka = kafka;
    this.logs = logs;
    this.out = out;
  }

  Result run(String runName, ScriptGenerator.Script script, Path scriptFile, Duration timeout) {
    long events = script.statements().size();
    double serial;
    try (PostgresServer target = TestServers.postgres(runName + "-serial", ServerSetup.plain())) {
      Placement.pin(target, Placement.OTHER_HOSTS);
      serial = PgTools.checked(PgTools.psqlFile(target, "postgres", scriptFile), "psql -f (serial)").seconds();
    }
    out.printf("    serial psql -f of the %,d statements on a fresh cluster: %.2f s%n", events, serial);
    try (Rig rig = Rig.start(kafka, runName, 1, logs)) {
      PostgresServer standby = rig.standbys.get(0);
      rig.startProducer();
      rig.startApplier(standby, runName + "-s1");
      rig.primary.execute("postgres", "CREATE SCHEMA bench_warmup");
      rig.awaitAll("the standby to apply the warm-up DDL", Duration.ofSeconds(120), rig.standbys,
          s -> !s.query("postgres", "SELECT 1 FROM pg_namespace WHERE nspname = 'bench_warmup'").isEmpty());
      long before = topicSize(rig.topic);
      standby.stop();
      PgTools.Run primaryRun = PgTools.checked(PgTools.psqlFile(rig.primary, "postgres", scriptFile),
          "psql -f on the primary");
      Await.until("the producer to publish all " + events + " events", timeout, () -> {
        rig.checkAlive();
        return topicSize(rig.topic) - before >= events;
      });
      out.printf("    standby down: psql -f on the primary %.2f s, %,d events on the topic; starting the standby%n",
          primaryRun.seconds(), events);
      Map<String, String> expected = new LinkedHashMap<>();
      for (String db : script.databases()) {
        expected.put(db, Signature.of(rig.primary, db));
      }
      long t0 = System.nanoTime();
      standby.start();
      Placement.pin(standby, Placement.OTHER_HOSTS);
      long done = Signature.awaitMatch(expected, List.of(standby), timeout, BulkScenario.POLL_MILLIS,
          rig::checkAlive);
      double catchUp = (done - t0) / 1e9;
      try {
        SchemaSnapshot.assertConverged(rig.primary, standby);
      } catch (AssertionError e) {
        throw new BenchException("the fingerprints matched but the schemas differ:\n" + e.getMessage());
      }
      out.printf("    caught up in %.2f s (%.0f events/s)%n", catchUp, events / catchUp);
      rig.stopComponents();
      return new Result(events, catchUp, serial);
    }
  }

  private long topicSize(String topic) {
    return TopicReader.readAll(kafka.bootstrapServers(), topic).size();
  }
}
