package io.ddlcast.bench;

import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.TestServers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What ddlcast costs the primary itself: {@code pgbench} throughput (TPC-B-like and select-only) and the primary's
 * own {@code psql -f} of a DDL script, on one durable cluster (fsync on) in three {@link Setup}s, alternated
 * ({@link Alternation}): plain settings; ddlcast's required settings (from the producer's own
 * {@code PrimarySettings}) with the helper's event triggers firing; the same with the producer running. The
 * difference between the first two is what the settings (a log record per statement with {@code log_duration})
 * and the helper cost, between the last two what the producer reading that log beside the primary costs.
 *
 * <p>One cluster for all setups, switched with {@code ALTER SYSTEM} and a restart, so data, files and placement are
 * the same. The helper stays installed (it lives in the catalogs of every database and {@code template1}); in the
 * plain setup {@code session_replication_role = replica} keeps its event triggers from firing, as if it were not
 * there (pgbench's tables have no triggers that setting would change). The primary and the producer are pinned to
 * the primary host's CPU, pgbench and psql to the other ({@link Placement}). Before each round's measurements a
 * warm-up (a few seconds of the TPC-B-like load, not counted: the producer of a production primary has long run its
 * JIT compiler), and before each measurement a {@code CHECKPOINT}, so that no setup inherits another's dirty
 * buffers. A producer is started for each of its rounds on a new topic with {@code --from latest}: it reads what
 * that round writes, not the earlier rounds' log.
 */
final class PrimaryCostScenario {
  /** The three ways the primary is configured, in the order of the first round. */
  enum Setup {
    PLAIN("plain settings"),
    HELPER("ddlcast's settings + helper, no producer"),
    PRODUCER("ddlcast's settings + helper + producer");

    final String label;

    Setup(String label) {
      this.label = label;
    }
  }

  /** How big a run is; {@code warmUp} seconds of TPC-B-like load before each measurement, not counted. */
  record Sizes(int rounds, int clients, int seconds, int warmUp, int scale, int ddlStatements) {}

  /** Per setup, the figure of each round, in round order. */
  record Result(Map<Setup, List<Double>> tpcbTps, Map<Setup, List<Double>> selectTps,
      Map<Setup, List<Double>> ddlSeconds) {}

  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

  private final Broker kafka;
  private final Path logs;
  private final PrintStream out;
  private int clients;

  PrimaryCostScenario(Broker kafka, Path logs, PrintStream out) {
    this.kafka = kafka;
    this.logs = logs;
    this.out = out;
  }

  Result run(Sizes sizes) {
    clients = sizes.clients();
    Map<Setup, List<Double>> tpcb = new EnumMap<>(Setup.class);
    Map<Setup, List<Double>> select = new EnumMap<>(Setup.class);
    Map<Setup, List<Double>> ddl = new EnumMap<>(Setup.class);
    ScriptGenerator.Script script = ScriptGenerator.generate(Workloads.SEED, sizes.ddlStatements(), 2);
    Path scriptFile = logs.resolve("primary-cost.sql");
    write(scriptFile, script.psqlText());
    try (PostgresServer primary = TestServers.postgres("primary-cost", ServerSetup.plain())) {
      Placement.pin(primary, Placement.PRIMARY_HOST);
      primary.execute("postgres", "CREATE DATABASE bench");
      PgTools.checked(PgTools.run(pgbench(primary, "-i", "-q", "-s", Integer.toString(sizes.scale())), Map.of(),
          1800), "pgbench -i");
      Rig.installHelper(primary, logs.resolve("primary-cost-install.log"));
      List<Setup> order = Alternation.schedule(List.of(Setup.values()), sizes.rounds());
      for (int i = 0; i < order.size(); i++) {
        Setup setup = order.get(i);
        out.printf("[pgbench] round %d/%d: %s%n", i / Setup.values().length + 1, sizes.rounds(), setup.label);
        configure(primary, setup);
        Rig.Component producer = setup == Setup.PRODUCER ? Rig.producerProcess(kafka,
            "ddlcast.bench.cost" + i, primary, logs, List.of("--from", "latest")) : null;
        try {
          tps(primary, sizes.warmUp(), false);
          primary.execute("postgres", "CHECKPOINT");
          double b = tps(primary, sizes.seconds(), false);
          double s = tps(primary, sizes.seconds(), true);
          for (String db : script.databases()) {
            primary.execute("postgres", "DROP DATABASE IF EXISTS " + db);
          }
          primary.execute("postgres", "CHECKPOINT");
          double d = PgTools.checked(PgTools.psqlFile(primary, "postgres", scriptFile), "psql -f").seconds();
          if (producer != null && !producer.process().isAlive()) {
            throw new BenchException("the producer exited during the round:\n"
                + PgTools.tail(producer.process().output()));
          }
          tpcb.computeIfAbsent(setup, k -> new ArrayList<>()).add(b);
          select.computeIfAbsent(setup, k -> new ArrayList<>()).add(s);
          ddl.computeIfAbsent(setup, k -> new ArrayList<>()).add(d);
          out.printf("    TPC-B %.0f tps, select-only %.0f tps, psql -f of %,d DDL %.2f s%n", b, s,
              sizes.ddlStatements(), d);
        } finally {
          if (producer != null) {
            producer.process().sigterm();
            producer.process().waitFor(Duration.ofSeconds(60));
            producer.process().close();
          }
        }
      }
    }
    return new Result(tpcb, select, ddl);
  }

  /** Switches the cluster to {@code setup}: ALTER SYSTEM from scratch, restart, pinned again. */
  private static void configure(PostgresServer primary, Setup setup) {
    primary.execute("postgres", "ALTER SYSTEM RESET ALL");
    if (setup == Setup.PLAIN) {
      primary.execute("postgres", "ALTER SYSTEM SET session_replication_role = 'replica'");
    } else {
      for (Map.Entry<String, String> e : ServerSetup.required().entrySet()) {
        primary.execute("postgres", "ALTER SYSTEM SET " + e.getKey() + " = '" + e.getValue().replace("'", "''")
            + "'");
      }
    }
    primary.stop();
    primary.start();
    Placement.pin(primary, Placement.PRIMARY_HOST);
  }

  private double tps(PostgresServer primary, int seconds, boolean selectOnly) {
    List<String> args = new ArrayList<>(List.of("-n", "-c", Integer.toString(clients), "-j", "2", "-T",
        Integer.toString(seconds)));
    if (selectOnly) {
      args.add("-S");
    }
    PgTools.Run run = PgTools.checked(PgTools.run(pgbench(primary, args.toArray(String[]::new)), Map.of(),
        seconds + 600L), "pgbench" + (selectOnly ? " -S" : ""));
    return parseTps(run.output());
  }

  static double parseTps(String pgbenchOutput) {
    Matcher m = TPS.matcher(pgbenchOutput);
    if (!m.find()) {
      throw new BenchException("pgbench printed no tps line:\n" + PgTools.tail(pgbenchOutput));
    }
    return Double.parseDouble(m.group(1));
  }

  private static List<String> pgbench(PostgresServer primary, String... args) {
    List<String> command = new ArrayList<>(List.of(PgTools.program("pgbench"), "-h", primary.host(), "-p",
        Integer.toString(primary.port()), "-U", primary.superuser()));
    command.addAll(List.of(args));
    command.add("bench");
    return PgTools.client(command);
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new BenchException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
