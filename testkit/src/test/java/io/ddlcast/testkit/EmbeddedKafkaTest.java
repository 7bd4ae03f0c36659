package io.ddlcast.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

  private static final String TOPIC = "ddl-events";

  @Test
  void transactionsSurviveARestartOnTheSameAddress() throws Exception {
    Path dataDir;
    try (EmbeddedKafka kafka = EmbeddedKafka.launch()) {
      dataDir = kafka.dataDir();
      String bootstrap = kafka.bootstrapServers();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
      }

      try (KafkaProducer<String, String> producer = transactionalProducer(bootstrap)) {
        producer.initTransactions();
        commitAfterAnAbort(producer, "before-1", "before-2");
        assertThat(consumeCommitted(bootstrap, 2)).containsExactly("before-1", "before-2");

        kafka.stop();
        assertThat(kafka.isRunning()).isFalse();
        kafka.start();
        assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);

        commitAfterAnAbort(producer, "after-1");
      }
      assertThat(consumeCommitted(bootstrap, 3)).containsExactly("before-1", "before-2", "after-1");
    }
    assertThat(dataDir).doesNotExist();
  }

  private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "testkit-tx");
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    return new KafkaProducer<>(properties);
  }

  /** Aborts one record, which must never be read, then commits {@code values} in one transaction. */
  private static void commitAfterAnAbort(KafkaProducer<String, String> producer, String... values) {
    producer.beginTransaction();
    producer.send(new ProducerRecord<>(TOPIC, "db", "aborted"));
    producer.abortTransaction();
    producer.beginTransaction();
    for (String value : values) {
      producer.send(new ProducerRecord<>(TOPIC, "db", value));
    }
    producer.commitTransaction();
  }

  private static List<String> consumeCommitted(String bootstrap, int expected) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "testkit-" + System.nanoTime());
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
      consumer.subscribe(Set.of(TOPIC));
      Await.until(expected + " committed records", Duration.ofSeconds(30), () -> {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
        return values.size() >= expected;
      });
      consumer.poll(Duration.ofMillis(300)).forEach(record -> values.add(record.value()));
    }
    return values;
  }

  @Test
  void aFormattedDirectoryIsReusedAndCloseDeletesOnlyTheBrokersFiles(@TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("broker");
    EmbeddedKafka first = EmbeddedKafka.launch(dataDir);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
    }
    first.stop();

    try (EmbeddedKafka second = EmbeddedKafka.launch(dataDir);
       Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
           second.bootstrapServers()))) {
      assertThat(admin.listTopics().names().get()).contains("kept");
    }
    assertThat(dataDir).isDirectory();
    assertThat(dataDir.resolve("kafka-logs")).doesNotExist();
    assertThat(Files.exists(dataDir.resolve("server.properties"))).isFalse();
  }
}
