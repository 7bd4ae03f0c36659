package io.ddlcast.applier;

import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaClientOptions;
import io.ddlcast.common.kafka.KafkaClientProperties;
import io.ddlcast.common.kafka.KafkaNames;
import io.ddlcast.common.kafka.Topics;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The Kafka options of the operator commands (status, wait, retry, skip). */
final class KafkaTarget {
  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(names = "--topic", paramLabel = "NAME", defaultValue = Topics.DEFAULT_TOPIC,
      description = "Topic of DDL events (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = KafkaClientProperties.OPTION, paramLabel = "FILE", description = KafkaClientOptions.DESCRIPTION)
  Path kafkaConfig;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /** The validated Kafka access; problems go to {@code problems}. */
  KafkaAccess validate(Problems problems) {
    KafkaAccess access = KafkaAccess.validate(bootstrapServers, KafkaClientOptions.sources(kafkaConfig, spec),
        problems);
    KafkaNames.checkTopic(topic, problems);
    return access;
  }
}
