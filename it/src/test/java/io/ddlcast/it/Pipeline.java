package io.ddlcast.it;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.InvalidEventException;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.TopicReader;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.records.EventRecords;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.EmbeddedKafka;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.KafkaSecurity;
import io.ddlcast.testkit.KafkaServer;
import io.ddlcast.testkit.PostgresOptions;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.Resources;
import io.ddlcast.testkit.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The integration tests' one harness: a real Kafka broker, a real primary (csvlog configured) and real standbys
 * from {@link TestServers} (local servers here, containers where Docker runs), with the producer and the appliers
 * as real processes started from their runnable jars, exactly as an operator starts them.
 */
final class Pipeline implements AutoCloseable {
  static final Path ROOT = Path.of(System.getProperty("ddlcast.root", "..")).toAbsolutePath().normalize();
  static final Path PRODUCER_JAR = ROOT.resolve("producer/target/ddlcast-producer.jar");
  static final Path APPLIER_JAR = ROOT.resolve("applier/target/ddlcast-applier.jar");
  static final Path DEMO_JAR = ROOT.resolve("demo/target/ddlcast-demo.jar");
  private static final Pattern APPLIED = Pattern.compile("applied (\\S+) in ");

  final KafkaServer kafka;
  final PostgresServer primary;
  final Map<String, PostgresServer> standbys = new HashMap<>();
  private final Path logs;
  private final PostgresOptions standbyOptions;
  private final Resources resources = new Resources();
  private final List<JavaProcess> producers = new ArrayList<>();
  private KafkaClientConfigs kafkaConfigs;
  private String producerRole;

  /** The Kafka client properties file (--kafka-config) each process gets, for a secured broker. */
  interface KafkaClientConfigs {
    Path producer();

    Path applier(String standbyName);

    Path operator();
  }
  /** The key the producer seals secret literals with and the appliers open them with (--secrets-key). */
  final Path secretsKey;

  Pipeline(String testName, String... standbyNames) {
    this(testName, PostgresOptions.primary().withSetting("max_prepared_transactions", "10"), standbyNames);
  }

  Pipeline(String testName, PostgresOptions primaryOptions, String... standbyNames) {
    this(testName, TestServers::kafka, primaryOptions, PostgresOptions.standby(), standbyNames);
  }

  /**
   * On the broker {@code broker} starts (e.g. {@code EmbeddedKafka::launchSecure}), with standbys made with
   * {@code standbyOptions} (e.g. {@link PostgresOptions#withTls()}).
   */
  Pipeline(String testName, Supplier<KafkaServer> broker, PostgresOptions primaryOptions,
      PostgresOptions standbyOptions, String... standbyNames) {
    this.standbyOptions = standbyOptions;
    this.logs = ROOT.resolve("it/target/it-logs").resolve(testName);
    deleteLogsOfEarlierRuns();
    this.secretsKey = writeSecretsKey(logs);
    this.kafka = track(broker.get());
    this.primary = track(TestServers.postgres("primary", primaryOptions));
    for (String name : standbyNames) {
      addStandby(name);
    }
  }

  private void deleteLogsOfEarlierRuns() {
    if (Files.isDirectory(logs)) {
      try (var files = Files.list(logs)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot clear " + logs, e);
      }
    }
  }

  /** From now on, producers connect to the primary as {@code role} instead of its superuser. */
  void producerRole(String role) {
    this.producerRole = role;
  }

  /** From now on, every producer, applier and operator command this pipeline starts gets --kafka-config. */
  void kafkaConfigs(KafkaClientConfigs configs) {
    this.kafkaConfigs = configs;
  }

  /** The processes' log directory. */
  Path logs() {
    return logs;
  }

  /** How the test itself reads topics: PLAINTEXT, or as the broker's admin user on a secured broker. */
  KafkaAccess testAccess() {
    if (kafka instanceof EmbeddedKafka embedded && embedded.security().isPresent()) {
      return new KafkaAccess(kafka.bootstrapServers(),
          embedded.security().get().clientProperties(KafkaSecurity.ADMIN));
    }
    return KafkaAccess.plaintext(kafka.bootstrapServers());
  }

