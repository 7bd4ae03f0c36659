package io.ddlcast.applier;

import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.event.EventFilter;
import io.ddlcast.common.jdbc.PgUrl;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaClientProperties;
import io.ddlcast.common.kafka.KafkaNames;
import io.ddlcast.common.metrics.MetricsPort;
import io.ddlcast.common.seal.SecretsKey;
import io.ddlcast.common.seal.SecretsKeyFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The applier's validated configuration: every problem is found before any connection is opened. */
public record ApplierConfig(
    KafkaAccess kafka, String topic, String standbyName, PgUrl standby, int parallelism,
    Map<String, String> tablespaceMap, OperatorDecisions.OnError onError, Integer metricsPort, EventFilter filter,
    SecretsKey secretsKey, StandbyLimits limits, BatchRule.Bounds batch) {

  /**
   * {@code --batch-max-events}, {@code --batch-max-bytes}, {@code --batch-max-time} as given (null: the default).
   */
  public record BatchOptions(Integer maxEvents, Long maxBytes, Duration maxTime) {
    public static final BatchOptions DEFAULTS = new BatchOptions(null, null, null);
  }

  /** The settings as given, before validation; {@code limits} null: the defaults. */
  public record Raw(String bootstrapServers, String topic, String standbyName, String standbyUrl, int parallelism,
      Map<String, String> tablespaceMap, String onError, Integer metricsPort, EventFilter.Options filters,
      KafkaClientProperties.Sources kafkaSources, StandbyLimits limits, BatchOptions batch) {
    /** With the default {@link StandbyLimits} and batch bounds. */
    public Raw(String bootstrapServers, String topic, String standbyName, String standbyUrl, int parallelism,
        Map<String, String> tablespaceMap, String onError, Integer metricsPort, EventFilter.Options filters,
        KafkaClientProperties.Sources kafkaSources) {
      this(bootstrapServers, topic, standbyName, standbyUrl, parallelism, tablespaceMap, onError, metricsPort, filters,
          kafkaSources, null, BatchOptions.DEFAULTS);
    }

    /** With no Kafka client properties of the user's (a PLAINTEXT cluster). */
    public Raw(String bootstrapServers, String topic, String standbyName, String standbyUrl, int parallelism,
        Map<String, String> tablespaceMap, String onError, Integer metricsPort, EventFilter.Options filters) {
      this(bootstrapServers, topic, standbyName, standbyUrl, parallelism, tablespaceMap, onError, metricsPort, filters,
          KafkaClientProperties.Sources.NONE);
    }

    public Raw(String bootstrapServers, String topic, String standbyName, String standbyUrl, int parallelism) {
      this(bootstrapServers, topic, standbyName, standbyUrl, parallelism, Map.of(), "stop", null,
          EventFilter.Options.NONE);
    }

    public Raw(String bootstrapServers, String topic, String standbyName, String standbyUrl, int parallelism,
        Map<String, String> tablespaceMap) {
      this(bootstrapServers, topic, standbyName, standbyUrl, parallelism, tablespaceMap, "stop", null,
          EventFilter.Options.NONE);
    }
  }

  public static ApplierConfig validate(Raw raw) {
    return validate(raw, null);
  }

  /** With the key file of {@code --secrets-key} (null: none), read here. */
  public static ApplierConfig validate(Raw raw, Path secretsKeyFile) {
    return validate(raw, secretsKeyFile, new Problems());
  }

  /**
   * Adds this config's problems to those the command found in its other options ({@code problems}), and throws
   * with all of them, so that every problem is named at once.
   */
  public static ApplierConfig validate(Raw raw, Path secretsKeyFile, Problems problems) {
    SecretsKey secretsKey = SecretsKeyFile.read(secretsKeyFile, problems);
    KafkaAccess kafka = KafkaAccess.validate(raw.bootstrapServers(),
        raw.kafkaSources() == null ? KafkaClientProperties.Sources.NONE : raw.kafkaSources(), problems);
    KafkaNames.checkTopic(raw.topic(), problems);
    if (raw.standbyName() == null || raw.standbyName().isBlank()) {
      problems.missing("--standby-name", "name this standby; it names the applier's consumer group");
    } else {
      KafkaNames.checkName("--standby-name", raw.standbyName(), problems);
    }
    PgUrl standby = null;
    if (raw.standbyUrl() == null || raw.standbyUrl().isBlank()) {
      problems.missing("--standby-url", "the standby's maintenance database, e.g. "
          + "jdbc:postgresql://HOST:5432/postgres?user=postgres");
    } else {
      try {
        standby = PgUrl.parse(raw.standbyUrl());
      } catch (IllegalArgumentException e) {
        problems.invalid("--standby-url", raw.standbyUrl(), e.getMessage());
      }
    }
    if (raw.parallelism() < 1 || raw.parallelism() > 64) {
      problems.invalid("--parallelism", raw.parallelism(), "must be between 1 and 64");
    }
    Map<String, String> tablespaces = raw.tablespaceMap() == null ? Map.of() : raw.tablespaceMap();
    tablespaces.forEach((from, to) -> {
      if (!from.startsWith("/") || !to.startsWith("/")) {
        problems.invalid("--tablespace-map", from + "=" + to, "both locations must be absolute paths");
      }
    });
    OperatorDecisions.OnError onError = null;
    String policy = raw.onError() == null ? "stop" : raw.onError().strip();
    if (policy.equalsIgnoreCase("stop")) {
      onError = OperatorDecisions.OnError.STOP;
    } else if (policy.equalsIgnoreCase("skip")) {
      onError = OperatorDecisions.OnError.SKIP;
    } else {
      problems.invalid("--on-error", raw.onError(), "must be stop or skip");
    }
    StandbyLimits limits = raw.limits() == null ? StandbyLimits.DEFAULT : raw.limits();
    if (limits.maxConnections() < StandbyLimits.MIN_CONNECTIONS || limits.maxConnections() > 10_000) {
      problems.invalid("--max-connections", limits.maxConnections(), "must be between "
          + StandbyLimits.MIN_CONNECTIONS + " (the maintenance database's and one more) and 10000");
    }
    checkTimeout("--lock-timeout", limits.lockTimeout(), problems);
    checkTimeout("--statement-timeout", limits.statementTimeout(), problems);
    MetricsPort.check(raw.metricsPort(), problems);
    EventFilter filter = EventFilter.of(raw.filters() == null ? EventFilter.Options.NONE : raw.filters(), problems);
    BatchRule.Bounds batch = batchBounds(raw.batch() == null ? BatchOptions.DEFAULTS : raw.batch(), problems);
    problems.throwIfAny();
    return new ApplierConfig(kafka, raw.topic(), raw.standbyName().strip(), standby, raw.parallelism(),
        Map.copyOf(tablespaces), onError, raw.metricsPort(), filter, secretsKey, limits, batch);
  }

  private static BatchRule.Bounds batchBounds(BatchOptions given, Problems problems) {
    BatchRule.Bounds defaults = BatchRule.Bounds.DEFAULT;
    int events = given.maxEvents() == null ? defaults.maxEvents() : given.maxEvents();
    long bytes = given.maxBytes() == null ? defaults.maxBytes() : given.maxBytes();
    Duration time = given.maxTime() == null ? defaults.maxTime() : given.maxTime();
    if (events < 1 || events > 10_000) {
      problems.invalid("--batch-max-events", events, "must be between 1 (no batches) and 10000");
    }
    if (bytes < 1) {
      problems.invalid("--batch-max-bytes", bytes, "must be at least 1");
    }
    if (time.isNegative() || time.isZero()) {
      problems.invalid("--batch-max-time", time, "must be longer than 0");
    }
    return new BatchRule.Bounds(events, bytes, time);
  }

  /** PostgreSQL takes a timeout in whole milliseconds up to 2^31 - 1 (0: none). */
  private static void checkTimeout(String option, Duration timeout, Problems problems) {
    if (timeout == null || timeout.isNegative() || timeout.toMillis() > Integer.MAX_VALUE
        || (!timeout.isZero() && timeout.toMillis() == 0)) {
      problems.invalid(option, timeout, "must be 0 (none) or between 1ms and 24d");
    }
  }
}
