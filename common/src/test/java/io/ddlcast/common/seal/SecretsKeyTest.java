package io.ddlcast.common.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsKeyTest {
  private static final byte[] AAD = "event 1".getBytes(StandardCharsets.UTF_8);
  private final SecretsKey key = SecretsKey.generate();

  @Test
  void sealedTextOpensUnderTheSameKeyAndAssociatedData() throws Exception {
    String sealed = key.seal("password 'Sécret'", AAD);
    assertThat(sealed).doesNotContain("Sécret").doesNotContain("password");
    assertThat(key.open(sealed, AAD)).isEqualTo("password 'Sécret'");
  }

  @Test
  void everySealHasItsOwnNonce() {
    assertThat(key.seal("x", AAD)).isNotEqualTo(key.seal("x", AAD));
  }

  @Test
  void anyAlteredByteIsRefused() {
    byte[] bytes = Base64.getDecoder().decode(key.seal("CREATE USER MAPPING ...", AAD));
    for (int i = 0; i < bytes.length; i++) {
      byte[] altered = bytes.clone();
      altered[i] ^= 0x01;
      String text = Base64.getEncoder().encodeToString(altered);
      assertThatThrownBy(() -> key.open(text, AAD)).as("byte %d", i).isInstanceOf(SealException.class);
    }
  }

  @Test
  void otherAssociatedDataIsRefused() {
    String sealed = key.seal("x", AAD);
    assertThatThrownBy(() -> key.open(sealed, "event 2".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SealException.class).hasMessageContaining("altered, or sealed for another event");
  }

  @Test
  void anotherKeyIsNamedAsSuch() {
    String sealed = key.seal("x", AAD);
    SecretsKey other = SecretsKey.generate();
    assertThatThrownBy(() -> other.open(sealed, AAD)).isInstanceOf(SealException.class)
        .hasMessageContaining("another secrets key").hasMessageContaining(key.id()).hasMessageContaining(other.id());
  }

  @Test
  void garbageIsRefused() {
    assertThatThrownBy(() -> key.open("not base64!", AAD)).isInstanceOf(SealException.class);
    assertThatThrownBy(() -> key.open("AAAA", AAD)).isInstanceOf(SealException.class);
  }

  @Test
  void readsTheFileOpensslWrites(@TempDir Path dir) throws Exception {
    byte[] raw = new byte[32];
    raw[0] = 7;
    Path file = dir.resolve("k");
    Files.writeString(file, Base64.getEncoder().encodeToString(raw) + "\n");
    SecretsKey read = SecretsKey.read(file);
    assertThat(read.open(SecretsKey.of(raw).seal("y", AAD), AAD)).isEqualTo("y");
    assertThat(read.toString()).doesNotContain(Base64.getEncoder().encodeToString(raw));
  }

  @Test
  void aFileThatIsNoKeySaysWhatIsWrongWithoutItsContent(@TempDir Path dir) throws Exception {
    Path shortKey = dir.resolve("short");
    Files.writeString(shortKey, Base64.getEncoder().encodeToString(new byte[16]));
    assertThatThrownBy(() -> SecretsKey.read(shortKey)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16 bytes, not 32").hasMessageContaining("openssl rand -base64 32");
    Path text = dir.resolve("text");
    Files.writeString(text, "hunter2 is my password");
    assertThatThrownBy(() -> SecretsKey.read(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("hunter2");
  }
}
