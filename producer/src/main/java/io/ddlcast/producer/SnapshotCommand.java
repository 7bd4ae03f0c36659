package io.ddlcast.producer;

import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.cli.DurationConverter;
import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.jdbc.PgUrl;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaClientOptions;
import io.ddlcast.common.kafka.KafkaCluster;
import io.ddlcast.common.kafka.KafkaNames;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.seal.SecretsKey;
import io.ddlcast.common.seal.SecretsKeyFile;
import io.ddlcast.common.snapshot.Baseline;
import io.ddlcast.common.trust.SigningKey;
import io.ddlcast.common.trust.SigningKeyOption;
import io.ddlcast.producer.primary.PrimaryClient;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ddlcast-producer snapshot}: publishes a baseline of the primary ({@link Baseline}) taken at one point of
 * the event stream ({@link SnapshotTaker}) to {@code <topic>.snapshots}, keyed by source (compacted: the latest of
 * each source is kept), so that a new standby loads it and replays only the events after it.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Publish a baseline of the primary (pg_dumpall --globals-only and pg_dump --schema-only of every database, "
            + "ddlcast's own objects left out) taken at one point of the event stream, with the events topic's "
            + "offsets it corresponds to, to the compacted topic <topic>.snapshots. The producer must be running: "
            + "the point is proven by its checkpoint. An applier started with --from-snapshot for a new standby "
            + "loads the latest one and replays only the events after it.",
        "Needs a superuser --primary-url. Role passwords travel as verifiers, sealed under --secrets-key; without "
            + "it they are left out (--no-role-passwords), and a schema holding another secret is refused."})
final class SnapshotCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(names = "--topic", paramLabel = "NAME", defaultValue = Topics.DEFAULT_TOPIC,
      description = "Topic of DDL events (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--primary-url", paramLabel = "JDBC_URL", description = "The primary, as a superuser.")
  String primaryUrl;

  @Option(names = "--source", paramLabel = "NAME",
      description = "The producer's --source (default: the primary's system identifier).")
  String source;

  @Option(names = "--pg-bin", paramLabel = "DIR",
      description = "Directory of pg_dump, pg_dumpall and pg_restore, of the primary's major version or newer "
          + "(default: as found on PATH).")
  Path pgBin;

  @Option(names = "--secrets-key", paramLabel = "FILE",
      description = "The producer's --secrets-key: the snapshot is sealed under it, role verifiers included.")
  Path secretsKey;

  @Option(names = "--signing-key", paramLabel = "FILE",
      description = "The producer's --signing-key: the snapshot record is signed, as events are.")
  Path signingKey;

  @Option(names = "--attempts", paramLabel = "N", defaultValue = "5",
      description = "Attempts at one point of the stream before giving up (default: ${DEFAULT-VALUE}).")
  int attempts;

  @Option(names = "--barrier-timeout", paramLabel = "DURATION", defaultValue = "60s",
      converter = DurationConverter.class,
      description = "How long to wait for the producer to read past the snapshot's barrier (default: "
          + "${DEFAULT-VALUE}).")
  Duration barrierTimeout;

  @Mixin
  KafkaClientOptions kafkaClient;

  @Mixin
  CommonOptions common;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Problems problems = new Problems();
    KafkaAccess kafka = KafkaAccess.validate(bootstrapServers, kafkaClient.sources(), problems);
    KafkaNames.checkTopic(topic, problems);
    SecretsKey key = secretsKey == null ? null : SecretsKeyFile.read(secretsKey, problems);
    SigningKey signer = SigningKeyOption.load("--signing-key", signingKey, problems);
    if (attempts < 1) {
      problems.invalid("--attempts", Integer.toString(attempts), "must be at least 1");
    }
    problems.throwIfAny();
    PgUrl primary = PrimaryUrlOption.parse(primaryUrl);
    String name = source;
    Baseline baseline;
    try {
      if (name == null || name.isBlank()) {
        try (PrimaryClient client = new PrimaryClient(primary)) {
          name = client.systemIdentifier();
        }
      }
      SnapshotTaker taker = new SnapshotTaker(new SnapshotTaker.Target(primary, new PgDump(pgBin, primary), kafka,
          topic, name, attempts, barrierTimeout), key);
      baseline = taker.take();
    } catch (SQLException e) {
      throw new DdlcastException(ExitCode.FAILED, "no snapshot: the primary " + primary + " answered SQLSTATE "
          + e.getSQLState() + ": " + e.getMessage() + ("42501".equals(e.getSQLState())
          ? " (a snapshot needs a superuser --primary-url)" : ""), e);
    } catch (IOException e) {
      throw new DdlcastException(ExitCode.FAILED, "no snapshot: " + e.getMessage(), e);
    }
    byte[] value = baseline.encode(key);
    if (value.length > DdlEvent.MAX_RECORD_BYTES) {
      throw new DdlcastException(ExitCode.FAILED, "no snapshot: it takes " + value.length + " bytes, more than the "
          + DdlEvent.MAX_RECORD_BYTES + " a record may (rebuild such a standby by replay)");
    }
    publish(kafka, name, value, signer);
    spec.commandLine().getOut().printf("published %s (%d database(s), %d bytes, role passwords %s) to %s%n",
        baseline.summary().describe(), baseline.databases().size(), value.length,
        key == null ? "left out: no --secrets-key" : "as verifiers, sealed", Topics.snapshotsTopic(topic));
    spec.commandLine().getOut().flush();
    return ExitCode.OK.code();
  }

  private void publish(KafkaAccess kafka, String name, byte[] value, SigningKey signer)
      throws InterruptedException {
    String snapshots = Topics.snapshotsTopic(topic);
    try (Admin admin = KafkaCluster.admin(kafka, "ddlcast-snapshot-admin")) {
      NewTopic created = new NewTopic(snapshots, Optional.of(1), Optional.empty()).configs(Map.of(
          TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
          TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(DdlEvent.MAX_RECORD_BYTES)));
      admin.createTopics(List.of(created)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new DdlcastException(ExitCode.FAILED, "cannot create topic " + snapshots + ": "
            + e.getCause().getMessage(), e);
      }
    } catch (TimeoutException e) {
      throw new DdlcastException(ExitCode.FAILED, "creating topic " + snapshots + " timed out", e);
    }
    Properties props = kafka.clientProperties("ddlcast-snapshot");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(DdlEvent.MAX_RECORD_BYTES));
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Integer.toString(2 * DdlEvent.MAX_RECORD_BYTES));
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(snapshots, name, value);
    if (signer != null) {
      signer.sign(record);
    }
    try (Producer<String, byte[]> producer = new KafkaProducer<>(props)) {
      producer.send(record).get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new DdlcastException(ExitCode.FAILED, "publishing the snapshot to " + snapshots + " failed: "
          + e.getMessage(), e);
    }
  }
}
