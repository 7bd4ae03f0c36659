package io.ddlcast.common.trust;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;

/**
 * A public key's short name, so that an operator can tell keys apart in logs, headers and {@code status}: the first
 * 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo (DER) bytes. The same figure comes out of
 * {@code openssl pkey -pubin -in KEY.pub -outform DER | sha256sum | cut -c1-16}.
 */
public record KeyId(String hex) {
  static final int HEX_DIGITS = 16;

  public KeyId {
    if (hex == null || hex.length() != HEX_DIGITS || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw new IllegalArgumentException("not a key id: " + hex);
    }
  }

  public static KeyId of(PublicKey key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return new KeyId(HexFormat.of().formatHex(digest).substring(0, HEX_DIGITS));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return hex;
  }
}
