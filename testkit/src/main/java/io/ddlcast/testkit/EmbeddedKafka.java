package io.ddlcast.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft: broker and controller in one node) inside this JVM, from the Maven Central
 * artifacts, because Docker is not available everywhere and a mock broker would not show how transactions,
 * fencing and restarts really behave.
 *
 * <p>Listens on 127.0.0.1 on two free ports (clients, controller) that stay the same across
 * {@link #stop()}/{@link #start()}. Storage is formatted once with {@code StorageTool} and kept until
 * {@link #close()}. (The factories are named {@code launch} because {@code start()} is the instance method that
 * restarts a stopped broker.) Internal topics have one partition and replication factor 1 so that the first
 * transaction and the first consumer group are fast; topics are never created automatically, so a test that
 * forgets to create its topic fails instead of silently getting a default one. Broker logging is turned down to
 * WARN (see {@link KafkaLogging}).
 */
public final class EmbeddedKafka implements KafkaServer {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final String LOG_DIR_NAME = "kafka-logs";
  private static final String CONFIG_FILE_NAME = "server.properties";
  private static final String TLS_DIR_NAME = "tls";

  private final Path dataDir;
  private final boolean ownsDataDir;
  private final int port;
  private final int controllerPort;
  private final KafkaSecurity security;
  private final Properties config;
  private KafkaRaftServer server;
  private boolean closed;

  private EmbeddedKafka(Path dataDir, boolean ownsDataDir, boolean secure) {
    this.dataDir = dataDir.toAbsolutePath();
    this.ownsDataDir = ownsDataDir;
    this.port = FreePorts.pick();
    this.controllerPort = FreePorts.pick();
    this.security = secure ? KafkaSecurity.create(this.dataDir.resolve(TLS_DIR_NAME)) : null;
    this.config = brokerConfig();
  }

  /** Starts a broker whose data lives in a new temp directory, deleted by {@link #close()}. */
  public static EmbeddedKafka launch() {
    return launch(tempDir(), true, false);
  }

  /**
   * Starts a secured broker (see {@link KafkaSecurity}: SASL_SSL with SCRAM-SHA-512 only, ACLs) whose data and
   * TLS files live in a new temp directory, deleted by {@link #close()}.
   */
  public static EmbeddedKafka launchSecure() {
    return launch(tempDir(), true, true);
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("ddlcast-kafka-");
    } catch (IOException e) {
      throw new TestkitException("could not create a temp directory for the embedded Kafka broker", e);
    }
  }

  /**
   * Starts a broker whose data lives in {@code dataDir} (created if missing; an already formatted one is reused).
   * {@link #close()} deletes the broker's files in it but not the directory's other content.
   */
  public static EmbeddedKafka launch(Path dataDir) {
    return launch(dataDir, false, false);
  }

  private static EmbeddedKafka launch(Path dataDir, boolean ownsDataDir, boolean secure) {
    KafkaLogging.quiet();
    EmbeddedKafka kafka = new EmbeddedKafka(dataDir, ownsDataDir, secure);
    try {
      kafka.format();
      kafka.start();
    } catch (RuntimeException | Error e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  @Override
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Users, passwords, TLS files and client settings of a broker from {@link #launchSecure()}; else empty. */
  public Optional<KafkaSecurity> security() {
    return Optional.ofNullable(security);
  }

  /** An admin client: as the super user {@value KafkaSecurity#ADMIN} on a secured broker. */
  public Admin admin() {
    return Admin.create(adminProperties());
  }

  private Properties adminProperties() {
    Properties props = new Properties();
    if (security != null) {
      props.putAll(security.clientProperties(KafkaSecurity.ADMIN));
    }
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }

  /** The directory holding the broker's log segments and metadata log. */
  public Path dataDir() {
    return dataDir;
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  @Override
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("embedded Kafka broker at " + bootstrapServers() + " is closed");
    }
    if (server != null) {
      return;
    }
    long started = System.nanoTime();
    KafkaRaftServer starting = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
    try {
      starting.startup();
      server = starting;
      KafkaReadiness.await(adminProperties(), READY_TIMEOUT);
    } catch (RuntimeException | AssertionError e) {
      server = null;
      shutdown(starting);
      throw new TestkitException("embedded Kafka broker at " + bootstrapServers() + " (data " + dataDir
          + ") did not start: " + e.getMessage(), e);
    }
    LOG.info("embedded Kafka broker up at {} in {} ms (data {})", bootstrapServers(),
        (System.nanoTime() - started) / 1_000_000, dataDir);
  }

  @Override
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    long started = System.nanoTime();
    KafkaRaftServer stopping = server;
    server = null;
    shutdown(stopping);
    LOG.info("embedded Kafka broker at {} stopped in {} ms", bootstrapServers(),
        (System.nanoTime() - started) / 1_000_000);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try {
      stop();
    } finally {
      closed = true;
      Directories.deleteRecursively(dataDir.resolve(LOG_DIR_NAME));
      Directories.deleteRecursively(dataDir.resolve(CONFIG_FILE_NAME));
      Directories.deleteRecursively(dataDir.resolve(TLS_DIR_NAME));
      if (ownsDataDir) {
        Directories.deleteRecursively(dataDir);
      }
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafka[" + bootstrapServers() + " " + dataDir + "]";
  }

  private Properties brokerConfig() {
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", dataDir.resolve(LOG_DIR_NAME).toString());
    props.put("num.partitions", "1");
    props.put("default.replication.factor", "1");
    props.put("min.insync.replicas", "1");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("log.cleaner.dedupe.buffer.size", "8388608");
    props.put("auto.create.topics.enable", "false");
    props.put("num.network.threads", "2");
    props.put("num.io.threads", "4");
    if (security != null) {
      security.configure(props, port, controllerPort);
    }
    return props;
  }

  /** Formats the storage (once; an already formatted directory is kept) with Kafka's own StorageTool. */
  private void format() {
    Path configFile = dataDir.resolve(CONFIG_FILE_NAME);
    writeConfig(configFile);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    List<String> args = new ArrayList<>(List.of("format", "--ignore-formatted", "-t", clusterId(), "-c",
        configFile.toString()));
    if (security != null) {
      args.addAll(security.formatArguments());
    }
    String[] arguments = args.toArray(String[]::new);
    int exitCode;
    try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      exitCode = StorageTool.execute(arguments, out);
    } catch (RuntimeException e) {
      throw new TestkitException("could not format Kafka storage: StorageTool " + String.join(" ", arguments)
          + " failed: " + e + "\n" + output.toString(StandardCharsets.UTF_8), e);
    }
    if (exitCode != 0) {
      throw new TestkitException("could not format Kafka storage: StorageTool " + String.join(" ", arguments)
          + " exited with " + exitCode + "\n" + output.toString(StandardCharsets.UTF_8));
    }
    LOG.debug("formatted Kafka storage: {}", output.toString(StandardCharsets.UTF_8).strip());
  }

  /** The cluster id of an already formatted data directory, or a new one. */
  private String clusterId() {
    Path metaProperties = dataDir.resolve(LOG_DIR_NAME).resolve("meta.properties");
    if (Files.exists(metaProperties)) {
      Properties meta = new Properties();
      try (InputStream in = Files.newInputStream(metaProperties)) {
        meta.load(in);
      } catch (IOException e) {
        throw new TestkitException("could not read " + metaProperties, e);
      }
      String existing = meta.getProperty("cluster.id");
      if (existing != null) {
        return existing;
      }
    }
    return Uuid.randomUuid().toString();
  }

  private void writeConfig(Path configFile) {
    try {
      Files.createDirectories(dataDir);
      try (OutputStream file = Files.newOutputStream(configFile)) {
        config.store(file, "embedded Kafka broker of the ddlcast testkit");
      }
    } catch (IOException e) {
      throw new TestkitException("could not write the Kafka broker configuration " + configFile, e);
    }
  }

  private static void shutdown(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("embedded Kafka broker did not shut down cleanly: {}", e.toString());
    }
  }
}
