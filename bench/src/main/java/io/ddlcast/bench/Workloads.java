package io.ddlcast.bench;

import java.util.stream.Collectors;

/** Workloads shared with the JMH benchmarks (which live in another package). */
public final class Workloads {
  /** The seed of the bulk workload: the same script in every run and on every machine. */
  public static final long SEED = 20_260_106L;

  private Workloads() {}

  /** The first {@code count} statements of the bulk workload's first database, as one string. */
  public static String multiStatementString(int count) {
    ScriptGenerator.Script script = ScriptGenerator.generate(SEED, count * 5, 1);
    return script.statements().stream().skip(1).limit(count).map(ScriptGenerator.Statement::sql)
        .collect(Collectors.joining(";\n", "", ";"));
  }
}
