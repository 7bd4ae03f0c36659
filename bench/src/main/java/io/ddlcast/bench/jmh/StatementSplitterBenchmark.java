package io.ddlcast.bench.jmh;

import io.ddlcast.bench.Workloads;
import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.producer.OfflineReader;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The statement splitter on one multi-statement string of {@value #STATEMENTS} DDL statements from the bulk
 * workload (dollar-quoted function bodies, strings and comments with semicolons): {@code SqlLexer.split} alone, and
 * {@code StatementParts} (split, then classify each part) as the session tracker runs it. One operation is the
 * whole string.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StatementSplitterBenchmark {
  public static final int STATEMENTS = 200;

  private String sql;

  @Setup
  public void build() {
    sql = script();
  }

  /** The string: the first statements of the bulk workload's first database, joined as psql -c would send them. */
  public static String script() {
    return Workloads.multiStatementString(STATEMENTS);
  }

  @Benchmark
  public List<String> split() {
    return SqlLexer.split(sql);
  }

  @Benchmark
  public int splitAndClassify() {
    return OfflineReader.statementParts(sql);
  }
}