  private static List<String> withKafkaConfig(List<String> args, Path file) {
    if (file == null || args.contains("--kafka-config")) {
      return args;
    }
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--kafka-config", file.toString()));
    return all;
  }

  /** A key file as {@code openssl rand -base64 32} writes it, readable by its owner only. */
  private static Path writeSecretsKey(Path dir) {
    try {
      Files.createDirectories(dir);
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      Path file = dir.resolve("secrets.key");
      Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a secrets key in " + dir, e);
    }
  }

  /** The arguments with {@code --secrets-key} of this pipeline added, unless they name one or {@code none}. */
  private List<String> withSecretsKey(List<String> args) {
    List<String> all = new ArrayList<>(args);
    if (!args.contains("--secrets-key")) {
      all.addAll(List.of("--secrets-key", secretsKey.toString()));
    } else if (args.get(args.indexOf("--secrets-key") + 1).equals("none")) {
      all.subList(all.indexOf("--secrets-key"), all.indexOf("--secrets-key") + 2).clear();
    }
    return all;
  }

  PostgresServer addStandby(String name) {
    return addStandby(name, standbyOptions);
  }

  /** A standby with other settings (the primary's logging, for one that may be promoted). */
  PostgresServer addStandby(String name, PostgresOptions options) {
    PostgresServer standby = track(TestServers.postgres(name, options));
    standbys.put(name, standby);
    return standby;
  }

  PostgresServer standby(String name) {
    return standbys.get(name);
  }

  /**
   * Starts the producer jar on the primary's data directory (its log directory where PGDATA is not visible). It
   * reads the log from its beginning, so DDL run before it is ready is not lost.
   */
  JavaProcess startProducer(String... extraArgs) {
    return startProducerOn(primary, "producer.log", extraArgs);
  }

