package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.testkit.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The jars as an operator meets them: help, and bad options refused with one clear message and exit code 2. */
class CommandLineIT {
  @TempDir
  Path dir;

  private record Run(int exitCode, String output) {}

  private Run run(Path jar, Map<String, String> env, String... args) {
    Path out = dir.resolve("out-" + System.nanoTime() + ".log");
    try (JavaProcess p = JavaProcess.startJar(jar, List.of(), List.of(args), env, out)) {
      int code = p.waitFor(Duration.ofSeconds(60));
      return new Run(code, p.output());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"producer", "applier"})
  void helpDescribesTheRunCommand(String component) {
    Run run = run(jar(component), Map.of(), "run", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.output()).contains("--bootstrap-servers").contains("--topic").contains("--config")
        .contains("DDLCAST_");
  }

  @Test
  void producerNamesEveryBadOptionAtOnceWithoutAStackTrace() {
    Run run = run(Pipeline.PRODUCER_JAR, Map.of(), "run", "--bootstrap-servers", "nohostport",
        "--pgdata", dir.resolve("missing").toString(), "--partitions", "0", "--primary-url", "postgres://x");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output())
        .contains("Invalid value 'nohostport' for option --bootstrap-servers")
        .contains("--pgdata").contains("no such directory")
        .contains("Invalid value '0' for option --partitions")
        .contains("Invalid value 'postgres://x' for option --primary-url")
        .doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void applierRefusesAnUnknownOptionAndAMistypedValue() {
    Run unknown = run(Pipeline.APPLIER_JAR, Map.of(), "run", "--standby", "x");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.output()).contains("Unknown option").contains("'--standby'").doesNotContain("\tat ");

    Run mistyped = run(Pipeline.APPLIER_JAR, Map.of(), "run", "--parallelism", "many");
    assertThat(mistyped.exitCode()).isEqualTo(2);
    assertThat(mistyped.output()).contains("--parallelism").contains("many").doesNotContain("\tat ");
  }

  @Test
  void optionsComeFromTheEnvironmentAndTheConfigFileAndTyposThereAreCaught() throws Exception {
    Path config = dir.resolve("applier.properties");
    Files.writeString(config, "standby.url=jdbc:postgresql://127.0.0.1:1/postgres\nstandby.nmae=oops\n");
    Run typo = run(Pipeline.APPLIER_JAR, Map.of("DDLCAST_BOOTSTRAP_SERVERS", "127.0.0.1:1"),
        "run", "--config", config.toString(), "--standby-name", "s1");
    assertThat(typo.exitCode()).isEqualTo(2);
    assertThat(typo.output()).contains("Unknown key standby.nmae in configuration file " + config);

    Files.writeString(config, "standby.url=not-a-url\n");
    Run fromFile = run(Pipeline.APPLIER_JAR, Map.of("DDLCAST_BOOTSTRAP_SERVERS", "bad"),
        "run", "--config", config.toString());
    assertThat(fromFile.exitCode()).isEqualTo(2);
    assertThat(fromFile.output())
        .contains("Invalid value 'bad' for option --bootstrap-servers")
        .contains("Invalid value 'not-a-url' for option --standby-url")
        .contains("Missing option --standby-name");
  }

  @Test
  void aMissingConfigFileIsNamed() {
    Run run = run(Pipeline.PRODUCER_JAR, Map.of(), "run", "--config", dir.resolve("nope.properties").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("Cannot read the configuration file").contains("nope.properties")
        .contains("no such file");
  }

  private static Path jar(String component) {
    return component.equals("producer") ? Pipeline.PRODUCER_JAR : Pipeline.APPLIER_JAR;
  }
}
