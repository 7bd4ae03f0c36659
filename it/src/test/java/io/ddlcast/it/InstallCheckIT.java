package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.producer.primary.HelperInstaller;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresOptions;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code producer check} and {@code producer install} as a DBA meets them: a primary that is not set up is reported
 * setting by setting with the SQL that fixes it (exit 1); install puts the helper everywhere, a second install does
 * nothing, and check then says ready (exit 0).
 */
class InstallCheckIT {
  @TempDir
  Path dir;

  private record Run(int exitCode, String output) {}

  private Run producer(String... args) {
    Path out = dir.resolve("producer-" + System.nanoTime() + ".log");
    try (JavaProcess p = JavaProcess.startJar(Pipeline.PRODUCER_JAR, List.of(), List.of(args), Map.of(), out)) {
      return new Run(p.waitFor(Duration.ofSeconds(60)), p.output());
    }
  }

  @Test
  void aPlainServerIsNotReadyAndCheckSaysWhatToSet() throws Exception {
    try (PostgresServer plain = TestServers.postgres("plain", PostgresOptions.standby())) {
      Run check = producer("check", "--primary-url", plain.jdbcUrl("postgres"));
      assertThat(check.exitCode()).isEqualTo(1);
      assertThat(check.output())
          .containsPattern("logging_collector\\s+off\\s+on")
          .contains("ALTER SYSTEM SET logging_collector = 'on';")
          .contains("ALTER SYSTEM SET log_destination = 'csvlog';")
          .contains("ALTER SYSTEM SET log_statement = 'ddl';")
          .contains("SELECT pg_reload_conf();")
          .contains("producer install --primary-url")
          .containsPattern("template1\\s+missing");

      JsonNode json = EventCodec.mapper().readTree(producer("check", "--json", "--primary-url",
          plain.jdbcUrl("postgres")).output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
      assertThat(json.get("ready").asBoolean()).isFalse();
      assertThat(json.get("settings").findValuesAsText("name")).contains("log_duration", "lc_messages");
    }
  }

  @Test
  void installIsIdempotentAndMakesAConfiguredPrimaryReady() {
    try (PostgresServer primary = TestServers.postgres("primary", PostgresOptions.primary())) {
      primary.execute("postgres", "CREATE DATABASE app");
      Run before = producer("check", "--primary-url", primary.jdbcUrl("postgres"));
      assertThat(before.exitCode()).isEqualTo(1);
      assertThat(before.output()).containsPattern("app\\s+missing").doesNotContain("ALTER SYSTEM");

      Run install = producer("install", "--primary-url", primary.jdbcUrl("postgres"));
      assertThat(install.exitCode()).isZero();
      assertThat(install.output()).containsPattern("app\\s+installed").containsPattern("template1\\s+installed");
      Run again = producer("install", "--primary-url", primary.jdbcUrl("postgres"));
      assertThat(again.output()).containsPattern("app\\s+already current").contains("0 changed");

      Run after = producer("check", "--primary-url", primary.jdbcUrl("postgres"));
      assertThat(after.exitCode()).as(after.output()).isZero();
      assertThat(after.output()).contains("Ready").containsPattern("postgres\\s+current");

      primary.execute("postgres", "CREATE DATABASE inherits");
      assertThat(producer("check", "--primary-url", primary.jdbcUrl("postgres")).output())
          .containsPattern("inherits\\s+current");
    }
  }

  @Test
  void aHelperOfTheVersionBeforeIsOutdatedStillBelievedAndReplacedByInstall() {
    try (PostgresServer primary = TestServers.postgres("primary", PostgresOptions.primary())) {
      primary.execute("postgres", "CREATE DATABASE old");
      // version 2: the same function, without the trigger before a DROP
      primary.execute("old", HelperInstaller.sql().replace("ddlcast helper version 3", "ddlcast helper version 2"),
          "DROP EVENT TRIGGER ddlcast_ddl_command_start");
      Run before = producer("check", "--primary-url", primary.jdbcUrl("postgres"));
      assertThat(before.output()).containsPattern("old\\s+outdated");
      Run install = producer("install", "--primary-url", primary.jdbcUrl("postgres"));
      assertThat(install.output()).containsPattern("old\\s+installed");
      assertThat(primary.query("old", "SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'ddlcast\\_%'"))
          .containsExactly("3");
      assertThat(producer("check", "--primary-url", primary.jdbcUrl("postgres")).output())
          .containsPattern("old\\s+current");
    }
  }
}