  /** Starts a producer for {@code server} (a promoted standby, the old primary again), logging to {@code log}. */
  JavaProcess startProducerOn(PostgresServer server, String log, String... extraArgs) {
    String primaryUrl = server.jdbcUrl("postgres");
    if (producerRole != null) {
      primaryUrl = primaryUrl.replace("?user=" + server.superuser(), "?user=" + producerRole);
    }
    List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", kafka.bootstrapServers(),
        "--primary-url", primaryUrl, "--poll-interval", "50ms"));
    if (server.pgdata() != null) {
      args.addAll(List.of("--pgdata", server.pgdata().toString()));
    } else {
      args.addAll(List.of("--log-dir", server.logDirectory().toString(), "--source", "primary"));
    }
    args.addAll(List.of(extraArgs));
    args = withKafkaConfig(args, kafkaConfigs == null ? null : kafkaConfigs.producer());
    JavaProcess producer = track(JavaProcess.startJar(PRODUCER_JAR, List.of("-Xmx128m"), withSecretsKey(args),
        Map.of(), logs.resolve(log)));
    producers.add(producer);
    return producer;
  }

  /** Runs {@code producer install} on the primary (ddlcast's event trigger in every database) and checks it. */
  String installHelper() {
    return installHelperOn(primary);
  }

  /** Runs {@code producer install} on {@code server} (a standby that may become the primary). */
  String installHelperOn(PostgresServer server) {
    Path out = logs.resolve("install-" + server.name() + ".log");
    try (JavaProcess install = JavaProcess.startJar(PRODUCER_JAR, List.of(), List.of("install", "--primary-url",
        server.jdbcUrl("postgres")), Map.of(), out)) {
      int code = install.waitFor(Duration.ofSeconds(60));
      if (code != 0) {
        throw new AssertionError("producer install exited with " + code + ":\n" + install.output());
      }
      return install.output();
    }
  }

  /** Runs a command of the producer jar (install, check, scan) to its end: its exit code and what it printed. */
  CommandRun producerCommand(String... args) {
    Path out = logs.resolve("command-" + commandRuns.incrementAndGet() + "-producer-" + args[0] + ".log");
    try (JavaProcess run = JavaProcess.startJar(PRODUCER_JAR, List.of("-Xmx128m"), List.of(args), Map.of(), out)) {
      int code = run.waitFor(Duration.ofSeconds(120));
      return new CommandRun(code, run.output());
    }
  }

  /** True while every producer this pipeline started still runs. */
  boolean producerAlive() {
    return !producers.isEmpty() && producers.stream().allMatch(JavaProcess::isAlive);
  }

  /** Starts an applier jar for a standby (its consumer group is the standby's name). */
  JavaProcess startApplier(String standbyName, String... extraArgs) {
    return startApplierOn(standbyName, standbys.get(standbyName), extraArgs);
  }

  /** Starts an applier named {@code standbyName} for {@code standby} (an old primary that rejoins). */
  JavaProcess startApplierOn(String standbyName, PostgresServer standby, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", kafka.bootstrapServers(),
        "--standby-name", standbyName, "--standby-url", standby.jdbcUrl("postgres")));
    args.addAll(List.of(extraArgs));
    args = withKafkaConfig(args, kafkaConfigs == null ? null : kafkaConfigs.applier(standbyName));
    JavaProcess applier = track(JavaProcess.startJar(APPLIER_JAR, List.of("-Xmx128m"), withSecretsKey(args),
        Map.of(), applierLog(standbyName)));
    applier.awaitOutput("applier for standby " + standbyName, Duration.ofSeconds(60));
    return applier;
  }

  /** The result of a short command: its exit code and everything it printed. */
  record CommandRun(int exitCode, String output) {}

  private final AtomicInteger commandRuns = new AtomicInteger(); // commands may run at once

  /** Runs an operator command of the applier jar (status, wait, retry, skip) against this pipeline's broker. */
  CommandRun applierCommand(String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command, "--bootstrap-servers", kafka.bootstrapServers()));
    all.addAll(List.of(args));
    all = withKafkaConfig(all, kafkaConfigs == null ? null : kafkaConfigs.operator());
    Path out = logs.resolve("command-" + commandRuns.incrementAndGet() + "-" + command + ".log");
    try (JavaProcess run = JavaProcess.startJar(APPLIER_JAR, List.of("-Xmx128m"), all, Map.of(), out)) {
      int code = run.waitFor(Duration.ofSeconds(120));
      return new CommandRun(code, run.output());
    }
  }

  /** Everything the producer printed (all its runs). */
  String producerLog() {
    try {
      return Files.readString(logs.resolve("producer.log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything an applier printed (all its runs). */
  String applierOutput(String standbyName) {
    try {
      return Files.readString(applierLog(standbyName));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The raw values of every record on the topic, as text (to look for what must never be there). */
  String rawTopic() {
    StringBuilder all = new StringBuilder();
    topicEvents().forEach(e -> all.append(EventCodec.toJson(e)).append('\n'));
    return all.toString();
  }

  Path applierLog(String standbyName) {
    return logs.resolve("applier-" + standbyName + ".log");
  }

  /** Event ids an applier logged as applied, over all its runs, in order (duplicates kept). */
  List<String> appliedIds(String standbyName) {
    List<String> ids = new ArrayList<>();
    try {
      Matcher m = APPLIED.matcher(Files.readString(applierLog(standbyName)));
      while (m.find()) {
        ids.add(m.group(1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  /** Every committed event on the topic, in partition order. */
  List<DdlEvent> topicEvents() {
    List<DdlEvent> events = new ArrayList<>();
    try {
      for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(testAccess(), Topics.DEFAULT_TOPIC)) {
        if (!EventRecords.isEvent(r)) {
          continue; // a generation's marker or a schema fingerprint
        }
        events.add(EventCodec.decode(r.value()));
      }
    } catch (InvalidEventException e) {
      throw new AssertionError("the topic holds a record that is not an event: " + e.getMessage(), e);
    }
    return events;
  }

  /** Waits until the topic holds at least {@code count} events. */
  List<DdlEvent> awaitEvents(int count, Duration timeout) {
    return Await.untilValue("at least " + count + " events on the topic", timeout, () -> {
      List<DdlEvent> events = topicEvents();
      return events.size() >= count ? events : null;
    });
  }

  private <T extends AutoCloseable> T track(T resource) {
    return resources.track(resource);
  }

  @Override
  public void close() {
    resources.close();
  }
}
