package io.ddlcast.bench;

import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scale: many standbys on one topic. A primary, {@code n} standbys, the producer and one applier per standby (each
 * its own consumer group on the same topic); the bulk workload's script run by {@code psql -f} on the primary. Every
 * standby must converge, judged as the tests judge it ({@code pg_dump --schema-only} of every database and the
 * globals, primary against each standby); the figures are the time until the last standby converged, and what the
 * broker and each applier cost over the run: peak RSS ({@code VmHWM}), live heap (GC log, after a forced
 * collection), CPU ({@code utime + stime}) in percent of one core over the run's wall time.
 */
final class StandbysScenario {
  /** One process's cost over the run. */
  record Cost(String name, double rssMb, double liveHeapMb, double cpuPercent) {}

  /** The run's figures. */
  record Result(double psqlSeconds, double convergedSeconds, Cost broker, List<Cost> appliers) {}

  private final Broker kafka;
  private final Path logs;
  private final PrintStream out;

  StandbysScenario(Broker kafka, Path logs, PrintStream out) {
    this.kafka = kafka;
    this.logs = logs;
    this.out = out;
  }

  Result run(String runName, int standbys, ScriptGenerator.Script script, Path scriptFile, Duration timeout) {
    try (Rig rig = Rig.start(kafka, runName, standbys, logs)) {
      rig.startProducer();
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= standbys; i++) {
        names.add(runName + "-s" + i);
      }
      rig.startAppliers(rig.standbys, names);
      rig.primary.execute("postgres", "CREATE SCHEMA bench_warmup");
      rig.awaitAll("the standbys to apply the warm-up DDL", Duration.ofSeconds(300), rig.standbys,
          s -> !s.query("postgres", "SELECT 1 FROM pg_namespace WHERE nspname = 'bench_warmup'").isEmpty());
      out.printf("    %d appliers joined; running the script on the primary%n", standbys);

      Map<Long, Double> cpu0 = new LinkedHashMap<>();
      cpu0.put(kafka.pid(), Footprint.cpuMillis(kafka.pid()));
      rig.appliers().forEach(a -> cpu0.put(a.pid(), Footprint.cpuMillis(a.pid())));
      long start = System.nanoTime();
      double psql = PgTools.checked(PgTools.psqlFile(rig.primary, "postgres", scriptFile), "psql -f").seconds();
      Map<String, String> expected = new LinkedHashMap<>();
      for (String db : script.databases()) {
        expected.put(db, Signature.of(rig.primary, db));
      }
      long convergedAt = Signature.awaitMatch(expected, rig.standbys, timeout, BulkScenario.POLL_MILLIS,
          rig::checkAlive);
      double wallMs = (convergedAt - start) / 1e6;
      Map<Long, Double> cpu = new LinkedHashMap<>();
      cpu0.keySet().forEach(pid -> cpu.put(pid, Footprint.cpuMillis(pid) - cpu0.get(pid)));
      Cost broker = cost("broker", kafka.pid(), kafka.gcLog(), cpu.get(kafka.pid()) * 100 / wallMs);
      List<Cost> appliers = new ArrayList<>();
      for (Rig.Component a : rig.appliers()) {
        appliers.add(cost(a.name(), a.pid(), a.gcLog(), cpu.get(a.pid()) * 100 / wallMs));
      }
      try {
        SchemaSnapshot.assertConverged(rig.primary, rig.standbys.toArray(PostgresServer[]::new));
      } catch (AssertionError e) {
        throw new BenchException("the fingerprints matched but the schemas differ:\n" + e.getMessage());
      }
      out.printf("    psql -f %.2f s; all %d standbys converged after %.2f s (pg_dump compared)%n", psql, standbys,
          wallMs / 1000);
      rig.stopComponents();
      return new Result(psql, wallMs / 1000, broker, appliers);
    }
  }

  /** A process's cost: its CPU (read for all processes at once when the run ended), then a forced collection. */
  private static Cost cost(String name, long pid, Path gcLog, double cpuPercent) {
    Footprint.forceGc(pid);
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new Cost(name, Footprint.peakRssMb(pid), Footprint.heap(gcLog).liveMb(), cpuPercent);
  }
}
