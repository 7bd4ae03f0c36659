package io.ddlcast.bench;

import io.ddlcast.common.cli.Cli;
import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.testkit.KafkaServer;
import io.ddlcast.testkit.TestServers;
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
        "Scenarios: latency, bulk, rebuild, log-reading, footprint (default: all). footprint is measured during "
            + "latency and bulk, rebuild replays the topic bulk filled: they run those too."})
public final class BenchMain implements Callable<Integer> {

  /** The scenarios, by their command-line names. */
  enum Scenario {
    LATENCY, BULK, REBUILD, LOG_READING, FOOTPRINT;

    static Scenario of(String name) {
      for (Scenario s : values()) {
        if (s.cliName().equals(name)) {
          return s;
        }
      }
      throw new DdlcastException(ExitCode.USAGE, "unknown scenario '" + name
          + "': expected latency, bulk, rebuild, log-reading or footprint");
    }

    String cliName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  @Parameters(paramLabel = "SCENARIO", arity = "0..*",
      description = "latency, bulk, rebuild, log-reading, footprint (default: all).")
  List<String> scenarioNames = new ArrayList<>();

  @Option(names = "--runs", paramLabel = "N",
      description = "Runs per scenario (default: 3 for latency, 1 for bulk and rebuild, whose single run of 10,000 DDL "
          + "through the pipeline, a replay and three baselines takes most of the time budget, 5 timed passes for "
          + "log-reading; --quick: 1, 1, 2).")
  Integer runs;

  @Option(names = "--output", paramLabel = "FILE",
      description = "Where to write the Markdown report (default: docs/benchmarks.md of the source tree).")
  Path output;

  @Option(names = "--quick",
      description = "Tiny sizes (5 s of latency, 400 statements, a 5 MB log, short JMH): a smoke test of the "
          + "harness, not a measurement.")
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
    Path target = output != null ? output : Jars.root().resolve("docs/benchmarks.md");
    Bench bench = new Bench(System.out, selected, quick, runs);
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
      out.println("ddlcast bench" + (quick ? " --quick (smoke sizes, not a measurement)" : ""));
      machine.forEach((k, v) -> out.printf("  %-10s %s%n", k, v));
      out.println("  process logs: " + logs);
      boolean latency = selected.contains(Scenario.LATENCY) || selected.contains(Scenario.FOOTPRINT);
      boolean bulk = selected.contains(Scenario.BULK) || selected.contains(Scenario.REBUILD)
          || selected.contains(Scenario.FOOTPRINT);
      List<ComponentCost> latencyCosts = new ArrayList<>();
      List<ComponentCost> bulkCosts = new ArrayList<>();
      if (latency || bulk) {
        out.println("Starting the Kafka broker ...");
        try (KafkaServer kafka = TestServers.kafka()) {
          if (latency) {
            latency(kafka, latencyCosts);
          }
          if (bulk) {
            bulk(kafka, bulkCosts);
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

    private int runsOr(int normal) {
      return runs != null ? runs : quick ? 1 : normal;
    }

    private void latency(KafkaServer kafka, List<ComponentCost> costs) {
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
          Report.Goal.AT_MOST, 300, note);
      report.add("latency", "commit → applied, max", "ms", spreadOf(perRun, Stats::max), note);
    }

    private void bulk(KafkaServer kafka, List<ComponentCost> costs) throws Exception {
      int count = quick ? 400 : 10_000;
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
            spread(results, r -> r.converged() / r.psqlBaseline()), Report.Goal.AT_MOST, 1.3, note);
      }
      if (rebuild) {
        report.add("rebuild", "fresh standby replays the topic", "s", spread(results, BulkScenario.Result::rebuild),
            note);
        report.add("rebuild", "serial psql -f on a fresh cluster", "s",
            spread(results, BulkScenario.Result::serialReplay), note);
        report.add("rebuild", "pg_dump --schema-only | psql", "s", spread(results, BulkScenario.Result::dumpRestore),
            note);
        report.add("rebuild", "replay / serial psql -f", "×", spread(results, r -> r.rebuild() / r.serialReplay()),
            Report.Goal.AT_MOST, 1.0, note);
        report.add("rebuild", "replay / pg_dump | psql", "×", spread(results, r -> r.rebuild() / r.dumpRestore()),
            note);
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
        out.printf("[log-reading] reading it %d+1 times with the producer's reader, and with wc -l%n", passes);
        LogReadingScenario.Result r = scenario.measure(dir, passes);
        String note = String.format(Locale.ROOT, "%,d records, %.0f MB, one core", r.records(),
            r.bytes() / 1048576.0);
        report.add("log reading", "producer reader (follower + parser + tracker)", "records/s",
            Stats.spread(r.recordsPerSecond()), Report.Goal.AT_LEAST, 200_000, note);
        report.add("log reading", "producer reader", "MB/s", Stats.spread(r.readerMbPerSecond()), note);
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
