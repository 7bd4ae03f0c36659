package io.ddlcast.bench;

import io.ddlcast.common.cli.Cli;
import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Entry point of {@code ddlcast-bench.jar} ({@code ./ddlcast bench}). */
@Command(name = "ddlcast bench", mixinStandardHelpOptions = true, version = "ddlcast-bench 0.1.0",
    sortOptions = false,
    description = {
        "Measures ddlcast against real servers on this machine (an embedded Kafka broker, local PostgreSQL "
            + "clusters, the producer and appliers as their own processes) and beside the alternatives (psql -f, "
            + "pg_dump | psql, wc -l). Prints a table of medians with their spread and targets, and writes it "
            + "with the machine's facts to docs/benchmarks.md.",
        "Scenarios: pgbench, latency, bulk, rebuild, footprint, standbys, backlog, log-reading (default: all). "
            + "footprint is measured during latency and bulk, rebuild replays the topic bulk filled: they run those "
            + "too."})
public final class BenchMain implements Callable<Integer> {

  /** The scenarios, by their command-line names. */
  enum Scenario {
    PGBENCH, LATENCY, BULK, REBUILD, FOOTPRINT, STANDBYS, BACKLOG, LOG_READING;

    static Scenario of(String name) {
      for (Scenario s : values()) {
        if (s.cliName().equals(name)) {
          return s;
        }
      }
      throw new DdlcastException(ExitCode.USAGE, "unknown scenario '" + name
          + "': expected pgbench, latency, bulk, rebuild, footprint, standbys, backlog or log-reading");
    }

    String cliName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  @Parameters(paramLabel = "SCENARIO", arity = "0..*",
      description = "pgbench, latency, bulk, rebuild, footprint, standbys, backlog, log-reading (default: all).")
  List<String> scenarioNames = new ArrayList<>();

  @Option(names = "--runs", paramLabel = "N",
      description = "Runs per scenario (default: 5 alternated rounds of the three setups for pgbench, 3 for latency, "
          + "1 for bulk and rebuild, standbys and backlog, 5 timed passes for log-reading; --quick: 1, 1, 1, 2).")
  Integer runs;

  @Option(names = "--standbys", paramLabel = "N",
      description = "Standbys (each with its applier) of the standbys scenario (default: 10; --quick: 3).")
  Integer standbyCount;

  @Option(names = "--output", paramLabel = "FILE",
      description = "Where to write the Markdown report (default: docs/benchmarks.md of the source tree).")
  Path output;

  @Option(names = "--quick",
      description = "Tiny sizes (2 s pgbench runs, 5 s of latency, 200 statements, 3 standbys, a backlog of 150, "
          + "a 5 MB log, short JMH): a smoke test of the harness, not a measurement.")
  boolean quick;

  @Mixin
  CommonOptions common;

  public static void main(String[] args) {
    System.exit(Cli.run(new BenchMain(), args));
  }

  @Override
  public Integer call() throws Exception {
    Set<Scenario> selected = EnumSet.noneOf(Scenario.class);
    scenarioNames.forEach(n -> selected.add(Scenario.of(n)));
    if (selected.isEmpty()) {
      selected.addAll(EnumSet.allOf(Scenario.class));
    }
    if (runs != null && runs < 1) {
      throw new DdlcastException(ExitCode.USAGE, "--runs must be at least 1");
    }
    if (standbyCount != null && standbyCount < 1) {
      throw new DdlcastException(ExitCode.USAGE, "--standbys must be at least 1");
    }
    Path target = output != null ? output : Jars.root().resolve("docs/benchmarks.md");
    Bench bench = new Bench(System.out, selected, quick, runs);
    bench.standbyCount = standbyCount;
    boolean complete = bench.run();
    Files.createDirectories(target.toAbsolutePath().getParent());
    Files.writeString(target, bench.markdown(commandLine()), StandardCharsets.UTF_8);
    System.out.println("Written to " + target);
    return complete ? ExitCode.OK.code() : ExitCode.NOT_MET.code();
  }

  private String commandLine() {
    List<String> parts = new ArrayList<>(List.of("./ddlcast", "bench"));
    parts.addAll(scenarioNames);
    if (runs != null) {
      parts.add("--runs " + runs);
    }
    if (standbyCount != null) {
      parts.add("--standbys " + standbyCount);
    }
    if (quick) {
      parts.add("--quick");
    }
    return String.join(" ", parts);
  }

