package io.ddlcast.applier;

import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.cli.DurationConverter;
import io.ddlcast.common.cli.FilterOptions;
import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.kafka.KafkaClientOptions;
import io.ddlcast.common.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ddlcast-applier run}: applies the topic's DDL events to one standby until stopped (SIGTERM). */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Apply the DDL events of the topic to one standby, in order, per database, committing Kafka offsets only "
            + "after the statement succeeded there. A new standby name replays the whole topic (rebuild). Runs "
            + "until stopped (SIGTERM or Ctrl-C).",
        "Every option can also be set as DDLCAST_<OPTION> in the environment (--standby-url: DDLCAST_STANDBY_URL) "
            + "or as <option> in the --config file (standby.url=...)."})
final class RunCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(names = "--topic", paramLabel = "NAME", defaultValue = Topics.DEFAULT_TOPIC,
      description = "Topic of DDL events (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--standby-name", paramLabel = "NAME",
      description = "This standby's name: its consumer group is ddlcast.applier.NAME.")
  String standbyName;

  @Option(names = "--standby-url", paramLabel = "JDBC_URL",
      description = "The standby's maintenance database, e.g. jdbc:postgresql://HOST:5432/postgres?user=postgres "
          + "(password from ~/.pgpass); other databases are reached by swapping the database name.")
  String standbyUrl;

  @Option(names = "--parallelism", paramLabel = "N", defaultValue = "4",
      description = "Databases applied at the same time (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "10",
      description = "Sessions this applier holds on the standby at most, busy and idle, all databases together "
          + "(default: ${DEFAULT-VALUE}; at least 2). A database that needs one while all are in use waits; idle "
          + "ones close after 60 s.")
  int maxConnections;

  @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "10s",
      converter = DurationConverter.class,
      description = "How long a statement waits for a lock another session holds on the standby before it is "
          + "canceled and retried with backoff, logged and counted (default: ${DEFAULT-VALUE}; 0: wait forever).")
  Duration lockTimeout;

  @Option(names = "--statement-timeout", paramLabel = "DURATION", defaultValue = "0",
      converter = DurationConverter.class,
      description = "Longest a statement may run on the standby (default: 0, no limit: a big CREATE INDEX may "
          + "legitimately take hours); one canceled by it stops its database's stream.")
  Duration statementTimeout;

  @Option(names = "--tablespace-map", paramLabel = "PRIMARY_DIR=STANDBY_DIR", split = ",",
      description = "Where a tablespace the primary creates in PRIMARY_DIR goes on this standby. Repeat, or separate "
          + "with commas. CREATE TABLESPACE without a mapping is skipped and reported.")
  Map<String, String> tablespaceMap;

  @Option(names = "--on-error", paramLabel = "stop|skip", defaultValue = "stop",
      description = "What a permanent failure does: stop that database's stream until the operator retries or skips "
          + "the event (default), or skip the event to the dead-letter topic and go on.")
  String onError;

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Serve Prometheus metrics at http://0.0.0.0:PORT/metrics and readiness at /health "
          + "(default: no metrics server).")
  Integer metricsPort;

  @Option(names = "--secrets-key", paramLabel = "FILE",
      description = "The producer's --secrets-key file, to open the secret literals it sealed (user mapping and "
          + "server passwords, role verifiers). Without it, a sealed event stops its database's stream (skip "
          + "possible).")
  Path secretsKey;

  @Option(names = "--batch-max-events", paramLabel = "N",
      description = "Most events of one database a batch runs in one standby transaction, with one marker update "
          + "(default: 200; 1: no batches). A batch takes only events already queued: a caught-up database applies "
          + "each event at once.")
  Integer batchMaxEvents;

  @Option(names = "--batch-max-bytes", paramLabel = "BYTES",
      description = "Most bytes of statement text in one batch (default: 1048576).")
  Long batchMaxBytes;

  @Option(names = "--batch-max-time", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How long a batch's transaction keeps taking queued events before it commits (default: 1s); "
          + "a batch never waits for events.")
  Duration batchMaxTime;

  @Mixin
  KafkaClientOptions kafkaClient;
  @Option(names = "--trusted-keys", paramLabel = "FILE[,FILE...]",
      description = "Apply only events signed by one of these Ed25519 public keys (PEM: openssl pkey -pubout); an "
          + "unsigned, altered or foreign-signed event stops its database's stream. Several keys: rotation. Without "
          + "it events are applied unsigned, with a warning (and status says so).")
  String trustedKeys;

  @Option(names = "--operator-keys", paramLabel = "FILE[,FILE...]",
      description = "Obey only operator commands (retry, skip) signed by one of these public keys (their "
          + "--signing-key); required with --trusted-keys.")
  String operatorKeys;

  @Option(names = "--sources", paramLabel = "ID[,ID...]",
      description = "Apply only events of these sources (the producer's --source, or the primary's system "
          + "identifier); an event of another source stops its database's stream. Default: any.")
  String sources;

  @Option(names = "--until", paramLabel = "EVENT_ID|TIMESTAMP",
      description = "Stop after this point, exit 0: after the event with this id (as status shows it) in its "
          + "partition, and on other partitions after the last event the primary logged not after it; or after "
          + "the last event the primary logged at or before this ISO-8601 time with its zone "
          + "(2026-12-02T10:15:30Z). Nothing past the point is applied.")
  String until;

  @Option(names = "--from-snapshot",
      description = "For a new standby (no committed offsets): load the latest snapshot of <topic>.snapshots "
          + "(ddlcast producer snapshot), then replay only the events after it.")
  boolean fromSnapshot;

  @Mixin
  FilterOptions filters;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws InterruptedException {
    Problems problems = new Problems();
    ApplierTrust trust = ApplierTrust.validate(trustedKeys, operatorKeys, sources, problems);
    UntilPoint untilPoint = UntilPoint.parse(until, problems);
    ApplierConfig config = ApplierConfig.validate(
        new ApplierConfig.Raw(bootstrapServers, topic, standbyName, standbyUrl, parallelism, tablespaceMap, onError,
            metricsPort, filters.options(), kafkaClient.sources(),
            new StandbyLimits(maxConnections, lockTimeout, statementTimeout),
            new ApplierConfig.BatchOptions(batchMaxEvents, batchMaxBytes, batchMaxTime)), secretsKey, problems);
    if (fromSnapshot) {
      new SnapshotLoad(config, trust).run();
    }
    ApplierService service = new ApplierService(config, trust).until(untilPoint);
    Thread loop = service.start();
    Thread hook = new Thread(service::close, "ddlcast-applier-shutdown");
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
      throw new DdlcastException(ExitCode.INTERNAL, "the applier stopped on an unexpected error: " + failure, failure);
    }
    return ExitCode.OK.code();
  }
}
