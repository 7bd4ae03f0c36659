package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.cli.InvalidConfigException;
import io.ddlcast.common.status.Signatures;
import io.ddlcast.common.trust.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplierTrustTest {
  @TempDir
  Path dir;

  private Path pub(String name, PublicKey key) throws Exception {
    return Files.writeString(dir.resolve(name), "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n");
  }

  @Test
  void withoutKeysEventsAreUnsignedAndAnySourceIsServed() {
    ApplierTrust trust = ApplierTrust.validate(null, null, null);

    assertThat(trust.signatures()).isEqualTo(Signatures.UNSIGNED);
    assertThat(trust.sources()).isEmpty();
  }

  @Test
  void severalTrustedKeysOperatorKeysAndSources() throws Exception {
    Path a = pub("a.pub", SigningKey.generate().getPublic());
    Path b = pub("b.pub", SigningKey.generate().getPublic());
    Path op = pub("op.pub", SigningKey.generate().getPublic());

    ApplierTrust trust = ApplierTrust.validate(a + ", " + b, op.toString(), "primary1, 7312345678901234567");

    assertThat(trust.signatures()).isEqualTo(Signatures.VERIFIED);
    assertThat(trust.events().size()).isEqualTo(2);
    assertThat(trust.operators().size()).isEqualTo(1);
    assertThat(trust.sources()).isEqualTo(Set.of("primary1", "7312345678901234567"));
  }

  @Test
  void trustedKeysNeedOperatorKeysAndEachBadFileIsNamed() throws Exception {
    Path a = pub("a.pub", SigningKey.generate().getPublic());

    assertThatThrownBy(() -> ApplierTrust.validate(a.toString(), null, null))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("Missing option --operator-keys: with --trusted-keys, operator commands");
    assertThatThrownBy(() -> ApplierTrust.validate(a + "," + dir.resolve("nope.pub"), a.toString(), null))
        .hasMessageContaining("for option --trusted-keys: no such file: " + dir.resolve("nope.pub"));
  }
}