  /** One invocation: the scenarios in order, then the table. */
  static final class Bench {
    private final PrintStream out;
    private final Set<Scenario> selected;
    private final boolean quick;
    private final Integer runs;
    private Integer standbyCount;
    private final Report report = new Report();
    private final List<String> failures = new ArrayList<>();
    private final Path logs;
    private Map<String, String> machine;
    private long started;
    private double elapsedMinutes;

    Bench(PrintStream out, Set<Scenario> selected, boolean quick, Integer runs) {
      this.out = out;
      this.selected = selected;
      this.quick = quick;
      this.runs = runs;
      this.logs = Jars.root().resolve("bench/target/bench-logs/" + LocalDateTime.now()
          .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    boolean run() throws Exception {
      started = System.nanoTime();
      Files.createDirectories(logs);
      machine = Machine.facts();
      machine.put("Servers", "durable: " + ServerSetup.DURABLE.keySet().stream().sorted()
          .map(k -> k + " = " + ServerSetup.DURABLE.get(k)).reduce((a, b) -> a + ", " + b).orElse("")
          + " on every cluster");
      machine.put("Primary", "the producer's required settings: " + ServerSetup.required());
      machine.put("Placement", Placement.describe());
      out.println("ddlcast bench" + (quick ? " --quick (smoke sizes, not a measurement)" : ""));
      machine.forEach((k, v) -> out.printf("  %-10s %s%n", k, v));
      out.println("  process logs: " + logs);
      boolean latency = selected.contains(Scenario.LATENCY) || selected.contains(Scenario.FOOTPRINT);
      boolean bulk = selected.contains(Scenario.BULK) || selected.contains(Scenario.REBUILD)
          || selected.contains(Scenario.FOOTPRINT);
      boolean pgbench = selected.contains(Scenario.PGBENCH);
      boolean standbys = selected.contains(Scenario.STANDBYS);
      boolean backlog = selected.contains(Scenario.BACKLOG);
      List<ComponentCost> latencyCosts = new ArrayList<>();
      List<ComponentCost> bulkCosts = new ArrayList<>();
      if (latency || bulk || pgbench || standbys || backlog) {
        Placement.pinSelf(Placement.OTHER_HOSTS);
        out.println("Starting the Kafka broker (its own process) ...");
        try (Broker kafka = Broker.start(logs)) {
          if (pgbench) {
            primaryCost(kafka);
          }
          if (latency) {
            latency(kafka, latencyCosts);
          }
          if (bulk) {
            bulk(kafka, bulkCosts);
          }
          if (standbys) {
            standbys(kafka);
          }
          if (backlog) {
            backlog(kafka);
          }
        }
      }
      if (selected.contains(Scenario.FOOTPRINT)) {
        footprint(latencyCosts, bulkCosts);
      }
      if (selected.contains(Scenario.LOG_READING)) {
        logReading();
      }
      elapsedMinutes = (System.nanoTime() - started) / 60e9;
      out.println();
      out.print(report.text());
      out.printf("Total time: %.1f min%n", elapsedMinutes);
      failures.forEach(f -> out.println("FAILED: " + f));
      return failures.isEmpty();
    }

    private void primaryCost(Broker kafka) {
      PrimaryCostScenario.Sizes sizes = quick ? new PrimaryCostScenario.Sizes(runsOr(5), 4, 2, 1, 1, 50)
          : new PrimaryCostScenario.Sizes(runsOr(5), 4, 20, 5, 10, 1_000);
      out.printf("[pgbench] %d alternated rounds of plain / settings + helper / + producer: pgbench -c %d -T %d "
          + "(TPC-B-like, select-only), psql -f of %,d DDL%n", sizes.rounds(), sizes.clients(), sizes.seconds(),
          sizes.ddlStatements());
      try {
        PrimaryCostScenario.Result r = new PrimaryCostScenario(kafka, logs, out).run(sizes);
        String note = String.format(Locale.ROOT, "pgbench -c %d -j 2 -T %d, scale %d, fsync on", sizes.clients(),
            sizes.seconds(), sizes.scale());
        throughput("TPC-B-like", r.tpcbTps(), note);
        throughput("select-only", r.selectTps(), note);
        Map<PrimaryCostScenario.Setup, List<Double>> ddl = r.ddlSeconds();
        String ddlNote = String.format(Locale.ROOT, "psql -f of %,d DDL, 2 databases", sizes.ddlStatements());
        for (PrimaryCostScenario.Setup setup : PrimaryCostScenario.Setup.values()) {
          report.add("primary", "DDL script, " + setup.label, "s", Stats.spread(ddl.get(setup)), ddlNote);
        }
        report.add("primary", "DDL script slower by settings + helper", "%",
            Stats.spread(Alternation.slowdownPercent(ddl.get(PrimaryCostScenario.Setup.PLAIN),
                ddl.get(PrimaryCostScenario.Setup.HELPER))), Report.Goal.AT_MOST, 15, "paired per round");
        report.add("primary", "DDL script slower by the producer", "%",
            Stats.spread(Alternation.slowdownPercent(ddl.get(PrimaryCostScenario.Setup.HELPER),
                ddl.get(PrimaryCostScenario.Setup.PRODUCER))), Report.Goal.AT_MOST, 5, "paired per round");
      } catch (Exception | AssertionError e) {
        fail("pgbench", e);
      }
    }

    private void throughput(String workload, Map<PrimaryCostScenario.Setup, List<Double>> tps, String note) {
      for (PrimaryCostScenario.Setup setup : PrimaryCostScenario.Setup.values()) {
        report.add("primary", workload + " TPS, " + setup.label, "tps", Stats.spread(tps.get(setup)), note);
      }
      List<Double> plain = tps.get(PrimaryCostScenario.Setup.PLAIN);
      List<Double> helper = tps.get(PrimaryCostScenario.Setup.HELPER);
      List<Double> producer = tps.get(PrimaryCostScenario.Setup.PRODUCER);
      report.add("primary", workload + " TPS lost to settings + helper", "%",
          Stats.spread(Alternation.lossPercent(plain, helper)), "paired per round");
      report.add("primary", workload + " TPS lost to the producer", "%",
          Stats.spread(Alternation.lossPercent(helper, producer)), "paired per round");
      report.add("primary", workload + " TPS lost to ddlcast (all of it)", "%",
          Stats.spread(Alternation.lossPercent(plain, producer)), Report.Goal.AT_MOST, 3, "paired per round");
    }

    private void standbys(Broker kafka) throws Exception {
      int count = standbyCount != null ? standbyCount : quick ? 3 : 10;
      int statements = quick ? 60 : 2_000;
      int databases = quick ? 2 : 4;
      ScriptGenerator.Script script = ScriptGenerator.generate(Workloads.SEED, statements, databases);
      Path file = logs.resolve("standbys.sql");
      Files.writeString(file, script.psqlText(), StandardCharsets.UTF_8);
      out.printf("[standbys] %d appliers on %d standbys of one topic, %,d DDL across %d databases%n", count, count,
          statements, databases);
      try {
        StandbysScenario.Result r = new StandbysScenario(kafka, logs, out).run("scale", count, script, file,
            Duration.ofMinutes(quick ? 5 : 20));
        String note = String.format(Locale.ROOT, "%d standbys, %,d DDL, %d databases", count, statements,
            databases);
        report.add("standbys", "psql -f on the primary", "s", Stats.spread(List.of(r.psqlSeconds())), note);
        report.add("standbys", "all standbys converged (pg_dump compared)", "s",
            Stats.spread(List.of(r.convergedSeconds())), note);
        report.add("standbys", "broker peak RSS", "MB", Stats.spread(List.of(r.broker().rssMb())), "VmHWM");
        report.add("standbys", "broker live heap", "MB", Stats.spread(List.of(r.broker().liveHeapMb())),
            "max after GC");
        report.add("standbys", "broker CPU", "% of a core", Stats.spread(List.of(r.broker().cpuPercent())), note);
        String each = "spread over the " + count + " appliers";
        report.add("standbys", "applier peak RSS", "MB", Stats.spread(r.appliers().stream()
            .map(StandbysScenario.Cost::rssMb).toList()), each);
        report.add("standbys", "applier live heap", "MB", Stats.spread(r.appliers().stream()
            .map(StandbysScenario.Cost::liveHeapMb).toList()), each);
        report.add("standbys", "applier CPU", "% of a core", Stats.spread(r.appliers().stream()
            .map(StandbysScenario.Cost::cpuPercent).toList()), each);
        for (StandbysScenario.Cost c : r.appliers()) {
          report.note(String.format(Locale.ROOT, "standbys: %s: peak RSS %.0f MB, live heap %.0f MB, CPU %.1f%% "
              + "of a core", c.name(), c.rssMb(), c.liveHeapMb(), c.cpuPercent()));
        }
      } catch (Exception | AssertionError e) {
        fail("standbys", e);
      }
    }

    private void backlog(Broker kafka) throws Exception {
      int statements = quick ? 150 : 50_000;
      int databases = quick ? 2 : 4;
      ScriptGenerator.Script script = ScriptGenerator.generate(Workloads.SEED, statements, databases);
      Path file = logs.resolve("backlog.sql");
      Files.writeString(file, script.psqlText(), StandardCharsets.UTF_8);
      out.printf("[backlog] a standby down while %,d events accumulate, then catching up%n", statements);
      try {
        BacklogScenario.Result r = new BacklogScenario(kafka, logs, out).run("backlog", script, file,
            Duration.ofMinutes(quick ? 5 : 30));
        String note = String.format(Locale.ROOT, "%,d events, %d databases", statements, databases);
        report.add("backlog", "standby restarted → converged", "s", Stats.spread(List.of(r.catchUpSeconds())),
            note);
        report.add("backlog", "catch-up", "events/s", Stats.spread(List.of(r.eventsPerSecond())), note);
        report.add("backlog", "serial psql -f of the same statements", "statements/s",
            Stats.spread(List.of(r.serialPerSecond())), note);
        report.add("backlog", "catch-up time / serial psql -f", "×",
            Stats.spread(List.of(r.catchUpSeconds() / r.serialSeconds())), note);
      } catch (Exception | AssertionError e) {
        fail("backlog", e);
      }
    }

    private int runsOr(int normal) {
      return runs != null ? runs : quick ? 1 : normal;
    }

    private void latency(Broker kafka, List<ComponentCost> costs) {
      int perSecond = 20;
      int seconds = quick ? 5 : 60;
      int n = runsOr(3);
      List<double[]> perRun = new ArrayList<>();
      LatencyScenario scenario = new LatencyScenario(kafka, logs, out);
      for (int i = 1; i <= n; i++) {
        out.printf("[latency] run %d/%d: %d DDL/s for %d s, two standbys%n", i, n, perSecond, seconds);
        try {
          LatencyScenario.Result r = scenario.run("lat" + i, perSecond, seconds);
          perRun.add(r.latenciesMs());
          costs.add(r.cost());
          out.printf("    p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", Stats.percentile(r.latenciesMs(), 50),
              Stats.percentile(r.latenciesMs(), 99), Stats.max(r.latenciesMs()));
        } catch (Exception | AssertionError e) {
          fail("latency run " + i, e);
        }
      }
      if (!selected.contains(Scenario.LATENCY)) {
        return;
      }
      String note = perSecond + " DDL/s for " + seconds + " s, both standbys pooled";
      report.add("latency", "commit → applied, p50", "ms", spreadOf(perRun, a -> Stats.percentile(a, 50)), note);
      report.add("latency", "commit → applied, p95", "ms", spreadOf(perRun, a -> Stats.percentile(a, 95)), note);
      report.add("latency", "commit → applied, p99", "ms", spreadOf(perRun, a -> Stats.percentile(a, 99)),
          Report.Goal.AT_MOST, 100, note);
      report.add("latency", "commit → applied, max", "ms", spreadOf(perRun, Stats::max), note);
      report.add("latency", "producer CPU", "% of a core", spread(costs, ComponentCost::producerCpuPercent),
          Report.Goal.AT_MOST, 3, perSecond + " DDL/s, utime+stime over the run");
    }

    private void bulk(Broker kafka, List<ComponentCost> costs) throws Exception {
      int count = quick ? 200 : 10_000;
      int n = runsOr(1); // one bulk run (with its rebuild) is most of the 15-minute budget on 2 cores
      boolean rebuild = selected.contains(Scenario.REBUILD);
      ScriptGenerator.Script script = ScriptGenerator.generate(Workloads.SEED, count, 4);
      Path file = logs.resolve("bulk.sql");
      Files.writeString(file, script.psqlText(), StandardCharsets.UTF_8);
      List<BulkScenario.Result> results = new ArrayList<>();
      BulkScenario scenario = new BulkScenario(kafka, logs, out, Duration.ofMinutes(quick ? 5 : 20));
      for (int i = 1; i <= n; i++) {
        out.printf("[bulk%s] run %d/%d: %,d DDL across %d databases (%s)%n", rebuild ? " + rebuild" : "", i, n,
            count, script.databases().size(), file);
        try {
          BulkScenario.Result r = scenario.run("bulk" + i, script, file, rebuild);
          results.add(r);
          costs.add(r.cost());
        } catch (Exception | AssertionError e) {
          fail("bulk run " + i, e);
        }
      }
      String note = String.format(Locale.ROOT, "%,d DDL, 4 databases", count);
      if (selected.contains(Scenario.BULK)) {
        report.add("bulk", "psql -f alone on the primary", "s", spread(results, BulkScenario.Result::psqlBaseline),
            note);
        report.add("bulk", "psql -f with the pipeline running", "s",
            spread(results, BulkScenario.Result::psqlWithPipeline), note);
        report.add("bulk", "first statement → both standbys converged", "s",
            spread(results, BulkScenario.Result::converged), note);
        report.add("bulk", "overhead: converged / psql -f alone", "×",
            spread(results, r -> r.converged() / r.psqlBaseline()), Report.Goal.AT_MOST, 1.2, note);
      }
      if (rebuild) {
        report.add("rebuild", "fresh standby replays the topic", "s", spread(results, BulkScenario.Result::rebuild),
            note);
        report.add("rebuild", "serial psql -f on a fresh cluster", "s",
            spread(results, BulkScenario.Result::serialReplay), note);
        report.add("rebuild", "pg_dump --schema-only | psql", "s", spread(results, BulkScenario.Result::dumpRestore),
            note);
        report.add("rebuild", "replay / serial psql -f", "×", spread(results, r -> r.rebuild() / r.serialReplay()),
            Report.Goal.AT_MOST, 0.8, note);
        report.add("rebuild", "replay / pg_dump | psql", "×", spread(results, r -> r.rebuild() / r.dumpRestore()),
            Report.Goal.AT_MOST, 0.5, note);
      }
    }

    private void footprint(List<ComponentCost> latency, List<ComponentCost> bulk) {
      for (String phase : List.of("latency", "bulk")) {
        List<ComponentCost> costs = phase.equals("latency") ? latency : bulk;
        report.add("footprint", "producer live heap, " + phase, "MB", spread(costs, ComponentCost::producerLiveHeapMb),
            Report.Goal.AT_MOST, 64, "max after GC");
        report.add("footprint", "producer peak heap in use, " + phase, "MB",
            spread(costs, ComponentCost::producerPeakHeapMb), "before GC, " + Rig.HEAP_CEILING);
        report.add("footprint", "producer peak RSS, " + phase, "MB", spread(costs, ComponentCost::producerRssMb),
            "VmHWM");
        report.add("footprint", "applier live heap, " + phase, "MB", spread(costs, ComponentCost::applierLiveHeapMb),
            Report.Goal.AT_MOST, 128, "max after GC, larger applier");
        report.add("footprint", "applier peak heap in use, " + phase, "MB",
            spread(costs, ComponentCost::applierPeakHeapMb), "before GC, " + Rig.HEAP_CEILING);
        report.add("footprint", "applier peak RSS, " + phase, "MB", spread(costs, ComponentCost::applierRssMb),
            "VmHWM, larger applier");
        report.add("footprint", "producer CPU per 1,000 log records, " + phase, "ms",
            spread(costs, ComponentCost::producerCpuMsPer1000Records), "utime+stime");
      }
    }

    private void logReading() throws Exception {
      int megabytes = quick ? 5 : 100;
      int passes = runs != null ? runs : quick ? 2 : 5;
      LogReadingScenario scenario = new LogReadingScenario(logs, out);
      Path dir = logs.resolve("csvlog");
      out.printf("[log-reading] capturing a %d MB csvlog of a busy primary (pgbench + sparse DDL) ...%n", megabytes);
      try {
        scenario.capture(dir, megabytes);
        out.printf("[log-reading] reading it %d+1 times with the producer's reader, commons-csv alone and wc -l%n",
            passes);
        LogReadingScenario.Result r = scenario.measure(dir, passes);
        String note = String.format(Locale.ROOT, "%,d records, %.0f MB, one core", r.records(),
            r.bytes() / 1048576.0);
        report.add("log reading", "producer reader (follower + parser + tracker)", "records/s",
            Stats.spread(r.recordsPerSecond()), Report.Goal.AT_LEAST, 200_000, note);
        report.add("log reading", "producer reader", "MB/s", Stats.spread(r.readerMbPerSecond()), note);
        report.add("log reading", "commons-csv alone", "records/s", Stats.spread(r.csvRecordsPerSecond()), note);
        report.add("log reading", "commons-csv alone", "MB/s", Stats.spread(r.csvMbPerSecond()), note);
        report.add("log reading", "producer reader / commons-csv alone", "×", Stats.spread(ratio(
            r.readerMbPerSecond(), r.csvMbPerSecond())), Report.Goal.AT_LEAST, 0.8, "MB/s over MB/s, pass by pass");
        report.add("log reading", "wc -l", "lines/s", Stats.spread(r.wcLinesPerSecond()), note);
        report.add("log reading", "wc -l", "MB/s", Stats.spread(r.wcMbPerSecond()), note);
        report.add("log reading", "producer reader / wc -l", "×", Stats.spread(ratio(r.readerMbPerSecond(),
            r.wcMbPerSecond())), "MB/s over MB/s");
        out.println("[log-reading] JMH: CsvlogParser, SqlLexer.split, StatementParts ...");
        JmhRunner jmh = new JmhRunner(quick);
        Path first;
        try (var files = Files.list(dir)) {
          first = files.filter(p -> p.toString().endsWith(".csv")).sorted().findFirst().orElseThrow();
        }
        report.add("log reading", "JMH CsvlogParser.parse", "records/s", jmh.csvlogParser(first).spread(),
            "4 MB chunks of the captured log; spread: JMH iterations");
        report.add("log reading", "JMH SqlLexer.split", "statements/s", jmh.splitter(false).spread(),
            "bulk workload DDL, one 200-statement string");
        report.add("log reading", "JMH StatementParts (split + classify)", "statements/s",
            jmh.splitter(true).spread(), "same string");
      } catch (Exception | AssertionError e) {
        fail("log reading", e);
      }
    }

    private static List<Double> ratio(List<Double> a, List<Double> b) {
      List<Double> r = new ArrayList<>();
      for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
        r.add(a.get(i) / b.get(i));
      }
      return r;
    }

    private static Stats.Spread spreadOf(List<double[]> perRun, Function<double[], Double> figure) {
      return Stats.spread(perRun.stream().map(figure).toList());
    }

    private static <T> Stats.Spread spread(List<T> results, Function<T, Double> figure) {
      return Stats.spread(results.stream().map(figure).toList());
    }

    private void fail(String what, Throwable e) {
      failures.add(what + ": " + e.getMessage());
      out.println("    FAILED: " + what + ": " + e);
      e.printStackTrace(out);
    }

    String markdown(String command) {
      StringBuilder md = new StringBuilder("# Benchmarks\n\n");
      if (quick) {
        md.append("> **Quick smoke run (`--quick`): tiny sizes, one run each. These numbers only show that the "
            + "harness works; they are not a measurement. Replace this file with the output of a full run "
            + "(`./ddlcast bench`).**\n\n");
      }
      md.append("Produced by `").append(command).append("` in ")
          .append(String.format(Locale.ROOT, "%.1f", elapsedMinutes)).append(" minutes")
          .append(failures.isEmpty() ? "" : ", with failures (below)").append(".\n\n");
      md.append("## Machine\n\n| | |\n| --- | --- |\n");
      machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
      md.append("\n## Results\n\n");
      md.append("Each figure is the median of its runs, with the smallest and largest run; PASS/MISS compares the "
          + "median with the issue's target.\n\n");
      md.append(report.markdown());
      if (!failures.isEmpty()) {
        md.append("\n**Failed:**\n\n");
        failures.forEach(f -> md.append("- ").append(f.replace("\n", " ")).append('\n'));
      }
      md.append('\n').append(Methods.TEXT);
      return md.toString();
    }
  }
}
