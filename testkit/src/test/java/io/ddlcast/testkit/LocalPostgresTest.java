package io.ddlcast.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** One primary and one standby shared by the ordered steps below; creating clusters is the slow part. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalPostgresTest {

  private static final String DATABASE = "münchen";
  private static LocalPostgres primary;
  private static LocalPostgres standby;

  @BeforeAll
  static void createClusters() {
    primary = LocalPostgres.create("primary", PostgresOptions.primary()
        .withSetting("cluster_name", "it's the primary")
        .withSetting("search_path", "\"$user\", public"));
    standby = LocalPostgres.create("standby", PostgresOptions.standby());
  }

  @AfterAll
  static void closeClusters() {
    if (primary != null) {
      primary.close();
    }
    if (standby != null) {
      standby.close();
    }
  }

  @Test
  @Order(1)
  void sameDdlOnBothGivesEqualSnapshots() {
    for (LocalPostgres server : List.of(primary, standby)) {
      server.execute("postgres", "CREATE DATABASE \"" + DATABASE + "\"");
      server.execute(DATABASE, "CREATE TABLE straße (id bigint PRIMARY KEY, name text NOT NULL)",
          "CREATE ROLE reader");
      assertThat(server.databases()).containsExactly(DATABASE, "postgres");
      assertThat(server.jdbcUrl(DATABASE)).contains("/m%C3%BCnchen?user=postgres");
      assertThat(server.query(DATABASE, "SELECT current_database()")).containsExactly(DATABASE);
    }
    SchemaSnapshot onPrimary = SchemaSnapshot.of(primary);
    SchemaSnapshot onStandby = SchemaSnapshot.of(standby);

    assertThat(onPrimary.databases()).containsExactly(DATABASE, "postgres");
    assertThat(onPrimary.schemaDumps().get(DATABASE)).contains("CREATE TABLE public.\"straße\"")
        .doesNotContain("Dumped from", "\\restrict");
    assertThat(onPrimary.globalsDump()).contains("CREATE ROLE reader;");
    assertThat(onPrimary).isEqualTo(onStandby).hasSameHashCodeAs(onStandby);
    assertThat(onPrimary.diff(onStandby)).isEmpty();
    SchemaSnapshot.assertConverged(primary, standby);
  }

  @Test
  @Order(0)
  void settingsWithQuotesReachTheServer() {
    assertThat(primary.query("postgres", "SHOW cluster_name")).containsExactly("it's the primary");
    assertThat(primary.query("postgres", "SHOW search_path")).containsExactly("\"$user\", public");
    assertThat(primary.query("postgres", "SHOW log_filename")).containsExactly("postgresql-%Y-%m-%d_%H%M%S.log");
    assertThat(primary.query("postgres", "SHOW log_file_mode")).containsExactly("0644");
    assertThat(standby.query("postgres", "SHOW logging_collector")).containsExactly("off");
    assertThat(standby.query("postgres", "SHOW lc_messages")).containsExactly("C");
  }

  @Test
  @Order(2)
  void aDifferenceIsNamed() {
    primary.execute(DATABASE, "ALTER TABLE straße ADD COLUMN plz text");
    primary.execute("postgres", "CREATE DATABASE \"only here\"");

    String diff = SchemaSnapshot.of(primary).diff(SchemaSnapshot.of(standby));

    assertThat(diff).contains("database \"only here\" exists on primary but not on standby")
        .contains("schema of database \"münchen\" differs")
        .contains("plz text");
    assertThatThrownBy(() -> SchemaSnapshot.assertConverged(primary, standby))
        .isInstanceOf(AssertionError.class).hasMessageContaining("plz text");
    assertThatThrownBy(() -> SchemaSnapshot.awaitConverged(Duration.ofMillis(300), primary, standby))
        .isInstanceOf(AssertionError.class).hasMessageContaining("did not converge within 300 ms");
    assertThat(primary.query("only here", "SELECT 42")).containsExactly("42");
  }

  @Test
  @Order(3)
  void theCsvlogRecordsDdlStatements() {
    Path logDirectory = primary.logDirectory();
    assertThat(logDirectory).isEqualTo(primary.pgdata().resolve("log"));
    assertThat(standby.logDirectory()).isNull();

    String csv = Await.untilValue("the ALTER TABLE record in the csvlog", Duration.ofSeconds(10), () -> {
      String text = readCsvFiles(logDirectory);
      return text.contains("ALTER TABLE straße ADD COLUMN plz text") ? text : null;
    });
    assertThat(csv).contains(",LOG,00000,\"execute <unnamed>: ALTER TABLE straße ADD COLUMN plz text\"");
    assertThat(csv).contains("CREATE DATABASE \"\"only here\"\"");
  }

  @Test
  @Order(4)
  void serverLogErrorsFindsAFailedStatement() {
    assertThatThrownBy(() -> standby.execute(DATABASE, "DROP TABLE does_not_exist"))
        .isInstanceOf(TestkitException.class)
        .hasMessageContaining("standby").hasMessageContaining("DROP TABLE does_not_exist")
        .hasCauseInstanceOf(SQLException.class);

    List<String> errors = Await.untilValue("the ERROR in server.log", Duration.ofSeconds(10),
        () -> standby.serverLogErrors().isEmpty() ? null : standby.serverLogErrors());
    assertThat(errors).anyMatch(line -> line.contains("table \"does_not_exist\" does not exist"));
  }

  @Test
  void theTestkitsOwnDumpErrorsAreNotTheServers() {
    assertThat(PostgresServer.isServerError(
        "2026-12-01 03:57:27.482 UTC [20713] app=pg_dump ERROR:  relation \"public.t2_6\" does not exist")).isFalse();
    assertThat(PostgresServer.isServerError(
        "2026-12-01 03:57:27.482 UTC [20713] app=PostgreSQL JDBC Driver ERROR:  relation \"t\" already exists"))
        .isTrue();
    assertThat(PostgresServer.isServerError("2026-12-01 03:57:27.482 UTC [20713] app= LOG:  checkpoint")).isFalse();
  }

  @Test
  @Order(5)
  void stopStartAndKillKeepTheData() {
    int port = standby.port();
    standby.stop();
    assertThat(standby.isRunning()).isFalse();
    assertThatThrownBy(() -> standby.query("postgres", "SELECT 1")).isInstanceOf(TestkitException.class);
    standby.start();
    assertThat(standby.port()).isEqualTo(port);
    assertThat(standby.query(DATABASE, "SELECT count(*) FROM straße")).containsExactly("0");

    standby.kill();
    standby.start();
    assertThat(standby.databases()).containsExactly(DATABASE, "postgres");
  }

  @Test
  @Order(6)
  void closeDeletesEverything() {
    Path directory = standby.directory();
    assertThat(directory).isDirectory();
    standby.close();
    standby.close();
    assertThat(directory).doesNotExist();
    standby = null;
  }

  private static String readCsvFiles(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(file -> file.toString().endsWith(".csv")).sorted()
          .map(LocalPostgresTest::read).collect(Collectors.joining());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
