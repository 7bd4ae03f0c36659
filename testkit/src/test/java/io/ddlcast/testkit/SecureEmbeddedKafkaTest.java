package io.ddlcast.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The secured embedded broker: SASL_SSL with SCRAM only, and nothing allowed that no ACL allows. */
class SecureEmbeddedKafkaTest {

  private static KafkaProducer<String, String> producer(EmbeddedKafka kafka, String user) {
    Properties props = new Properties();
    props.putAll(kafka.security().orElseThrow().clientProperties(user));
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  @Test
  void aUserWritesWhatItsAclAllowsAndNothingElseAndPlaintextIsNotServed() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.launchSecure(); Admin admin = kafka.admin()) {
      KafkaSecurity security = kafka.security().orElseThrow();
      admin.createTopics(List.of(new NewTopic("allowed", Optional.of(1), Optional.empty()),
          new NewTopic("forbidden", Optional.of(1), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
      security.addUser(admin, "alice");
      DdlcastAcls.create(admin, List.of(new DdlcastAcls.Grant("User:alice", ResourceType.TOPIC, PatternType.LITERAL,
          "allowed", List.of(AclOperation.WRITE, AclOperation.DESCRIBE))));
      try (KafkaProducer<String, String> alice = producer(kafka, "alice")) {
        assertThat(alice.send(new ProducerRecord<>("allowed", "k", "v")).get(30, TimeUnit.SECONDS).offset())
            .isZero();
        assertThatThrownBy(() -> alice.send(new ProducerRecord<>("forbidden", "k", "v")).get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
      }
      try (Admin plaintext = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          kafka.bootstrapServers(), AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000",
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000"))) {
        assertThatThrownBy(() -> plaintext.listTopics().names().get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class);
      }
    }
  }

  @Test
  void theAclCommandsOfTheGuideMatchTheGrants() {
    String commands = DdlcastAcls.kafkaAclsCommands(DdlcastAcls.producer("User:ddlcast-producer", "ddlcast.ddl"));
    assertThat(commands).contains("kafka-acls.sh --bootstrap-server $KAFKA --command-config admin.properties --add "
        + "--allow-principal User:ddlcast-producer --operation Write --operation Describe --operation Create "
        + "--operation DescribeConfigs --topic ddlcast.ddl\n");
    assertThat(commands).contains("--operation Write --operation Describe --transactional-id ddlcast.producer."
        + "ddlcast.ddl. --resource-pattern-type prefixed\n");
  }
}
