package io.ddlcast.common.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TrustedKeysTest {
  private static final byte[] VALUE = "{\"statement\":\"CREATE TABLE t ()\"}".getBytes(StandardCharsets.UTF_8);
  private final KeyPair producer = SigningKey.generate();
  private final KeyPair rotated = SigningKey.generate();
  private final KeyPair stranger = SigningKey.generate();
  private final TrustedKeys trusted = TrustedKeys.of(List.of(producer.getPublic()));

  private static Headers signed(KeyPair pair, String topic, String key, byte[] value) {
    return SigningKey.of(pair).sign(new ProducerRecord<>(topic, key, value)).headers();
  }

  @Test
  void aRecordSignedByATrustedKeyIsAccepted() {
    Verdict v = trusted.verify("ddlcast.ddl", "app", VALUE, signed(producer, "ddlcast.ddl", "app", VALUE));

    assertThat(v.accepted()).isTrue();
    assertThat(v.key()).isEqualTo(KeyId.of(producer.getPublic()));
    assertThat(SigningKey.of(producer.getPrivate()).id()).isEqualTo(v.key());
  }

  @Test
  void anAlteredOrMovedRecordIsRefused() {
    Headers h = signed(producer, "ddlcast.ddl", "app", VALUE);
    byte[] altered = "{\"statement\":\"DROP TABLE t   \"}".getBytes(StandardCharsets.UTF_8);

    assertThat(trusted.verify("ddlcast.ddl", "app", altered, h).refusal()).isEqualTo(Verdict.Refusal.BAD_SIGNATURE);
    assertThat(trusted.verify("ddlcast.ddl", "other", VALUE, h).refusal())
        .isEqualTo(Verdict.Refusal.BAD_SIGNATURE);
    assertThat(trusted.verify("ddlcast.ddl", null, VALUE, h).refusal()).isEqualTo(Verdict.Refusal.BAD_SIGNATURE);
    assertThat(trusted.verify("other.ddl", "app", VALUE, h).refusal()).isEqualTo(Verdict.Refusal.BAD_SIGNATURE);
    assertThat(trusted.verify("ddlcast.ddl", "app", VALUE, h).reason()).isNull();
    assertThat(trusted.verify("ddlcast.ddl", "app", altered, h).reason())
        .contains("does not match its topic, key and value");
  }

  @Test
  void partsCannotBeShiftedBetweenTopicKeyAndValue() {
    assertThat(SignedBytes.of("ab", "c", new byte[0])).isNotEqualTo(SignedBytes.of("a", "bc", new byte[0]));
    assertThat(SignedBytes.of("a", null, new byte[0])).isNotEqualTo(SignedBytes.of("a", "", new byte[0]));
  }

  @Test
  void unsignedForeignAndMalformedRecordsAreRefused() {
    Verdict unsigned = trusted.verify("ddlcast.ddl", "app", VALUE, new RecordHeaders());
    assertThat(unsigned.refusal()).isEqualTo(Verdict.Refusal.UNSIGNED);
    assertThat(unsigned.reason()).contains("not signed").contains(KeyId.of(producer.getPublic()).hex());
    assertThat(trusted.verify("ddlcast.ddl", "app", VALUE, null).refusal()).isEqualTo(Verdict.Refusal.UNSIGNED);

    Verdict foreign = trusted.verify("ddlcast.ddl", "app", VALUE, signed(stranger, "ddlcast.ddl", "app", VALUE));
    assertThat(foreign.refusal()).isEqualTo(Verdict.Refusal.UNTRUSTED_KEY);
    assertThat(foreign.reason()).contains("signed by key " + KeyId.of(stranger.getPublic()) + ", which is not trusted");

    Headers forgedId = signed(stranger, "ddlcast.ddl", "app", VALUE);
    forgedId.remove(SignedBytes.KEY_HEADER);
    forgedId.add(SignedBytes.KEY_HEADER, KeyId.of(producer.getPublic()).hex().getBytes(StandardCharsets.US_ASCII));
    assertThat(trusted.verify("ddlcast.ddl", "app", VALUE, forgedId).refusal())
        .isEqualTo(Verdict.Refusal.BAD_SIGNATURE);

    Headers twice = signed(producer, "ddlcast.ddl", "app", VALUE);
    twice.add(SignedBytes.SIGNATURE_HEADER, new byte[64]);
    assertThat(trusted.verify("ddlcast.ddl", "app", VALUE, twice).refusal()).isEqualTo(Verdict.Refusal.MALFORMED);
    Headers shortSig = new RecordHeaders();
    shortSig.add(SignedBytes.SIGNATURE_HEADER, new byte[10]);
    shortSig.add(SignedBytes.KEY_HEADER, "0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    assertThat(trusted.verify("ddlcast.ddl", "app", VALUE, shortSig).refusal()).isEqualTo(Verdict.Refusal.MALFORMED);
    Headers noId = signed(producer, "ddlcast.ddl", "app", VALUE);
    noId.remove(SignedBytes.KEY_HEADER);
    noId.add(SignedBytes.KEY_HEADER, "not hex!".getBytes(StandardCharsets.US_ASCII));
    assertThat(trusted.verify("ddlcast.ddl", "app", VALUE, noId).refusal()).isEqualTo(Verdict.Refusal.MALFORMED);
  }

  @Test
  void bothKeysOfARotationAreAcceptedAtOnce() {
    TrustedKeys both = TrustedKeys.of(List.of(producer.getPublic(), rotated.getPublic()));

    assertThat(both.verify("t", "k", VALUE, signed(producer, "t", "k", VALUE)).accepted()).isTrue();
    assertThat(both.verify("t", "k", VALUE, signed(rotated, "t", "k", VALUE)).accepted()).isTrue();
    assertThat(both.verify("t", "k", VALUE, signed(stranger, "t", "k", VALUE)).accepted()).isFalse();
    assertThat(both.size()).isEqualTo(2);
  }

  @Test
  void signingAgainReplacesTheHeaders() {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>("t", "k", VALUE);
    SigningKey.of(stranger).sign(r);
    SigningKey.of(producer).sign(r);

    assertThat(trusted.verify("t", "k", VALUE, r.headers()).accepted()).isTrue();
  }
}
