package io.ddlcast.applier;

import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.kafka.KafkaNames;
import io.ddlcast.common.kafka.Topics;
import picocli.CommandLine.Option;

/** The Kafka options of the operator commands (status, wait, retry, skip). */
final class KafkaTarget {
  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(names = "--topic", paramLabel = "NAME", defaultValue = Topics.DEFAULT_TOPIC,
      description = "Topic of DDL events (default: ${DEFAULT-VALUE}).")
  String topic;

  /** The validated bootstrap servers; problems go to {@code problems}. */
  String validate(Problems problems) {
    String bootstrap = KafkaNames.checkBootstrap(bootstrapServers, problems);
    KafkaNames.checkTopic(topic, problems);
    return bootstrap;
  }
}
