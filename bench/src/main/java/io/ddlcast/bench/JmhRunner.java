package io.ddlcast.bench;

import io.ddlcast.bench.jmh.CsvlogParserBenchmark;
import io.ddlcast.bench.jmh.StatementSplitterBenchmark;
import io.ddlcast.producer.OfflineReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the JMH benchmarks of the CPU-bound components from the bench command, short (one fork, 3 × 1 s warm-up,
 * 5 × 1 s measurement; {@code --quick}: no fork, 1 + 2 iterations), and turns operations into the units of the
 * table: records or statements per second. The spread is the slowest and fastest measurement iteration.
 */
final class JmhRunner {
  /** A JMH figure: per-iteration values of the benchmark's unit per second, with the JMH score. */
  record Figure(Stats.Spread spread, double score, double error) {}

  private final boolean quick;

  JmhRunner(boolean quick) {
    this.quick = quick;
  }

  /** Records per second of CsvlogParser on the first 4 MB of {@code csvlog}. */
  Figure csvlogParser(Path csvlog) throws IOException, RunnerException {
    int chunk = 4 << 20;
    byte[] buf = new byte[chunk];
    int len;
    try (InputStream in = Files.newInputStream(csvlog)) {
      len = in.readNBytes(buf, 0, chunk);
    }
    int recordsPerOp = OfflineReader.parseRecords(buf, len);
    return run(options(CsvlogParserBenchmark.class.getName() + ".parse")
        .param("csvlog", csvlog.toString()).param("chunkBytes", Integer.toString(chunk)), recordsPerOp);
  }

  /** Statements per second of SqlLexer.split, or of StatementParts with {@code classify}. */
  Figure splitter(boolean classify) throws RunnerException {
    String method = classify ? ".splitAndClassify" : ".split";
    return run(options(StatementSplitterBenchmark.class.getName() + method), StatementSplitterBenchmark.STATEMENTS);
  }

  private ChainedOptionsBuilder options(String include) {
    return new OptionsBuilder().include("^" + Pattern.quote(include) + "$")
        .forks(quick ? 0 : 1)
        .warmupIterations(quick ? 1 : 3).warmupTime(TimeValue.seconds(1))
        .measurementIterations(quick ? 2 : 5).measurementTime(TimeValue.seconds(1))
        .jvmArgsAppend("-Xmx512m")
        .verbosity(VerboseMode.SILENT);
  }

  private static Figure run(ChainedOptionsBuilder options, double unitsPerOp) throws RunnerException {
    RunResult result = new Runner(options.build()).runSingle();
    var primary = result.getPrimaryResult();
    var stats = primary.getStatistics();
    Stats.Spread spread = new Stats.Spread(stats.getPercentile(50) * unitsPerOp, stats.getMin() * unitsPerOp,
        stats.getMax() * unitsPerOp, (int) stats.getN());
    return new Figure(spread, primary.getScore() * unitsPerOp, primary.getScoreError() * unitsPerOp);
  }
}
