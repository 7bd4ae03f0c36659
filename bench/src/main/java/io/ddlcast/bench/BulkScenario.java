package io.ddlcast.bench;

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
 * Scenarios 2 and 3 on one workload (see {@link ScriptGenerator}), in one run:
 *
 * <ol>
 *   <li>baseline: {@code psql -f} of the script on a fresh cluster configured as the primary is (csvlog, ddlcast's
 *       helper installed) with no pipeline;
 *   <li>bulk: the pipeline running (producer, two appliers), the same {@code psql -f} on the primary; time from its
 *       start until both standbys converged. Convergence is polled after psql finished (every
 *       {@value #POLL_MILLIS} ms: one catalog-count query per standby and database, see {@link Signature}), then
 *       confirmed by a full schema comparison (pg_dump --schema-only of every database, pg_dumpall
 *       --globals-only), which is not timed;
 *   <li>rebuild: the producer and appliers stopped, a fresh standby and an applier under a new standby name replay
 *       the topic from its start; time from starting the applier process until the standby converged (same
 *       polling and confirmation);
 *   <li>baselines of the rebuild, on fresh standby clusters: a serial {@code psql -f} of the same script, and
 *       {@code pg_dump --schema-only | psql} of each of the primary's databases (created first), one after the
 *       other.
 * </ol>
 */
final class BulkScenario {
  static final long POLL_MILLIS = 100;

  /** The figures of one run, seconds. */
  record Result(double psqlBaseline, double psqlWithPipeline, double converged, double rebuild, double serialReplay,
      double dumpRestore, ComponentCost cost) {}

  private final Broker kafka;
  private final Path logs;
  private final PrintStream out;
  private final Duration timeout;

  BulkScenario(Broker kafka, Path logs, PrintStream out, Duration timeout) {
    this.kafka = kafka;
    this.logs = logs;
    this.out = out;
    this.timeout = timeout;
  }

  Result run(String runName, ScriptGenerator.Script script, Path scriptFile, boolean rebuild) {
    double baseline;
    try (PostgresServer alone = TestServers.postgres(runName + "-baseline", ServerSetup.primary())) {
      Placement.pin(alone, Placement.PRIMARY_HOST);
      Rig.installHelper(alone, logs.resolve(runName + "-baseline-install.log"));
      baseline = PgTools.checked(PgTools.psqlFile(alone, "postgres", scriptFile), "psql -f (baseline)").seconds();
    }
    out.printf("    psql -f alone on a primary-configured cluster: %.2f s%n", baseline);

    try (Rig rig = Rig.start(kafka, runName, 2, logs)) {
      rig.startProducer();
      for (int i = 0; i < 2; i++) {
        rig.startApplier(rig.standbys.get(i), runName + "-s" + (i + 1));
      }
      // warm-up: the appliers have joined their groups and applied one event
      rig.primary.execute("postgres", "CREATE SCHEMA bench_warmup");
      rig.awaitAll("the standbys to apply the warm-up DDL", Duration.ofSeconds(120), rig.standbys,
          s -> !s.query("postgres", "SELECT 1 FROM pg_namespace WHERE nspname = 'bench_warmup'").isEmpty());

      ComponentCost.Start window = ComponentCost.start(rig);
      long start = System.nanoTime();
      PgTools.Run primaryRun = PgTools.checked(PgTools.psqlFile(rig.primary, "postgres", scriptFile),
          "psql -f on the primary");
      Map<String, String> expected = new LinkedHashMap<>();
      for (String db : script.databases()) {
        expected.put(db, Signature.of(rig.primary, db));
      }
      long convergedAt = Signature.awaitMatch(expected, rig.standbys, timeout, POLL_MILLIS, rig::checkAlive);
      double converged = (convergedAt - start) / 1e9;
      ComponentCost cost = ComponentCost.end(rig, window);
      out.printf("    with the pipeline: psql -f on the primary %.2f s, both standbys converged after %.2f s%n",
          primaryRun.seconds(), converged);
      confirm(rig.primary, rig.standbys);
      rig.stopComponents();

      double rebuildSeconds = Double.NaN;
      double serial = Double.NaN;
      double dump = Double.NaN;
      if (rebuild) {
        PostgresServer fresh = rig.addStandby(runName + "-rebuilt");
        long t0 = System.nanoTime();
        rig.startApplier(fresh, runName + "-rebuilt");
        long done = Signature.awaitMatch(expected, List.of(fresh), timeout, POLL_MILLIS, rig::checkAlive);
        rebuildSeconds = (done - t0) / 1e9;
        confirm(rig.primary, List.of(fresh));
        rig.stopComponents();
        out.printf("    rebuild: a fresh standby replayed the topic in %.2f s%n", rebuildSeconds);

        try (PostgresServer target = TestServers.postgres(runName + "-serial", ServerSetup.plain())) {
          Placement.pin(target, Placement.OTHER_HOSTS);
          serial = PgTools.checked(PgTools.psqlFile(target, "postgres", scriptFile), "psql -f (serial replay)")
              .seconds();
        }
        try (PostgresServer target = TestServers.postgres(runName + "-dump", ServerSetup.plain())) {
          Placement.pin(target, Placement.OTHER_HOSTS);
          long d0 = System.nanoTime();
          for (String db : script.databases()) {
            PgTools.checked(PgTools.psqlCommand(target, "postgres", "CREATE DATABASE " + db), "CREATE DATABASE");
            PgTools.checked(PgTools.dumpRestore(rig.primary, target, db), "pg_dump | psql of " + db);
          }
          dump = (System.nanoTime() - d0) / 1e9;
          for (String db : script.databases()) {
            String got = Signature.of(target, db);
            if (!expected.get(db).equals(got)) {
              throw new BenchException("pg_dump | psql left " + db + " different from the primary: " + got
                  + " (expected " + expected.get(db) + ")");
            }
          }
        }
        out.printf("    serial psql -f on a fresh cluster %.2f s; pg_dump --schema-only | psql %.2f s%n", serial,
            dump);
      }
      return new Result(baseline, primaryRun.seconds(), converged, rebuildSeconds, serial, dump, cost);
    }
  }

  /** The full comparison: every database's schema dump and the globals, primary against each standby. */
  private static void confirm(PostgresServer primary, List<PostgresServer> standbys) {
    try {
      SchemaSnapshot.assertConverged(primary, standbys.toArray(PostgresServer[]::new));
    } catch (AssertionError e) {
      throw new BenchException("the fingerprints matched but the schemas differ:\n" + e.getMessage());
    }
  }
}
