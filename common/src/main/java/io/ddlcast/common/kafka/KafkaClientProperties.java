package io.ddlcast.common.kafka;

import io.ddlcast.common.cli.Problems;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigException;

/**
 * The user's Kafka client properties, the Kafka way: a standard client properties file ({@code --kafka-config FILE},
 * as Kafka's own tools take {@code --command-config}), then {@code kafka.}-prefixed keys of the {@code --config}
 * file, then {@code DDLCAST_KAFKA_*} environment variables; a later source wins for the same key. Values pass
 * through untouched (security, SASL, TLS, timeouts ddlcast does not set).
 *
 * <p>Environment names follow Confluent's docker images: after {@code DDLCAST_KAFKA_}, lower case, {@code _} is
 * {@code .}, {@code __} is {@code _}, {@code ___} is {@code -} ({@code DDLCAST_KAFKA_SASL_JAAS_CONFIG} is
 * {@code sasl.jaas.config}). {@code DDLCAST_KAFKA_CONFIG} and {@code kafka.config} are the {@code --kafka-config}
 * option itself, not a client property.
 *
 * <p>The keys ddlcast sets itself ({@link #OWNED}) are refused, each with why: they decide what ddlcast guarantees
 * (transactions, read_committed, offsets committed only after apply, record sizes) or name its clients. A value is
 * never part of a message: values hold passwords.
 */
public final class KafkaClientProperties {
  public static final String ENV_PREFIX = "DDLCAST_KAFKA_";
  public static final String CONFIG_FILE_PREFIX = "kafka.";
  public static final String OPTION = "--kafka-config";

  /** Where the user's properties come from, as read by the command line runner. */
  public record Sources(Path file, Map<String, String> configFile, Map<String, String> environment) {
    public static final Sources NONE = new Sources(null, Map.of(), Map.of());

    public Sources {
      configFile = Map.copyOf(configFile);
      environment = Map.copyOf(environment);
    }
  }

  private static final String IDENTITY = "ddlcast names each client after its role and standby";
  private static final String EXACTLY_ONCE = "ddlcast's exactly-once guarantee depends on it";
  private static final String SIZES = "ddlcast sets it from the largest record it writes";
  private static final String TIMING = "ddlcast sets it for how it waits and retries";
  private static final String SERDE = "ddlcast reads and writes its own record format";

  /** The keys ddlcast sets on its clients, with why a user cannot set them. */
  public static final Map<String, String> OWNED = owned();

  private static Map<String, String> owned() {
    Map<String, String> owned = new TreeMap<>();
    owned.put("bootstrap.servers", "use --bootstrap-servers");
    owned.put("client.id", IDENTITY);
    owned.put("group.id", "the consumer group is ddlcast.applier.<standby>, the standby's checkpoint");
    owned.put("group.instance.id", IDENTITY);
    owned.put("application.id", "the status stream's id is derived from the topic and the standby");
    owned.put("transactional.id", "derived from the topic and the source: a second producer fences the first");
    owned.put("enable.idempotence", EXACTLY_ONCE);
    owned.put("acks", EXACTLY_ONCE + " (acks=all)");
    owned.put("isolation.level", "appliers read only committed events (read_committed)");
    owned.put("enable.auto.commit", "offsets are committed only after a statement succeeded on the standby");
    owned.put("auto.offset.reset", "a new standby replays the topic from its beginning");
    owned.put("processing.guarantee", EXACTLY_ONCE);
    owned.put("transaction.timeout.ms", EXACTLY_ONCE);
    owned.put("key.serializer", SERDE);
    owned.put("value.serializer", SERDE);
    owned.put("key.deserializer", SERDE);
    owned.put("value.deserializer", SERDE);
    owned.put("default.key.serde", SERDE);
    owned.put("default.value.serde", SERDE);
    owned.put("max.request.size", SIZES);
    owned.put("max.partition.fetch.bytes", SIZES);
    owned.put("buffer.memory", SIZES);
    owned.put("compression.type", "ddlcast compresses its records with lz4");
    owned.put("state.dir", "the status stream keeps its state in a directory of its own");
    owned.put("num.stream.threads", "the status stream of a standby is one thread");
    owned.put("commit.interval.ms", "the status view is written once a second");
    owned.put("statestore.cache.max.bytes", "the status view's cache is sized for its views");
    owned.put("max.poll.records", TIMING);
    owned.put("session.timeout.ms", TIMING);
    owned.put("reconnect.backoff.max.ms", TIMING);
    owned.put("request.timeout.ms", TIMING);
    owned.put("default.api.timeout.ms", TIMING);
    owned.put("max.block.ms", TIMING);
    owned.put("delivery.timeout.ms", TIMING);
    owned.put("linger.ms", TIMING);
    return Map.copyOf(owned);
  }

