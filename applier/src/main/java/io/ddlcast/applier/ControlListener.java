package io.ddlcast.applier;

import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.status.ControlCommand;
import io.ddlcast.common.trust.TrustedKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads operator commands for this standby from {@code <topic>.control}. On start it reads the whole topic: every
 * {@code SKIP} ever given to this standby still holds (the event may not have been reached yet, or the applier may
 * have been killed before committing past it), while old {@code RETRY}s are moot (starting retries everything).
 * Afterwards it returns new commands as they come. No consumer group: the topic is small and read from the start.
 * Which commands are obeyed (signed by an operator key, for this standby) is the {@link CommandGate}'s to say.
 */
final class ControlListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlListener.class);

  private final String standby;
  private final KafkaConsumer<String, byte[]> consumer;
  private final TopicPartition partition;
  private long startEnd = -1;
  private CommandGate gate;

  ControlListener(KafkaAccess kafka, String topic, String standby) {
    this.standby = standby;
    Properties props = kafka.clientProperties("ddlcast-applier-control-" + standby);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(props);
    partition = new TopicPartition(Topics.controlTopic(topic), 0);
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
    gate = new CommandGate(standby, null, Clock.systemUTC());
  }

  /** Obeys only commands signed by one of these keys (null: unsigned commands are obeyed). */
  ControlListener trusting(TrustedKeys operators) {
    gate = new CommandGate(standby, operators, Clock.systemUTC());
    return this;
  }

  /** Every SKIP given to this standby so far (blocks until the topic was read to its end as of now). */
  List<ControlCommand> history() {
    Map<TopicPartition, Long> end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30));
    startEnd = end.getOrDefault(partition, 0L);
    List<ControlCommand> skips = new ArrayList<>();
    while (consumer.position(partition, Duration.ofSeconds(30)) < startEnd) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
        ControlCommand command = gate.atStart(record);
        if (command != null && command.type() == ControlCommand.Type.SKIP) {
          skips.add(command);
        }
      }
    }
    return skips;
  }

  /** Commands that arrived since the last call (never blocks long). */
  List<ControlCommand> poll() {
    List<ControlCommand> out = new ArrayList<>();
    try {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ZERO)) {
        ControlCommand command = gate.live(record);
        if (command != null) {
          out.add(command);
        }
      }
    } catch (KafkaException e) {
      LOG.debug("reading commands: {}", e.toString());
    }
    return out;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
