package io.ddlcast.producer;

import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.event.EventFilter;
import io.ddlcast.common.jdbc.PgUrl;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaClientProperties;
import io.ddlcast.common.kafka.KafkaNames;
import io.ddlcast.common.metrics.MetricsPort;
import io.ddlcast.common.seal.SecretsKey;
import io.ddlcast.common.seal.SecretsKeyFile;
import io.ddlcast.producer.csvlog.LogSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The producer's validated configuration: every problem is found before any connection or file is opened. */
public record ProducerConfig(
    KafkaAccess kafka,
    String topic,
    Path pgdata,
    Path logDir,
    PgUrl primary,
    String source,
    int partitions,
    short replicationFactor,
    StartFrom startFrom,
    Duration pollInterval,
    Integer metricsPort,
    EventFilter filter,
    boolean acceptFiniteRetention,
    SecretsKey secretsKey,
    Duration publishWindow,
    Duration fingerprintInterval) {
  /** How long decided events wait for more to share their Kafka transaction, by default. */
  public static final Duration DEFAULT_PUBLISH_WINDOW = Duration.ofMillis(20);
  /** How often each database's schema fingerprint is published, at the next quiet point, by default. */
  public static final Duration DEFAULT_FINGERPRINT_INTERVAL = Duration.ofMinutes(10);

  /** The settings as given (strings and numbers from picocli), turned into a config or all their problems. */
  public record Raw(
      String bootstrapServers,
      String topic,
      Path pgdata,
      Path logDir,
      String primaryUrl,
      String source,
      int partitions,
      int replicationFactor,
      StartFrom startFrom,
      Duration pollInterval,
      Integer metricsPort,
      EventFilter.Options filters,
      boolean acceptFiniteRetention,
      KafkaClientProperties.Sources kafkaSources,
      Duration publishWindow,
      Duration fingerprintInterval) {
    /** With the default fingerprint interval. */
    public Raw(String bootstrapServers, String topic, Path pgdata, Path logDir, String primaryUrl, String source,
        int partitions, int replicationFactor, StartFrom startFrom, Duration pollInterval, Integer metricsPort,
        EventFilter.Options filters, boolean acceptFiniteRetention, KafkaClientProperties.Sources kafkaSources,
        Duration publishWindow) {
      this(bootstrapServers, topic, pgdata, logDir, primaryUrl, source, partitions, replicationFactor, startFrom,
          pollInterval, metricsPort, filters, acceptFiniteRetention, kafkaSources, publishWindow,
          DEFAULT_FINGERPRINT_INTERVAL);
    }

    /** With the default publish window. */
    public Raw(String bootstrapServers, String topic, Path pgdata, Path logDir, String primaryUrl, String source,
        int partitions, int replicationFactor, StartFrom startFrom, Duration pollInterval, Integer metricsPort,
        EventFilter.Options filters, boolean acceptFiniteRetention, KafkaClientProperties.Sources kafkaSources) {
      this(bootstrapServers, topic, pgdata, logDir, primaryUrl, source, partitions, replicationFactor, startFrom,
          pollInterval, metricsPort, filters, acceptFiniteRetention, kafkaSources, DEFAULT_PUBLISH_WINDOW);
    }

    /** With no Kafka client properties of the user's (a PLAINTEXT cluster). */
    public Raw(String bootstrapServers, String topic, Path pgdata, Path logDir, String primaryUrl, String source,
        int partitions, int replicationFactor, StartFrom startFrom, Duration pollInterval, Integer metricsPort,
        EventFilter.Options filters, boolean acceptFiniteRetention) {
      this(bootstrapServers, topic, pgdata, logDir, primaryUrl, source, partitions, replicationFactor, startFrom,
          pollInterval, metricsPort, filters, acceptFiniteRetention, KafkaClientProperties.Sources.NONE);
    }

    /** Without a metrics server and filters, refusing a topic whose retention would delete history. */
    public Raw(String bootstrapServers, String topic, Path pgdata, Path logDir, String primaryUrl, String source,
        int partitions, int replicationFactor, StartFrom startFrom, Duration pollInterval) {
      this(bootstrapServers, topic, pgdata, logDir, primaryUrl, source, partitions, replicationFactor, startFrom,
          pollInterval, null, EventFilter.Options.NONE, false);
    }
  }

  public static ProducerConfig validate(Raw raw) {
    return validate(raw, null);
  }

  /** With the key file of {@code --secrets-key} (null: none), read here. */
  public static ProducerConfig validate(Raw raw, Path secretsKeyFile) {
    return validate(raw, secretsKeyFile, new Problems());
  }

  /**
   * Adds this config's problems to those the command found in its other options ({@code problems}), and throws
   * with all of them, so that every problem is named at once.
   */
  public static ProducerConfig validate(Raw raw, Path secretsKeyFile, Problems problems) {
    SecretsKey secretsKey = SecretsKeyFile.read(secretsKeyFile, problems);
    KafkaAccess kafka = KafkaAccess.validate(raw.bootstrapServers(),
        raw.kafkaSources() == null ? KafkaClientProperties.Sources.NONE : raw.kafkaSources(), problems);
    KafkaNames.checkTopic(raw.topic(), problems);
    if (raw.pgdata() == null && raw.logDir() == null) {
      problems.missing("--pgdata or --log-dir", "the producer needs the primary's data directory or its log directory");
    } else if (raw.pgdata() != null && raw.logDir() != null) {
      problems.add("Options --pgdata and --log-dir exclude each other: give one");
    } else if (raw.pgdata() != null) {
      if (!Files.isDirectory(raw.pgdata())) {
        problems.invalid("--pgdata", raw.pgdata(), "no such directory");
      } else if (!Files.exists(raw.pgdata().resolve("PG_VERSION"))) {
        problems.invalid("--pgdata", raw.pgdata(), "not a PostgreSQL data directory (no PG_VERSION file)");
      }
    } else if (!Files.isDirectory(raw.logDir())) {
      problems.invalid("--log-dir", raw.logDir(), "no such directory");
    }
    PgUrl primary = null;
    if (raw.primaryUrl() != null && !raw.primaryUrl().isBlank()) {
      try {
        primary = PgUrl.parse(raw.primaryUrl());
      } catch (IllegalArgumentException e) {
        problems.invalid("--primary-url", raw.primaryUrl(), e.getMessage());
      }
    }
    String source = raw.source() == null || raw.source().isBlank() ? null : raw.source().strip();
    if (source != null && !KafkaNames.isLegal(source)) {
      problems.invalid("--source", source, "use letters, digits, '.', '_' and '-' (it names a Kafka transaction)");
    }
    if (source == null && primary == null && raw.pgdata() == null) {
      problems.missing("--source", "with --log-dir and no --primary-url, name the primary (e.g. --source primary1)");
    }
    if (raw.partitions() < 1) {
      problems.invalid("--partitions", raw.partitions(), "must be at least 1");
    }
    if (raw.replicationFactor() != -1 && (raw.replicationFactor() < 1 || raw.replicationFactor() > Short.MAX_VALUE)) {
      problems.invalid("--replication-factor", raw.replicationFactor(), "must be -1 (broker default) or at least 1");
    }
    if (raw.pollInterval() == null || raw.pollInterval().toMillis() < 10) {
      problems.invalid("--poll-interval", raw.pollInterval(), "must be at least 10ms");
    }
    if (raw.publishWindow() == null || raw.publishWindow().isNegative() || raw.publishWindow().toMillis() > 1000) {
      problems.invalid("--publish-window", raw.publishWindow(), "must be between 0ms and 1s");
    }
    if (raw.fingerprintInterval() == null || raw.fingerprintInterval().isNegative()
        || (!raw.fingerprintInterval().isZero() && raw.fingerprintInterval().toMillis() < 1000)) {
      problems.invalid("--fingerprint-interval", raw.fingerprintInterval(), "must be 0 (off) or at least 1s");
    }
    MetricsPort.check(raw.metricsPort(), problems);
    EventFilter filter = EventFilter.of(raw.filters() == null ? EventFilter.Options.NONE : raw.filters(), problems);
    problems.throwIfAny();
    return new ProducerConfig(kafka, raw.topic(), raw.pgdata(), raw.logDir(), primary, source,
        raw.partitions(), (short) raw.replicationFactor(), raw.startFrom(), raw.pollInterval(),
        raw.metricsPort(), filter, raw.acceptFiniteRetention(), secretsKey, raw.publishWindow(),
        raw.fingerprintInterval());
  }

  LogSource logSource() {
    return pgdata != null ? LogSource.ofPgdata(pgdata) : LogSource.ofLogDir(logDir);
  }
}
