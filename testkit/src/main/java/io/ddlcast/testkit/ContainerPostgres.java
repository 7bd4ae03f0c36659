package io.ddlcast.testkit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A PostgreSQL cluster in a Docker container ({@code postgres:15}), for machines where Docker runs.
 *
 * <p>Settings are passed as {@code -c name=value} server arguments; authentication is trust, as for {@link
 * LocalPostgres}, over TLS only with {@link PostgresOptions#withTls()}. When the options enable the csvlog, the server
 * writes it to {@code /ddlcast-log}, a bind mount of a world-writable host temp directory, so {@link #logDirectory()}
 * is a host path the producer can tail (files are written with {@code log_file_mode=0644} by the container's postgres
 * user). Readiness is checked by port and by a real connection, not by log lines, because with the logging collector on
 * the server's messages go to the csvlog instead of the container log. pg_dump and pg_dumpall run inside the container
 * (same version as the server). {@link #stop()}, {@link #kill()} and {@link #start()} stop, kill and start the same
 * container on the same fixed host port; {@link #close()} removes it.
 */
public final class ContainerPostgres implements PostgresServer {

  static final String IMAGE = "postgres:15";
  private static final Logger LOG = LoggerFactory.getLogger(ContainerPostgres.class);
  private static final String LOG_MOUNT = "/ddlcast-log";
  private static final int POSTGRES_PORT = 5432;
  private static final String SUPERUSER = "postgres";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private final String name;
  private final PostgreSQLContainer container;
  private final Path hostLogDir;
  private final int hostPort;
  private final TestCertificates certificates;
  private boolean running = true;
  private boolean closed;

  private ContainerPostgres(String name, PostgreSQLContainer container, Path hostLogDir, int hostPort,
      TestCertificates certificates) {
    this.name = name;
    this.container = container;
    this.hostLogDir = hostLogDir;
    this.hostPort = hostPort;
    this.certificates = certificates;
  }

  /** Starts a new container with {@code options}; returns when it accepts connections. */
  public static ContainerPostgres create(String name, PostgresOptions options) {
    long started = System.nanoTime();
    Path hostLogDir = options.csvlogEnabled() ? worldWritableTempDir(name) : null;
    PostgresOptions effective = hostLogDir == null ? options : options.withSetting("log_directory", LOG_MOUNT);
    int hostPort = FreePorts.pick();
    PostgreSQLContainer container = new PostgreSQLContainer(DockerImageName.parse(IMAGE))
        .withUsername(SUPERUSER)
        .withPassword(SUPERUSER)
        .withDatabaseName("postgres")
        .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
        .withEnv("POSTGRES_INITDB_ARGS", "--encoding=UTF8 --locale=C.UTF-8")
        .waitingFor(Wait.forListeningPort().withStartupTimeout(READY_TIMEOUT));
    container.setCommand(serverCommand(effective));
    container.setPortBindings(List.of(hostPort + ":" + POSTGRES_PORT));
    if (hostLogDir != null) {
      container.withCreateContainerCmdModifier(cmd -> addBind(cmd.getHostConfig(), hostLogDir));
    }
    TestCertificates certificates = options.tls() ? requireTls(container, name) : null;
    try {
      container.start();
    } catch (RuntimeException e) {
      container.stop();
      throw new TestkitException("could not start PostgreSQL container " + IMAGE + " for " + name + ": "
          + e.getMessage(), e);
    }
    ContainerPostgres server = new ContainerPostgres(name, container, hostLogDir, hostPort, certificates);
    server.awaitConnections();
    LOG.info("PostgreSQL container {} for {} up on {}:{} in {} ms", IMAGE, name, server.host(), hostPort,
        (System.nanoTime() - started) / 1_000_000);
    return server;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String host() {
    return container.getHost();
  }

  @Override
  public int port() {
    return hostPort;
  }

  @Override
  public String superuser() {
    return SUPERUSER;
  }

  /** Always {@code null}: the data directory lives inside the container. */
  @Override
  public Path pgdata() {
    return null;
  }

  @Override
  public Path logDirectory() {
    return hostLogDir;
  }

  @Override
  public Path rootCertificate() {
    return certificates == null ? null : certificates.caPem();
  }

  /**
   * TLS only, as {@link LocalPostgres} does it: the image runs the scripts of {@code /docker-entrypoint-initdb.d}
   * as the server's OS user after initdb, so the script installs the key as that user's (mode 0600), turns
   * {@code ssl} on and writes a pg_hba.conf that refuses TCP without TLS; the in-container clients use the socket.
   */
  private static TestCertificates requireTls(PostgreSQLContainer container, String name) {
    TestCertificates certificates;
    try {
      certificates = TestCertificates.create(Files.createTempDirectory("ddlcast-pgtls-"), container.getHost());
      container.withCopyToContainer(Transferable.of(Files.readAllBytes(certificates.serverKey()), 0644),
          "/ddlcast-tls/server.key");
      container.withCopyToContainer(Transferable.of(Files.readAllBytes(certificates.serverCertificate()), 0644),
          "/ddlcast-tls/server.crt");
    } catch (IOException e) {
      throw new TestkitException("could not make the TLS files of container " + name, e);
    }
    String script = """
        #!/bin/bash
        set -e
        install -m 0600 /ddlcast-tls/server.key "$PGDATA/server.key"
        install -m 0644 /ddlcast-tls/server.crt "$PGDATA/server.crt"
        echo "ssl = on" >> "$PGDATA/postgresql.conf"
        cat > "$PGDATA/pg_hba.conf" <<'HBA'
        local     all all             trust
        hostssl   all all 0.0.0.0/0   trust
        hostssl   all all ::/0        trust
        hostnossl all all 0.0.0.0/0   reject
        hostnossl all all ::/0        reject
        HBA
        """;
    container.withCopyToContainer(Transferable.of(script.getBytes(StandardCharsets.UTF_8), 0755),
        "/docker-entrypoint-initdb.d/ddlcast-tls.sh");
    return certificates;
  }

  @Override
  public String schemaDump(String database) {
    return DumpNormalizer.normalize(exec("pg_dump", "--schema-only", "--no-password", DumpNormalizer.EXCLUDE.get(0),
        "-U", SUPERUSER,
        "--dbname=dbname=" + DumpNormalizer.conninfoValue(database)));
  }

  @Override
  public String globalsDump() {
    return DumpNormalizer.normalize(exec("pg_dumpall", "--globals-only", "--no-role-passwords", "--no-password",
        "-U", SUPERUSER));
  }

  /** Lines with {@code ERROR:} in the container's output (the server's stderr). */
  @Override
  public List<String> serverLogErrors() {
    return container.getLogs().lines().filter(PostgresServer::isServerError).collect(Collectors.toList());
  }

  @Override
  public synchronized void stop() {
    if (!running || closed) {
      return;
    }
    try {
      docker().stopContainerCmd(container.getContainerId()).withTimeout(60).exec();
    } catch (NotModifiedException alreadyStopped) {
      LOG.debug("PostgreSQL container {} had already stopped", name);
    }
    running = false;
  }

  @Override
  public synchronized void kill() {
    if (!running || closed) {
      return;
    }
    docker().killContainerCmd(container.getContainerId()).exec();
    running = false;
  }

  @Override
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("PostgreSQL container " + name + " is closed");
    }
    if (running) {
      return;
    }
    docker().startContainerCmd(container.getContainerId()).exec();
    running = true;
    awaitConnections();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      container.stop();
    } finally {
      if (hostLogDir != null) {
        Directories.deleteRecursively(hostLogDir);
      }
    }
  }

  @Override
  public String toString() {
    return "ContainerPostgres[" + name + " " + IMAGE + " " + host() + ":" + hostPort + "]";
  }

  private void awaitConnections() {
    Await.until("PostgreSQL container " + name + " to accept connections", READY_TIMEOUT,
        () -> query("postgres", "SELECT 1").equals(List.of("1")));
  }

  @Override
  public PsqlResult psql(PsqlRun run) {
    StringBuilder shell = new StringBuilder();
    run.env().forEach((k, v) -> shell.append(k).append('=').append(shellQuote(v)).append(' '));
    shell.append("psql -X -q -U ").append(shellQuote(run.user() == null ? SUPERUSER : run.user()))
        .append(" --dbname=").append(shellQuote("dbname=" + DumpNormalizer.conninfoValue(run.database())));
    if (run.script() != null) {
      shell.insert(0, "cat > /tmp/ddlcast.sql <<'DDLCAST_EOF'\n" + run.script() + "\nDDLCAST_EOF\n");
      shell.append(" -f /tmp/ddlcast.sql");
    } else {
      shell.append(" -v ON_ERROR_STOP=1 -c ").append(shellQuote(run.command()));
    }
    try {
      ExecResult result = container.execInContainer(StandardCharsets.UTF_8, "bash", "-c", shell.toString());
      return new PsqlResult(result.getExitCode(), result.getStdout() + result.getStderr());
    } catch (IOException e) {
      throw new TestkitException("could not run psql in container " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestkitException("interrupted while running psql in container " + name, e);
    }
  }

  private static String shellQuote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  private String exec(String... command) {
    ExecResult result;
    try {
      result = container.execInContainer(StandardCharsets.UTF_8, command);
    } catch (IOException e) {
      throw new TestkitException("could not run " + String.join(" ", command) + " in container " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestkitException("interrupted while running " + String.join(" ", command) + " in container "
          + name, e);
    }
    if (result.getExitCode() != 0) {
      throw new TestkitException("command " + String.join(" ", command) + " in container " + name
          + " exited with " + result.getExitCode() + "\n--- stderr ---\n" + result.getStderr().strip());
    }
    return result.getStdout();
  }

  private DockerClient docker() {
    return container.getDockerClient();
  }

  private static String[] serverCommand(PostgresOptions options) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("fsync", "off");
    settings.put("synchronous_commit", "off");
    settings.put("full_page_writes", "off");
    settings.put("max_connections", "100");
    settings.put("log_line_prefix", PostgresServer.LOG_LINE_PREFIX);
    options.settings().keySet().forEach(key -> settings.put(key, options.setting(key).orElseThrow()));
    List<String> command = new ArrayList<>(List.of("postgres"));
    settings.forEach((key, value) -> {
      command.add("-c");
      command.add(key + "=" + value);
    });
    return command.toArray(String[]::new);
  }

  private static void addBind(HostConfig hostConfig, Path hostLogDir) {
    List<Bind> binds = new ArrayList<>();
    if (hostConfig.getBinds() != null) {
      binds.addAll(Arrays.asList(hostConfig.getBinds()));
    }
    binds.add(new Bind(hostLogDir.toString(), new Volume(LOG_MOUNT), AccessMode.rw));
    hostConfig.withBinds(binds);
  }

  private static Path worldWritableTempDir(String name) {
    try {
      Path dir = Files.createTempDirectory("ddlcast-pglog-" + name.replaceAll("[^A-Za-z0-9_.-]", "_") + "-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
      return dir.toAbsolutePath();
    } catch (IOException e) {
      throw new TestkitException("could not create the host csvlog directory for container " + name, e);
    }
  }
}
