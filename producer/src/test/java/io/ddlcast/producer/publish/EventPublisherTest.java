package io.ddlcast.producer.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.LogPosition;
import io.ddlcast.common.event.Scope;
import io.ddlcast.common.event.SessionSetting;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaClientProperties;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.trust.SigningKey;
import io.ddlcast.common.trust.TrustedKeys;
import io.ddlcast.producer.csvlog.LogCursor;
import io.ddlcast.producer.settle.TrackerState;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The publisher against Kafka's own MockProducer: what goes into one transaction, under which settings. */
class EventPublisherTest {
  private final MockProducer<String, byte[]> kafka =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private Properties settings;
  private final EventPublisher publisher = new EventPublisher(KafkaAccess.plaintext("k:9092"), "ddlcast.ddl",
      "primary1", props -> {
        settings = props;
        return kafka;
      });

  private static DdlEvent event(String id, String database, String statement) {
    return new DdlEvent(DdlEvent.SCHEMA_VERSION, id, "primary1", database, database, Scope.DATABASE, "postgres",
        null, "CREATE TABLE", statement, null, new LogPosition("f.csv", 0, "s", 1));
  }

  private static Checkpoint checkpoint(long published) {
    return new Checkpoint(new LogCursor("f.csv", 100), null, published, null, null, 0, 0, 0);
  }

  @Test
  void eventsKeyedByDatabaseAndTheCheckpointAfterThemGoOutInOneCommittedTransaction() {
    publisher.open();
    publisher.publish(List.of(event("s:1", "shop", "CREATE TABLE a()"), event("s:2", "hr", "CREATE TABLE b()")),
        checkpoint(2));
    assertThat(kafka.transactionInitialized()).isTrue();
    assertThat(kafka.transactionCommitted()).isTrue();
    List<ProducerRecord<String, byte[]>> sent = kafka.history();
    assertThat(sent).extracting(ProducerRecord::topic)
        .containsExactly("ddlcast.ddl", "ddlcast.ddl", Topics.checkpointTopic("ddlcast.ddl"));
    assertThat(sent).extracting(ProducerRecord::key).containsExactly("shop", "hr", "primary1");
    assertThat(sent.get(0).value()).isEqualTo(EventCodec.encode(event("s:1", "shop", "CREATE TABLE a()")));
    assertThat(Checkpoint.decode(sent.get(2).value()).published()).isEqualTo(2);
  }

  @Test
  void theProducerIsTransactionalPerSourceAndTakesTheLargestRecord() {
    publisher.open();
    assertThat(settings.getProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG))
        .isEqualTo(Topics.producerTransactionalId("ddlcast.ddl", "primary1"));
    assertThat(settings.getProperty(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
    assertThat(settings.getProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isEqualTo("true");
    assertThat(settings.getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG))
        .isEqualTo(Integer.toString(EventPublisher.MAX_RECORD_BYTES));
  }

  @Test
  void theUsersClientPropertiesPassThroughAndEveryKeyTheProducerSetsIsOneTheUserCannotSet() {
    Map<String, String> user = Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
        "ssl.truststore.location", "/etc/ddlcast/truststore.p12");
    Properties[] seen = new Properties[1];
    new EventPublisher(new KafkaAccess("k:9092", user), "ddlcast.ddl", "primary1", props -> {
      seen[0] = props;
      return kafka;
    }).open();
    user.forEach((k, v) -> assertThat(seen[0].getProperty(k)).isEqualTo(v));
    assertThat(seen[0].stringPropertyNames()).filteredOn(k -> !user.containsKey(k))
        .allSatisfy(k -> assertThat(KafkaClientProperties.OWNED).containsKey(k));
  }

  @Test
  void aFailedCommitIsThrownAndAFencedProducerSaysSo() {
    publisher.open();
    kafka.commitTransactionException = new KafkaException("broker gone");
    assertThatThrownBy(() -> publisher.publish(List.of(event("s:1", "shop", "CREATE TABLE a()")), checkpoint(1)))
        .isInstanceOf(KafkaException.class).hasMessage("broker gone");
    assertThat(kafka.transactionCommitted()).isFalse();

    kafka.commitTransactionException = null;
    kafka.fenceProducer();
    assertThatThrownBy(() -> publisher.publish(List.of(), checkpoint(1))).isInstanceOf(ProducerFencedException.class);
  }

