package io.ddlcast.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway PostgreSQL cluster run from the binaries installed on this host, because Docker is not available
 * everywhere and a real server is the only honest test of DDL replication.
 *
 * <p>Layout under the cluster's own directory ({@code <tmp or baseDir>/<name>-<random>}):
 * <pre>
 *   data/            PGDATA (initdb), csvlog files in data/log/ when csvlog is on
 *   server.log       the server's stderr (pg_ctl -l): startup messages, and all messages when csvlog is off
 *   .s.PGSQL.PORT    the Unix socket
 * </pre>
 * PostgreSQL refuses to run as root, so when the JVM is root the directory belongs to the OS user
 * {@code postgres} and initdb / pg_ctl run through {@code runuser -u postgres}. The server listens on 127.0.0.1
 * on a free port with trust authentication (over TLS only, with {@link PostgresOptions#withTls()}), durability
 * turned off for speed. A shutdown hook stops (immediately)
 * and deletes every cluster that was not closed, so a failing test leaks no server.
 */
public final class LocalPostgres implements PostgresServer {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
  private static final String SUPERUSER = "postgres";
  private static final String HOST = "127.0.0.1";
  private static final Set<LocalPostgres> OPEN = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();

  private final String name;
  private final PostgresOptions options;
  private final Path root;
  private final Path pgdata;
  private final Path socketDir;
  private volatile int port;
  private TestCertificates certificates;
  private boolean running;
  private boolean closed;

  private LocalPostgres(String name, PostgresOptions options, Path root, Path socketDir) {
    this.name = name;
    this.options = options;
    this.root = root;
    this.pgdata = root.resolve("data");
    this.socketDir = socketDir;
  }

  /** Creates (initdb), configures and starts a new cluster; returns when it accepts connections. */
  public static LocalPostgres create(String name, PostgresOptions options) {
    long started = System.nanoTime();
    PgBinaries.binDir();
    installShutdownHook();
    Path root = ClusterDirectory.create(name, options.baseDir());
    Path socketDir = ClusterDirectory.socketDirFor(root);
    LocalPostgres cluster = new LocalPostgres(name, options, root, socketDir);
    OPEN.add(cluster);
    try {
      cluster.initdb();
      if (options.tls()) {
        cluster.requireTls();
      }
      cluster.configureAndStart();
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
    LOG.info("PostgreSQL cluster {} up on {}:{} in {} ms (pgdata {})", name, HOST, cluster.port,
        (System.nanoTime() - started) / 1_000_000, cluster.pgdata);
    return cluster;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String host() {
    return HOST;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String superuser() {
    return SUPERUSER;
  }

  @Override
  public Path pgdata() {
    return pgdata;
  }

  /** The cluster's own directory: PGDATA, server.log and the socket live under it. */
  public Path directory() {
    return root;
  }

  /** The server's stderr log written by {@code pg_ctl -l}. */
  public Path serverLog() {
    return root.resolve("server.log");
  }

  @Override
  public Path rootCertificate() {
    return certificates == null ? null : certificates.caPem();
  }

  @Override
  public Path logDirectory() {
    if (!options.csvlogEnabled()) {
      return null;
    }
    Path configured = Path.of(options.setting("log_directory").orElse("log"));
    return configured.isAbsolute() ? configured : pgdata.resolve(configured);
  }

  @Override
  public String schemaDump(String database) {
    List<String> command = new ArrayList<>(List.of(PgBinaries.program("pg_dump"), "--schema-only",
        "--no-password", "--dbname=" + conninfo(database)));
    command.addAll(DumpNormalizer.EXCLUDE);
    return DumpNormalizer.normalize(runClient(command).stdout());
  }

  @Override
  public PsqlResult psql(PsqlRun run) {
    String conninfo = "host=" + HOST + " port=" + port + " user="
        + DumpNormalizer.conninfoValue(run.user() == null ? SUPERUSER : run.user()) + " dbname="
        + DumpNormalizer.conninfoValue(run.database()) + tlsConninfo();
    List<String> command = new ArrayList<>(List.of(PgBinaries.program("psql"), "-X", "-q",
        "--dbname=" + conninfo));
    Path script = null;
    try {
      if (run.script() != null) {
        script = Files.createTempFile("ddlcast-psql-", ".sql");
        Files.writeString(script, run.script(), StandardCharsets.UTF_8);
        command.addAll(List.of("-f", script.toString()));
      } else {
        command.addAll(List.of("-v", "ON_ERROR_STOP=1", "-c", run.command()));
      }
      Map<String, String> env = new HashMap<>(run.env());
      env.put("PGCONNECT_TIMEOUT", "10");
      Commands.Result result = Commands.run(command, root, env, COMMAND_TIMEOUT);
      return new PsqlResult(result.exitCode(), result.stdout() + result.stderr());
    } catch (IOException e) {
      throw new TestkitException("cannot write a psql script: " + e.getMessage(), e);
    } finally {
      if (script != null) {
        try {
          Files.deleteIfExists(script);
        } catch (IOException ignored) {
          // a temp file left behind
        }
      }
    }
  }

  @Override
  public String globalsDump() {
    List<String> command = List.of(PgBinaries.program("pg_dumpall"), "--globals-only", "--no-role-passwords",
        "--no-password", "--dbname=" + conninfo("postgres"));
    return DumpNormalizer.normalize(runClient(command).stdout());
  }

  @Override
  public List<String> serverLogErrors() {
    Path log = serverLog();
    if (!Files.exists(log)) {
      return List.of();
    }
    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      return lines.filter(PostgresServer::isServerError).collect(Collectors.toList());
    } catch (IOException | UncheckedIOException e) {
      throw new TestkitException("could not read " + log + " of cluster " + name, e);
    }
  }

  /** Whether this handle has started the server and not stopped it since. */
  public synchronized boolean isRunning() {
    return running;
  }

  @Override
  public synchronized void stop() {
    shutdown("fast");
  }

  @Override
  public synchronized void kill() {
    shutdown("immediate");
  }

  /**
   * SIGKILL to the postmaster and every one of its processes at once (nothing is flushed, no shutdown checkpoint):
   * the next start recovers from the WAL, as after a power loss.
   */
  @Override
  public synchronized void sigkill() {
    if (!running) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pgdata.resolve("postmaster.pid")).get(0).strip());
    } catch (IOException | RuntimeException e) {
      throw new TestkitException("cannot read the postmaster's pid of cluster " + name + ": " + e, e);
    }
    ProcessHandle postmaster = ProcessHandle.of(pid).orElse(null);
    if (postmaster != null) {
      List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
      all.add(postmaster);
      all.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle p : all) {
        try {
          p.onExit().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TestkitException("interrupted while killing cluster " + name, e);
        } catch (ExecutionException | TimeoutException e) {
          throw new TestkitException("cluster " + name + " did not die of SIGKILL: " + e, e);
        }
      }
    }
    running = false;
  }

  @Override
  public synchronized void start() {
    checkOpen();
    if (running && serverProcessAlive()) {
      return;
    }
    pgCtlStart();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try {
      if (running) {
        try {
          shutdown("fast");
        } catch (TestkitException e) {
          LOG.warn("fast shutdown of cluster {} failed, stopping it immediately: {}", name, e.getMessage());
          shutdown("immediate");
        }
      }
    } finally {
      closed = true;
      OPEN.remove(this);
      Directories.deleteRecursively(root);
      if (!socketDir.equals(root)) {
        Directories.deleteRecursively(socketDir);
      }
    }
  }

  @Override
  public String toString() {
    return "LocalPostgres[" + name + " " + HOST + ":" + port + " " + pgdata + "]";
  }

  private void initdb() {
    List<String> command = new ArrayList<>(List.of(PgBinaries.program("initdb"), "-D", pgdata.toString(),
        "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--no-sync"));
    command.addAll(PgBinaries.initdbLocaleArguments());
    Commands.runChecked(Commands.asClusterOwner(command), root, Map.of(), COMMAND_TIMEOUT);
  }

  /** Writes postgresql.conf and starts; retries on another port if the chosen one was taken meanwhile. */
  private void configureAndStart() {
    Path conf = pgdata.resolve("postgresql.conf");
    String initdbConf = read(conf);
    for (int attempt = 1; ; attempt++) {
      port = FreePorts.pick();
      write(conf, initdbConf + settingsBlock());
      try {
        pgCtlStart();
        return;
      } catch (TestkitException e) {
        String log = tail(serverLog(), 20);
        boolean portTaken = log.contains("could not bind") || log.contains("Address already in use");
        if (!portTaken || attempt == 3) {
          throw e;
        }
        LOG.warn("port {} was taken before cluster {} could bind it; trying another", port, name);
      }
    }
  }

  private String settingsBlock() {
    StringBuilder block = new StringBuilder("\n# --- written by the ddlcast testkit ---\n");
    Map<String, String> base = new LinkedHashMap<>();
    base.put("listen_addresses", HOST);
    base.put("port", Integer.toString(port));
    base.put("unix_socket_directories", socketDir.toString());
    base.put("fsync", "off");
    base.put("synchronous_commit", "off");
    base.put("full_page_writes", "off");
    base.put("max_connections", "100");
    base.put("log_line_prefix", PostgresServer.LOG_LINE_PREFIX);
    if (certificates != null) {
      base.put("ssl", "on");
      base.put("ssl_cert_file", certificates.serverCertificate().toString());
      base.put("ssl_key_file", certificates.serverKey().toString());
    }
    base.putAll(options.settings());
    base.forEach((key, value) -> block.append(PostgresOptions.confLine(key, value)).append('\n'));
    return block.toString();
  }

  private void pgCtlStart() {
    List<String> command = List.of(PgBinaries.program("pg_ctl"), "-w", "-t", "60", "-D", pgdata.toString(),
        "-l", serverLog().toString(), "start");
    Commands.Result result = Commands.run(Commands.asClusterOwner(command), root, Map.of(), COMMAND_TIMEOUT);
    if (result.exitCode() != 0) {
      throw new TestkitException("could not start cluster " + name + ": " + result.describe()
          + "\n--- last lines of " + serverLog() + " ---\n" + tail(serverLog(), 30));
    }
    running = true;
  }

  private void shutdown(String mode) {
    if (!running) {
      return;
    }
    List<String> command = List.of(PgBinaries.program("pg_ctl"), "-w", "-t", "60", "-D", pgdata.toString(),
        "-m", mode, "stop");
    Commands.Result result = Commands.run(Commands.asClusterOwner(command), root, Map.of(), COMMAND_TIMEOUT);
    if (result.exitCode() != 0 && serverProcessAlive()) {
      throw new TestkitException("could not stop cluster " + name + " (" + mode + "): " + result.describe());
    }
    running = false;
  }

  private boolean serverProcessAlive() {
    List<String> command = List.of(PgBinaries.program("pg_ctl"), "-D", pgdata.toString(), "status");
    return Commands.run(Commands.asClusterOwner(command), root, Map.of(), COMMAND_TIMEOUT).exitCode() == 0;
  }

  private Commands.Result runClient(List<String> command) {
    return Commands.runChecked(command, root, Map.of("PGCONNECT_TIMEOUT", "10"), COMMAND_TIMEOUT);
  }

  private String conninfo(String database) {
    return "host=" + HOST + " port=" + port + " user=" + SUPERUSER + " dbname="
        + DumpNormalizer.conninfoValue(database) + tlsConninfo();
  }

  private String tlsConninfo() {
    return certificates == null ? ""
        : " sslmode=verify-full sslrootcert=" + DumpNormalizer.conninfoValue(certificates.caPem().toString());
  }

  /**
   * A test CA's certificate for the server, and a pg_hba.conf that takes TCP connections over TLS only (the
   * Unix socket stays trusted, for pg_ctl). The private key must belong to the server's OS user, mode 0600.
   */
  private void requireTls() {
    certificates = TestCertificates.create(root.resolve("tls"));
    try {
      Files.setPosixFilePermissions(certificates.serverKey(), PosixFilePermissions.fromString("rw-------"));
      if (Commands.runningAsRoot()) {
        UserPrincipalLookupService lookup = root.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(certificates.serverKey(), lookup.lookupPrincipalByName(Commands.POSTGRES_OS_USER));
        Files.setPosixFilePermissions(certificates.directory(), PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    } catch (IOException e) {
      throw new TestkitException("could not give the TLS key of cluster " + name + " to its OS user", e);
    }
    write(pgdata.resolve("pg_hba.conf"), """
        # written by the ddlcast testkit: TCP over TLS only
        local     all all                trust
        hostssl   all all 127.0.0.1/32   trust
        hostssl   all all ::1/128        trust
        hostnossl all all 0.0.0.0/0      reject
        hostnossl all all ::/0           reject
        """);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("cluster " + name + " is closed");
    }
  }

  private static void installShutdownHook() {
    if (HOOK_INSTALLED.compareAndSet(false, true)) {
      Runtime.getRuntime().addShutdownHook(new Thread(LocalPostgres::stopAllImmediately, "ddlcast-pg-cleanup"));
    }
  }

  private static void stopAllImmediately() {
    for (LocalPostgres cluster : List.copyOf(OPEN)) {
      try {
        synchronized (cluster) {
          cluster.shutdown("immediate");
          cluster.close();
        }
      } catch (RuntimeException e) {
        LOG.warn("could not clean up cluster {} at JVM exit: {}", cluster.name, e.getMessage());
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TestkitException("could not read " + file, e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TestkitException("could not write " + file, e);
    }
  }

  static String tail(Path file, int lines) {
    if (!Files.exists(file)) {
      return "(" + file + " does not exist)";
    }
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(could not read " + file + ": " + e.getMessage() + ")";
    }
  }
}
