package io.ddlcast.common.kafka;

import io.ddlcast.common.cli.ConfigDefaults;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --kafka-config FILE} option of every command that talks to Kafka, and the other sources of the user's
 * Kafka client properties ({@code kafka.*} keys of the {@code --config} file, {@code DDLCAST_KAFKA_*} variables),
 * which it takes from the command line runner's {@link ConfigDefaults}. See {@link KafkaClientProperties}.
 */
public final class KafkaClientOptions {
  public static final String DESCRIPTION = "Kafka client properties file (as Kafka's tools take with "
      + "--command-config): security.protocol, sasl.*, ssl.*, ... Also kafka.<property> in the --config file and "
      + "DDLCAST_KAFKA_<PROPERTY> in the environment ('_' for '.', '__' for '_', '___' for '-'), later ones "
      + "winning. Keys ddlcast sets itself (client.id, group.id, transactional.id, isolation.level, acks, ...) are "
      + "refused.";

  @Option(names = KafkaClientProperties.OPTION, paramLabel = "FILE", description = DESCRIPTION)
  Path kafkaConfig;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /** Where this command's Kafka client properties come from. */
  public KafkaClientProperties.Sources sources() {
    return sources(kafkaConfig, spec);
  }

  /** The sources of a command with option {@code --kafka-config} ({@code file}) run by the command line runner. */
  public static KafkaClientProperties.Sources sources(Path file, CommandSpec spec) {
    if (spec != null && spec.defaultValueProvider() instanceof ConfigDefaults defaults) {
      return new KafkaClientProperties.Sources(file,
          defaults.fileKeys(KafkaClientProperties.CONFIG_FILE_PREFIX), environment(defaults.environment()));
    }
    return new KafkaClientProperties.Sources(file, Map.of(), Map.of());
  }

  private static Map<String, String> environment(Map<String, String> env) {
    return env.entrySet().stream().filter(e -> e.getKey().startsWith(KafkaClientProperties.ENV_PREFIX))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