  @Test
  void theSizeRuleKeepsOutWhatARecordCannotCarryAndAnEventAtTheLimitFitsEvenAllEscaped() {
    int limit = DdlEvent.MAX_STATEMENT_CHARS;
    assertThat(EventPublisher.fits(event("s:1", "shop", "x".repeat(limit)))).isTrue();
    assertThat(EventPublisher.fits(event("s:1", "shop", "x".repeat(limit + 1)))).isFalse();
    DdlEvent escaped = event("s:1", "shop", "\u0001".repeat(limit)); // 6 bytes each in JSON
    assertThat(EventCodec.encode(escaped).length).isGreaterThan(6 * limit).isLessThan(EventPublisher.MAX_RECORD_BYTES);
    assertThat(EventPublisher.fits(escaped)).isTrue();
    // at the statement limit, a long search_path (the rest of a 16 MiB log record) can still overflow the record
    DdlEvent overflowing = escaped.withStatement(escaped.statement(),
        new ExecutionContext("app", "app", "\u0001".repeat(1_000_000)));
    assertThat(EventCodec.encode(overflowing).length).isGreaterThan(EventPublisher.MAX_RECORD_BYTES);
    assertThat(EventPublisher.fits(overflowing)).isFalse();
    // so can a long setting beside a statement the bound alone lets through
    DdlEvent withSetting = event("s:1", "shop", "\u0001".repeat(10_500_000)).withStatement("\u0001".repeat(10_500_000),
        new ExecutionContext("app", "app", null, Map.of(SessionSetting.TIME_ZONE, "\u0001".repeat(700_000))));
    assertThat(EventCodec.encode(withSetting).length).isGreaterThan(EventPublisher.MAX_RECORD_BYTES);
    assertThat(EventPublisher.fits(withSetting)).isFalse();
  }

  @Test
  void aCheckpointLargerThanARecordIsNotWrittenAndNothingGoesOut() {
    publisher.open();
    ObjectNode state = EventCodec.mapper().createObjectNode();
    state.put("pending", "y".repeat(EventPublisher.MAX_RECORD_BYTES));
    Checkpoint huge = new Checkpoint(new LogCursor("f.csv", 1), TrackerState.fromJson(state), 1, null, null, 0, 0,
        0);
    assertThatThrownBy(() -> publisher.publish(List.of(event("s:1", "shop", "CREATE TABLE a()")), huge))
        .isInstanceOf(CheckpointTooLargeException.class);
    assertThat(kafka.history()).isEmpty();
    assertThat(kafka.transactionInFlight()).isFalse();
  }

  @Test
  void withASigningKeyEveryEventCarriesASignatureOverItsTopicKeyAndValue() {
    KeyPair pair = SigningKey.generate();
    TrustedKeys trusted = TrustedKeys.of(List.of(pair.getPublic()));
    publisher.signingWith(SigningKey.of(pair)).open();
    publisher.publish(List.of(event("s:1", "shop", "CREATE TABLE a()"), event("s:2", "hr", "CREATE TABLE b()")),
        checkpoint(2));

    List<ProducerRecord<String, byte[]>> sent = kafka.history();
    for (ProducerRecord<String, byte[]> r : sent.subList(0, 2)) {
      assertThat(trusted.verify(r.topic(), r.key(), r.value(), r.headers()).accepted()).isTrue();
      assertThat(trusted.verify(r.topic(), "other", r.value(), r.headers()).accepted()).isFalse();
    }
    assertThat(sent.get(2).headers().toArray()).isEmpty(); // the checkpoint: read back by this producer only
  }

  @Test
  void withoutASigningKeyEventsHaveNoHeaders() {
    publisher.open();
    publisher.publish(List.of(event("s:1", "shop", "CREATE TABLE a()")), checkpoint(1));

    assertThat(kafka.history().get(0).headers().toArray()).isEmpty();
  }
}
