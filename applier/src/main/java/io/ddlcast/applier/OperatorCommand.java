package io.ddlcast.applier;

import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaCluster;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.status.ControlCommand;
import io.ddlcast.common.status.StatusJson;
import io.ddlcast.common.trust.SigningKey;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Sends one operator command to a standby's applier through {@code <topic>.control}. */
final class OperatorCommand {
  private OperatorCommand() {}

  static void send(KafkaAccess kafka, String topic, ControlCommand command) {
    send(kafka, topic, command, null);
  }

  /** Sends the command, signed with {@code key} (null: unsigned, which appliers given --operator-keys refuse). */
  static void send(KafkaAccess kafka, String topic, ControlCommand command, SigningKey key) {
    String bootstrap = kafka.bootstrapServers();
    try (Admin admin = KafkaCluster.admin(kafka, "ddlcast-operator")) {
      StatusTopics.ensure(admin, topic);
    } catch (Exception e) {
      throw new DdlcastException(ExitCode.FAILED, "cannot reach Kafka at " + bootstrap + ": " + e, e);
    }
    Properties props = kafka.clientProperties("ddlcast-operator");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
      ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.controlTopic(topic), command.standby(),
          StatusJson.encode(command));
      producer.send(key == null ? record : key.sign(record)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new DdlcastException(ExitCode.FAILED, "cannot send the command to Kafka at " + bootstrap + ": " + e, e);
    }
  }

  /** What the command line prints about the command's signature. */
  static String signedBy(SigningKey key) {
    return key == null ? " (UNSIGNED: an applier given --operator-keys refuses it; sign it with --signing-key)"
        : " (signed with key " + key.id() + ")";
  }

  static String operator() {
    String user = System.getProperty("user.name", "?");
    try {
      return user + "@" + InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return user;
    }
  }

  static ControlCommand command(ControlCommand.Type type, String standby, String database, String event) {
    return new ControlCommand(type, standby, database, event, Instant.now(), operator());
  }

}