  private KafkaClientProperties() {}

  /** The merged user properties, or null after recording every problem in {@code problems}. */
  public static Map<String, String> collect(Sources sources, Problems problems) {
    int before = problems.count();
    Map<String, String> merged = new TreeMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    if (sources.file() != null) {
      read(sources.file(), problems).forEach((k, v) -> {
        merged.put(k, v);
        origin.put(k, OPTION + " " + sources.file());
      });
    }
    sources.configFile().forEach((k, v) -> {
      if (k.equals("config")) {
        return; // kafka.config is --kafka-config
      }
      merged.put(k, v);
      origin.put(k, "key " + CONFIG_FILE_PREFIX + k + " of the --config file");
    });
    new TreeMap<>(sources.environment()).forEach((name, v) -> {
      if (!name.startsWith(ENV_PREFIX) || name.equals(ENV_PREFIX + "CONFIG")) {
        return;
      }
      String key = propertyOfEnv(name);
      if (key == null) {
        problems.add("Environment variable " + name + " does not name a Kafka client property: after "
            + ENV_PREFIX + " write '_' for '.', '__' for '_', '___' for '-'");
      } else {
        merged.put(key, v);
        origin.put(key, "environment variable " + name);
      }
    });
    merged.forEach((key, value) -> {
      String why = owned(key);
      if (why != null) {
        problems.add("Kafka client property " + key + " (from " + origin.get(key) + ") is set by ddlcast and cannot "
            + "be overridden: " + why);
      }
    });
    if (problems.count() == before) {
      checkValues(merged, problems);
    }
    return problems.count() == before ? merged : null;
  }

  /** Why ddlcast owns {@code key} (also as a Streams prefix such as {@code consumer.group.id}), or null. */
  static String owned(String key) {
    String lower = key.strip().toLowerCase(Locale.ROOT);
    if (OWNED.containsKey(lower)) {
      return OWNED.get(lower);
    }
    for (String prefix : new String[] {"consumer.", "producer.", "admin.", "main.consumer.", "restore.consumer.",
        "global.consumer."}) {
      if (lower.startsWith(prefix) && OWNED.containsKey(lower.substring(prefix.length()))) {
        return OWNED.get(lower.substring(prefix.length()));
      }
    }
    return null;
  }

  /** {@code DDLCAST_KAFKA_SASL_JAAS_CONFIG} to {@code sasl.jaas.config}; null if it names no property. */
  public static String propertyOfEnv(String name) {
    String rest = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
    StringBuilder key = new StringBuilder();
    int i = 0;
    while (i < rest.length()) {
      char c = rest.charAt(i);
      if (c != '_') {
        key.append(c);
        i++;
        continue;
      }
      int run = 0;
      while (i < rest.length() && rest.charAt(i) == '_') {
        run++;
        i++;
      }
      switch (run) {
        case 1 -> key.append('.');
        case 2 -> key.append('_');
        case 3 -> key.append('-');
        default -> {
          return null;
        }
      }
    }
    String out = key.toString();
    return out.isEmpty() || out.startsWith(".") || out.endsWith(".") ? null : out;
  }

  private static Map<String, String> read(Path file, Problems problems) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      problems.invalid(OPTION, file, Files.exists(file) ? "not a regular file" : "no such file");
      return out;
    }
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      problems.invalid(OPTION, file, "cannot read it (" + (e.getMessage() == null ? e.getClass().getSimpleName()
          : e.getMessage()) + ")");
      return out;
    }
    props.stringPropertyNames().forEach(k -> out.put(k, props.getProperty(k)));
    return out;
  }

  /**
   * Kafka's own check of the values it knows (an unknown {@code security.protocol}, a malformed number), so a typo
   * is a configuration error and not a client that fails later. Kafka hides password values in its message.
   */
  private static void checkValues(Map<String, String> merged, Problems problems) {
    Map<String, Object> probe = new LinkedHashMap<>(merged);
    probe.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    try {
      new AdminClientConfig(probe);
    } catch (ConfigException e) {
      problems.add("Invalid Kafka client property: " + e.getMessage());
    }
  }
}
