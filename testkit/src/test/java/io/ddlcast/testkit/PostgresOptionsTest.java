package io.ddlcast.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PostgresOptionsTest {

  @Test
  void valuesAreQuotedForPostgresqlConf() {
    assertThat(PostgresOptions.confLine("log_filename", "postgresql-%Y-%m-%d_%H%M%S.log"))
        .isEqualTo("log_filename = 'postgresql-%Y-%m-%d_%H%M%S.log'");
    assertThat(PostgresOptions.confLine("cluster_name", "it's")).isEqualTo("cluster_name = 'it''s'");
    assertThat(PostgresOptions.confLine("log_destination", "'csvlog'")).isEqualTo("log_destination = 'csvlog'");
  }

  @Test
  void settingReturnsTheRawValue() {
    PostgresOptions options = PostgresOptions.standby().withSetting("cluster_name", "'it''s'");

    assertThat(options.setting("cluster_name")).contains("it's");
    assertThat(options.setting("lc_messages")).contains("C");
  }

  @Test
  void onlyThePrimaryWritesCsvlog() {
    assertThat(PostgresOptions.primary().csvlogEnabled()).isTrue();
    assertThat(PostgresOptions.primary().settings()).containsEntry("log_statement", "ddl")
        .containsEntry("log_directory", "log").containsEntry("log_file_mode", "0644");
    assertThat(PostgresOptions.standby().csvlogEnabled()).isFalse();
    assertThat(PostgresOptions.primary().withBaseDir(Path.of("/x")).baseDir()).isEqualTo(Path.of("/x"));
  }
}
