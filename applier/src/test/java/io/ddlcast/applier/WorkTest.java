package io.ddlcast.applier;

import static io.ddlcast.applier.TestEvents.TP;
import static io.ddlcast.applier.TestEvents.clusterWide;
import static io.ddlcast.applier.TestEvents.inDatabase;
import static io.ddlcast.applier.TestEvents.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.trust.KeyId;
import io.ddlcast.common.trust.SigningKey;
import io.ddlcast.common.trust.TrustedKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class WorkTest {
  private static final RecordGate OPEN = new RecordGate(ApplierTrust.UNSIGNED);

  @Test
  void aRecordIsDecodedIntoItsLane() {
    DdlEvent event = inDatabase("app", 3, "CREATE TABLE", "CREATE TABLE t ()");

    Work work = Work.of(record(3, event), OPEN);

    assertThat(work).isEqualTo(new Work(TP, 3, Lane.database("app"), event, null));
    assertThat(work.where()).isEqualTo("topic ddlcast.ddl partition 0 offset 3");
    assertThat(Work.of(record(4, "shop", clusterWide("shop", 4, "CREATE DATABASE", "CREATE DATABASE shop")), OPEN)
        .lane()).isEqualTo(Lane.CLUSTER);
  }

  @Test
  void aRecordThatIsNotAnEventStaysInItsKeysLaneAndSaysWhy() {
    Work work = Work.of(new ConsumerRecord<>(TP.topic(), TP.partition(), 5, "app",
        "not json".getBytes(StandardCharsets.UTF_8)), OPEN);

    assertThat(work.event()).isNull();
    assertThat(work.invalid()).isNotBlank();
    assertThat(work.lane()).isEqualTo(Lane.database("app"));
    assertThat(Work.of(new ConsumerRecord<>(TP.topic(), TP.partition(), 6, null, new byte[0]), OPEN).lane())
        .isEqualTo(Lane.NO_KEY);
  }

  private static final KeyPair PRODUCER = SigningKey.generate();
  private static final KeyPair STRANGER = SigningKey.generate();
  private static final RecordGate VERIFYING = new RecordGate(new ApplierTrust(
      TrustedKeys.of(List.of(PRODUCER.getPublic())), TrustedKeys.of(List.of(STRANGER.getPublic())), Set.of()));

  /** A record as the producer writes it: signed over topic, key and value by {@code pair}; then {@code value}. */
  private static ConsumerRecord<String, byte[]> signed(long offset, String key, byte[] signedValue, byte[] value,
      KeyPair pair) {
    Headers headers = SigningKey.of(pair).sign(new ProducerRecord<>(TP.topic(), key, signedValue)).headers();
    return new ConsumerRecord<>(TP.topic(), TP.partition(), offset, 0L, TimestampType.CREATE_TIME, -1, -1, key,
        value, headers, Optional.empty());
  }

  @Test
  void aSignedEventOfATrustedKeyIsDecoded() {
    DdlEvent event = inDatabase("app", 3, "CREATE TABLE", "CREATE TABLE t ()");
    byte[] value = EventCodec.encode(event);

    assertThat(Work.of(signed(3, "app", value, value, PRODUCER), VERIFYING))
        .isEqualTo(new Work(TP, 3, Lane.database("app"), event, null));
  }

  @Test
  void unsignedForeignAndAlteredRecordsAreRefusedInTheirKeysLaneWithoutBeingBelieved() {
    DdlEvent forged = clusterWide("app", 4, "ALTER ROLE", "ALTER ROLE me SUPERUSER");
    byte[] value = EventCodec.encode(forged);

    Work unsigned = Work.of(record(4, "app", forged), VERIFYING);
    assertThat(unsigned.event()).isNull();
    assertThat(unsigned.lane()).as("not the cluster lane its scope claims").isEqualTo(Lane.database("app"));
    assertThat(unsigned.invalid()).startsWith("refused: it is not signed");

    assertThat(Work.of(signed(5, "app", value, value, STRANGER), VERIFYING).invalid())
        .startsWith("refused: it is signed by key " + KeyId.of(STRANGER.getPublic()) + ", which is not trusted");
    byte[] honest = EventCodec.encode(inDatabase("app", 6, "CREATE TABLE", "CREATE TABLE t ()"));
    byte[] altered = EventCodec.encode(inDatabase("app", 6, "CREATE TABLE", "CREATE TABLE u ()"));
    Work changed = Work.of(signed(6, "app", honest, altered, PRODUCER), VERIFYING);
    assertThat(changed.invalid()).contains("does not match its topic, key and value");
    assertThat(changed.event()).isNull();
    assertThat(Work.of(signed(7, "app", honest, honest, PRODUCER), VERIFYING).invalid()).isNull();
    assertThat(Work.of(signed(8, null, honest, honest, PRODUCER), VERIFYING).lane()).isEqualTo(Lane.NO_KEY);
  }

  @Test
  void anEventOfASourceNotServedIsRefused() {
    RecordGate onlyPrimary1 = new RecordGate(new ApplierTrust(null, null, Set.of("primary1")));
    DdlEvent event = inDatabase("app", 3, "CREATE TABLE", "CREATE TABLE t ()"); // source "src"

    Work work = Work.of(record(3, event), onlyPrimary1);
    assertThat(work.event()).isNull();
    assertThat(work.lane()).isEqualTo(Lane.database("app"));
    assertThat(work.invalid()).isEqualTo("refused: its source src is not one this applier serves "
        + "(--sources primary1)");
    assertThat(Work.of(record(3, event), new RecordGate(new ApplierTrust(null, null, Set.of("src")))).invalid())
        .isNull();
  }
}
