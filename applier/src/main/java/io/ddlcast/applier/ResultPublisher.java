package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.status.ApplyResult;
import io.ddlcast.common.status.Progress;
import io.ddlcast.common.status.Signatures;
import io.ddlcast.common.status.StatusJson;
import io.ddlcast.common.status.UntilState;
import io.ddlcast.common.status.Waits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what this applier did with each event to {@code <topic>.results}, its heartbeats, and the events it
 * skipped to {@code <topic>.dead-letter}. Sending never blocks applying: a result that cannot be delivered (broker
 * down) is retried by the Kafka client and, past its delivery timeout, logged and dropped — the standby's own
 * markers and the consumer offsets stay the truth; the results are the operator's view of it.
 */
final class ResultPublisher implements ResultSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResultPublisher.class);

  private final String standby;
  private final String resultsTopic;
  private final String deadLetterTopic;
  private final KafkaProducer<String, byte[]> producer;
  private volatile long lastFailureLog;

  ResultPublisher(KafkaAccess kafka, String topic, String standby) {
    this.standby = standby;
    this.resultsTopic = Topics.resultsTopic(topic);
    this.deadLetterTopic = Topics.deadLetterTopic(topic);
    Properties props = kafka.clientProperties("ddlcast-applier-results-" + standby);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(DdlEvent.MAX_RECORD_BYTES));
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(props);
  }

  @Override
  public void publish(ApplyResult result) {
    send(new ProducerRecord<>(resultsTopic, standby, StatusJson.encode(result)));
  }

  /** The applier is running; with what waits on what on its standby now, and whether it verifies signatures. */
  void heartbeat(Waits waits, Signatures signatures) {
    heartbeat(waits, signatures, null, null);
  }

  /** A heartbeat that also says how far a standby behind has come and where a run with --until stands. */
  void heartbeat(Waits waits, Signatures signatures, Progress progress, UntilState until) {
    publish(ApplyResult.heartbeat(standby, Instant.now(), waits, signatures, progress, until));
  }

  /** Waits until what was sent is delivered (or failed). */
  void flush() {
    producer.flush();
  }

  /** The skipped event as it was on the topic, with headers saying where it was skipped and why. */
  @Override
  public void deadLetter(Work work, ApplyResult result) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("ddlcast.standby", standby.getBytes(StandardCharsets.UTF_8));
    headers.add("ddlcast.source", work.where().getBytes(StandardCharsets.UTF_8));
    headers.add("ddlcast.result", StatusJson.encode(result));
    byte[] value = work.event() == null ? new byte[0] : EventCodec.encode(work.event());
    send(new ProducerRecord<>(deadLetterTopic, null, standby, value, headers));
  }

  private void send(ProducerRecord<String, byte[]> record) {
    try {
      producer.send(record, (metadata, e) -> {
        if (e != null) {
          logFailure(record.topic(), e);
        }
      });
    } catch (RuntimeException e) { // metadata not available within max.block.ms: the broker is down
      logFailure(record.topic(), e);
    }
  }

  private void logFailure(String topic, Exception e) {
    long now = System.nanoTime();
    if (now - lastFailureLog > Duration.ofSeconds(30).toNanos()) {
      lastFailureLog = now;
      LOG.warn("standby {}: could not publish to {} ({}); status may lag behind until Kafka is back", standby, topic,
          e.toString());
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
