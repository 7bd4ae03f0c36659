package io.ddlcast.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.sql.SqlLexer;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ScriptGeneratorTest {

  @Test
  void sameSeedSameScript() {
    ScriptGenerator.Script a = ScriptGenerator.generate(Workloads.SEED, 2_000, 4);
    ScriptGenerator.Script b = ScriptGenerator.generate(Workloads.SEED, 2_000, 4);
    assertThat(a.psqlText()).isEqualTo(b.psqlText());
    assertThat(ScriptGenerator.generate(Workloads.SEED + 1, 2_000, 4).psqlText()).isNotEqualTo(a.psqlText());
  }

  @Test
  void exactCountDatabasesFirstThenBlocksAcrossAllDatabases() {
    ScriptGenerator.Script script = ScriptGenerator.generate(Workloads.SEED, 10_000, 4);
    assertThat(script.statements()).hasSize(10_000);
    assertThat(script.databases()).containsExactly("bench_1", "bench_2", "bench_3", "bench_4");
    assertThat(script.statements().subList(0, 4)).extracting(ScriptGenerator.Statement::sql)
        .containsExactly("CREATE DATABASE bench_1", "CREATE DATABASE bench_2", "CREATE DATABASE bench_3",
            "CREATE DATABASE bench_4");
    for (String db : script.databases()) {
      assertThat(script.in(db)).hasSizeGreaterThan(2_000);
    }
  }

  @Test
  void everyStatementIsOneDdlStatementForTheSplitterAndTheMixIsVaried() {
    ScriptGenerator.Script script = ScriptGenerator.generate(Workloads.SEED, 3_000, 4);
    String withoutMeta = script.psqlText().lines()
        .filter(l -> !l.startsWith("\\connect") && !l.startsWith("-- ddlcast bench workload"))
        .collect(Collectors.joining("\n"));
    List<String> split = SqlLexer.split(withoutMeta);
    assertThat(split).hasSize(script.statements().size());
    for (int i = 0; i < split.size(); i++) {
      assertThat(split.get(i)).isEqualTo(script.statements().get(i).sql().strip());
      assertThat(SqlCommand.of(split.get(i)).isDdl()).as(split.get(i)).isTrue();
    }
    String all = script.psqlText();
    for (String kind : List.of("CREATE TABLE", "CREATE INDEX", "CREATE UNIQUE INDEX", "ADD COLUMN",
        "ADD CONSTRAINT", "CREATE VIEW", "CREATE FUNCTION", "COMMENT ON", "CREATE SCHEMA", "CREATE SEQUENCE",
        "CREATE TYPE", "DROP VIEW", "REFERENCES")) {
      assertThat(all).as(kind).contains(kind);
    }
  }

  @Test
  void multiStatementStringForJmh() {
    String sql = Workloads.multiStatementString(200);
    assertThat(SqlLexer.split(sql)).hasSize(200);
  }
}
