package io.ddlcast.producer;

import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.cli.DurationConverter;
import io.ddlcast.common.cli.FilterOptions;
import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.kafka.KafkaClientOptions;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.trust.SigningKey;
import io.ddlcast.common.trust.SigningKeyOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ddlcast-producer run}: follows the primary's csvlog and publishes its DDL until stopped (SIGTERM). */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Follow the primary's csvlog and publish every DDL statement that took effect to a Kafka topic, keyed by "
            + "database. Runs until stopped (SIGTERM or Ctrl-C); a restart continues where it stopped.",
        "Every option can also be set as DDLCAST_<OPTION> in the environment (--bootstrap-servers: "
            + "DDLCAST_BOOTSTRAP_SERVERS) or as <option> in the --config file (bootstrap.servers=...)."})
final class RunCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(names = "--topic", paramLabel = "NAME", defaultValue = Topics.DEFAULT_TOPIC,
      description = "Topic of DDL events (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--pgdata", paramLabel = "DIR",
      description = "The primary's data directory; the active csvlog is found through its current_logfiles.")
  Path pgdata;

  @Option(names = "--log-dir", paramLabel = "DIR",
      description = "The primary's csvlog directory, when the data directory is not visible (e.g. in a container).")
  Path logDir;

  @Option(names = "--primary-url", paramLabel = "JDBC_URL",
      description = "The primary, e.g. jdbc:postgresql://HOST:5432/postgres?user=ddlcast (password from ~/.pgpass). "
          + "Used to check its logging settings and to settle DDL of sessions that go quiet.")
  String primaryUrl;

  @Option(names = "--source", paramLabel = "NAME",
      description = "Name of the primary in events and checkpoints (default: its system identifier).")
  String source;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "1",
      description = "Partitions of the topic when the producer creates it (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "-1",
      description = "Replication factor of the topics it creates (default: the broker's).")
  int replicationFactor;

  @Option(names = "--from", paramLabel = "earliest|latest", defaultValue = "earliest",
      description = "Where a producer with no checkpoint starts: the oldest csv file, or the end of the active one "
          + "(default: ${DEFAULT-VALUE}).")
  StartFrom startFrom;

  @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "200ms",
      converter = DurationConverter.class, description = "Longest pause when the log has nothing new: the producer "
          + "wakes as soon as the log directory changes (inotify), and at the latest after this "
          + "(default: ${DEFAULT-VALUE}).")
  Duration pollInterval;

  @Option(names = "--publish-window", paramLabel = "DURATION", defaultValue = "20ms",
      converter = DurationConverter.class, description = "How long decided events wait for more to go out in the "
          + "same Kafka transaction (0ms: each batch read goes out at once; default: ${DEFAULT-VALUE}, at most 1s).")
  Duration publishWindow;

  @Option(names = "--fingerprint-interval", paramLabel = "DURATION", defaultValue = "10m",
      converter = DurationConverter.class, description = "How often each database's schema fingerprint goes into "
          + "the stream, at the next quiet point, for the appliers' drift alarm (0: never; needs --primary-url; "
          + "default: ${DEFAULT-VALUE}).")
  Duration fingerprintInterval;

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Serve Prometheus metrics at http://0.0.0.0:PORT/metrics and readiness at /health "
          + "(default: no metrics server).")
  Integer metricsPort;

  @Option(names = "--accept-finite-retention",
      description = "Run even if the existing topic would delete history (retention.ms or retention.bytes not -1, "
          + "or cleanup.policy compact): a standby rebuilt by replaying it would then miss the deleted DDL.")
  boolean acceptFiniteRetention;

  @Option(names = "--secrets-key", paramLabel = "FILE",
      description = "Key file (32 random bytes, base64: openssl rand -base64 32 > ddlcast-secrets.key) to seal "
          + "secret literals with (user mapping and server passwords, role verifiers); the appliers need the same "
          + "file. Without it, DDL that holds a secret literal is not published (reported).")
  Path secretsKey;

  @Mixin
  KafkaClientOptions kafkaClient;
  @Option(names = "--signing-key", paramLabel = "FILE",
      description = "Sign every event with this Ed25519 private key (PKCS#8 PEM: openssl genpkey -algorithm ed25519; "
          + "mode 0600). Without it events are unsigned, with a warning.")
  Path signingKey;

  @Mixin
  FilterOptions filters;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws InterruptedException {
    Problems problems = new Problems();
    SigningKey key = SigningKeyOption.load("--signing-key", signingKey, problems);
    ProducerConfig config = ProducerConfig.validate(new ProducerConfig.Raw(bootstrapServers, topic, pgdata, logDir,
        primaryUrl, source, partitions, replicationFactor, startFrom, pollInterval, metricsPort, filters.options(),
        acceptFiniteRetention, kafkaClient.sources(), publishWindow, fingerprintInterval), secretsKey, problems);
    ProducerService service = new ProducerService(config, key);
    Thread loop = service.start();
    Thread hook = new Thread(service::close, "ddlcast-producer-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    loop.join();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // stopped by a signal: the hook is running
    }
    Throwable failure = service.failure().orElse(null);
    if (failure instanceof DdlcastException e) {
      throw e;
    }
    if (failure != null) {
      throw new DdlcastException(ExitCode.INTERNAL, "the producer stopped on an unexpected error: " + failure, failure);
    }
    return ExitCode.OK.code();
  }
}
