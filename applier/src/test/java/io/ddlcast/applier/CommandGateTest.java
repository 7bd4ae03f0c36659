package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.status.ControlCommand;
import io.ddlcast.common.status.StatusJson;
import io.ddlcast.common.trust.SigningKey;
import io.ddlcast.common.trust.TrustedKeys;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class CommandGateTest {
  private static final String CONTROL = "ddlcast.ddl.control";
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private final KeyPair operator = SigningKey.generate();
  private final KeyPair stranger = SigningKey.generate();
  private final CommandGate gate = new CommandGate("s1", TrustedKeys.of(List.of(operator.getPublic())),
      Clock.fixed(NOW, ZoneOffset.UTC));
  private long offset;

  private static ControlCommand skip(String standby, String event) {
    return new ControlCommand(ControlCommand.Type.SKIP, standby, null, event, NOW, "alice@host");
  }

  private static ControlCommand retry(String database, Instant at) {
    return new ControlCommand(ControlCommand.Type.RETRY, "s1", database, null, at, "alice@host");
  }

  private ConsumerRecord<String, byte[]> record(String key, byte[] value, KeyPair signer) {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(CONTROL, key, value);
    if (signer != null) {
      SigningKey.of(signer).sign(r);
    }
    return new ConsumerRecord<>(CONTROL, 0, offset++, 0L, TimestampType.CREATE_TIME, -1, -1, key, value,
        new RecordHeaders(r.headers().toArray()), Optional.empty());
  }

  private ConsumerRecord<String, byte[]> record(ControlCommand command, KeyPair signer) {
    return record(command.standby(), StatusJson.encode(command), signer);
  }

  @Test
  void aCommandSignedByAnOperatorKeyForThisStandbyIsObeyed() {
    ControlCommand skip = skip("s1", "@0:7");

    assertThat(gate.live(record(skip, operator))).isEqualTo(skip);
    assertThat(gate.atStart(record(skip, operator))).isEqualTo(skip);
    assertThat(gate.live(record(skip("s2", "@0:7"), operator))).as("another standby's").isNull();
  }

  @Test
  void unsignedForeignSignedAndMovedCommandsAreRefused() {
    assertThat(gate.live(record(skip("s1", "@0:7"), null))).isNull();
    assertThat(gate.atStart(record(skip("s1", "@0:7"), null))).isNull();
    assertThat(gate.live(record(skip("s1", "@0:7"), stranger))).isNull();

    ConsumerRecord<String, byte[]> signed = record(skip("s1", "@0:7"), operator);
    byte[] otherEvent = StatusJson.encode(skip("s1", "@0:8"));
    assertThat(gate.live(new ConsumerRecord<>(CONTROL, 0, 99, 0L, TimestampType.CREATE_TIME, -1, -1, "s1",
        otherEvent, signed.headers(), Optional.empty()))).as("the event it names, altered").isNull();
    byte[] forS2 = StatusJson.encode(skip("s2", "@0:7"));
    assertThat(gate.live(record("s1", forS2, operator))).as("signed for s2, sent to s1's key").isNull();
  }

  @Test
  void aSignedRetryIsObeyedOnceAndOnlyWhileFresh() {
    ConsumerRecord<String, byte[]> retry = record(retry("app", NOW.minusSeconds(30)), operator);

    assertThat(gate.live(retry)).isNotNull();
    assertThat(gate.live(retry)).as("replayed").isNull();
    assertThat(gate.live(record(retry("app", NOW.minus(Duration.ofMinutes(11))), operator))).isNull();
    assertThat(gate.live(record(retry("app", NOW.plus(Duration.ofMinutes(11))), operator))).isNull();
    assertThat(gate.live(record(retry(null, NOW), operator))).isNotNull();
  }

  @Test
  void withoutOperatorKeysCommandsAreObeyedUnsigned() {
    CommandGate open = new CommandGate("s1", null, Clock.fixed(NOW, ZoneOffset.UTC));
    ConsumerRecord<String, byte[]> retry = record(retry("app", NOW.minus(Duration.ofHours(1))), null);

    assertThat(open.live(record(skip("s1", "x:1"), null))).isNotNull();
    assertThat(open.live(retry)).isNotNull();
    assertThat(open.live(retry)).isNotNull();
    assertThat(open.live(record("s1", "not json".getBytes(), null))).isNull();
  }
}
