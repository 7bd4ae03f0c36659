package io.ddlcast.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place tests and the demo get their servers from, so that the same code runs against containers where
 * Docker runs and against local servers (in-process Kafka, local PostgreSQL binaries) everywhere else.
 *
 * <p>The mode comes from the system property {@code ddlcast.servers} or the environment variable
 * {@code DDLCAST_SERVERS}: {@code local}, {@code containers} or {@code auto} (the default: containers when
 * Testcontainers is on the classpath and finds a Docker engine, local otherwise). Testcontainers is only touched
 * after checking that it is on the classpath, so the demo, which ships without it, runs in local mode. The choice
 * is made once per JVM and logged with its reason.
 */
public final class TestServers {

  /** Where the servers come from. */
  public enum Mode { LOCAL, CONTAINERS }

  static final String PROPERTY = "ddlcast.servers";
  static final String ENVIRONMENT = "DDLCAST_SERVERS";
  private static final Logger LOG = LoggerFactory.getLogger(TestServers.class);
  private static final String TESTCONTAINERS_PROBE_CLASS = "org.testcontainers.DockerClientFactory";
  private static Mode mode;

  private TestServers() {
  }

  /** A started Kafka broker: {@link EmbeddedKafka} or {@link ContainerKafka}. */
  public static KafkaServer kafka() {
    return mode() == Mode.CONTAINERS ? ContainerKafka.launch() : EmbeddedKafka.launch();
  }

  /** A started PostgreSQL cluster: {@link LocalPostgres} or {@link ContainerPostgres}. */
  public static PostgresServer postgres(String name, PostgresOptions options) {
    return mode() == Mode.CONTAINERS ? ContainerPostgres.create(name, options) : LocalPostgres.create(name, options);
  }

  /** The mode of this JVM, decided on first use. */
  public static synchronized Mode mode() {
    if (mode == null) {
      mode = decide();
    }
    return mode;
  }

  private static Mode decide() {
    String requested = System.getProperty(PROPERTY);
    String source = "system property " + PROPERTY;
    if (requested == null || requested.isBlank()) {
      requested = System.getenv(ENVIRONMENT);
      source = "environment variable " + ENVIRONMENT;
    }
    if (requested == null || requested.isBlank()) {
      return resolve("auto", "default");
    }
    return resolve(requested, source);
  }

  /** The mode for a requested value ({@code local}, {@code containers}, {@code auto}) that came from {@code source}. */
  static Mode resolve(String requested, String source) {
    switch (requested.strip().toLowerCase(Locale.ROOT)) {
      case "local":
        LOG.info("test servers: local (in-process Kafka, local PostgreSQL binaries), chosen by {}", source);
        return Mode.LOCAL;
      case "containers":
        if (!testcontainersOnClasspath()) {
          throw new TestkitException(source + " asks for containers, but Testcontainers is not on the"
              + " classpath");
        }
        LOG.info("test servers: containers (Testcontainers), chosen by {}", source);
        return Mode.CONTAINERS;
      case "auto":
        return detect(source);
      default:
        throw new TestkitException("invalid value '" + requested + "' for " + source
            + ": expected local, containers or auto");
    }
  }

  private static Mode detect(String source) {
    if (!testcontainersOnClasspath()) {
      LOG.info("test servers: local, because Testcontainers is not on the classpath (mode auto from {})", source);
      return Mode.LOCAL;
    }
    List<String> hints = dockerHints();
    if (hints.isEmpty()) {
      LOG.info("test servers: local, because no Docker engine is configured (no DOCKER_HOST, no docker.sock,"
          + " no ~/.testcontainers.properties; mode auto from {})", source);
      return Mode.LOCAL;
    }
    if (ContainerDocker.dockerAvailable()) {
      LOG.info("test servers: containers, because Testcontainers found a Docker engine ({}; mode auto from {})",
          String.join(", ", hints), source);
      return Mode.CONTAINERS;
    }
    LOG.info("test servers: local, because Testcontainers could not reach Docker ({}; mode auto from {})",
        String.join(", ", hints), source);
    return Mode.LOCAL;
  }

  private static boolean testcontainersOnClasspath() {
    try {
      Class.forName(TESTCONTAINERS_PROBE_CLASS, false, TestServers.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Cheap signs that a Docker engine may be configured. Without any, asking Testcontainers would only cost time
   * and print errors about every strategy it tried.
   */
  private static List<String> dockerHints() {
    List<String> hints = new ArrayList<>();
    if (System.getenv("DOCKER_HOST") != null) {
      hints.add("DOCKER_HOST is set");
    }
    Path home = Path.of(System.getProperty("user.home"));
    List<Path> candidates = List.of(Path.of("/var/run/docker.sock"), home.resolve(".docker/run/docker.sock"),
        home.resolve(".docker/desktop/docker.sock"), home.resolve(".rd/docker.sock"),
        home.resolve(".colima/default/docker.sock"), home.resolve(".testcontainers.properties"));
    for (Path candidate : candidates) {
      if (Files.exists(candidate)) {
        hints.add(candidate + " exists");
      }
    }
    String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
    if (runtimeDir != null && Files.exists(Path.of(runtimeDir, "docker.sock"))) {
      hints.add(runtimeDir + "/docker.sock exists");
    }
    return hints;
  }
}
