package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml is valid: {@code docker-compose config -q} checks it offline, without a Docker engine
 * ({@code .ci/run} installs Debian's docker-compose so that this runs in CI), and it runs the services the README
 * describes from the project's own Dockerfile.
 */
class ComposeFileIT {
  private static final Path COMPOSE_FILE = Pipeline.ROOT.resolve("docker-compose.yml");

  @Test
  void composeFileValidatesOffline() throws Exception {
    assumeTrue(onPath("docker-compose"), "docker-compose is not installed (.ci/run installs it)");
    Process p = new ProcessBuilder("docker-compose", "-f", COMPOSE_FILE.toString(), "config", "-q")
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
  }

  @Test
  void composeFileRunsTheWholePipeline() throws IOException {
    String compose = Files.readString(COMPOSE_FILE);
    assertThat(compose).contains("apache/kafka:", "postgres:15", "docker/Dockerfile", "ddlcast-producer.jar",
        "ddlcast-applier.jar", "DDLCAST_STANDBY_NAME: standby1", "DDLCAST_STANDBY_NAME: standby2",
        "log_statement=ddl", "log_duration=on", "demo-scenario.sh");
    assertThat(Pipeline.ROOT.resolve("docker/Dockerfile")).exists();
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
