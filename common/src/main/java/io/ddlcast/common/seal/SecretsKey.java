package io.ddlcast.common.seal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key the producer seals secret literals with and the appliers open them with: AES-256-GCM from the JDK, a
 * random 96-bit nonce per seal, a 128-bit tag over the ciphertext and the associated data, so a sealed text opens
 * only under the same key and for the same associated data (the event it belongs to), and any changed byte is
 * refused.
 *
 * <p>The key file holds 32 random bytes in base64 on one line, as {@code openssl rand -base64 32 >
 * ddlcast-secrets.key} writes it (blank lines and surrounding whitespace are ignored). A sealed text is base64 of
 * {@code 0x01 | key id (4 bytes) | nonce (12) | ciphertext | tag (16)}; the key id is the start of the key's SHA-256,
 * so that an applier holding another key says so instead of "altered". Its first five bytes are authenticated too.
 */
public final class SecretsKey {
  private static final byte FORMAT = 1;
  private static final int KEY_BYTES = 32;
  private static final int ID_BYTES = 4;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int HEADER = 1 + ID_BYTES;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final byte[] id;

  private SecretsKey(byte[] bytes) {
    this.key = new SecretKeySpec(bytes, "AES");
    this.id = Arrays.copyOf(sha256(bytes), ID_BYTES);
  }

  /** The key in {@code bytes}, which must be 32 bytes long. */
  public static SecretsKey of(byte[] bytes) {
    if (bytes.length != KEY_BYTES) {
      throw new IllegalArgumentException("a secrets key is " + KEY_BYTES + " bytes, not " + bytes.length);
    }
    return new SecretsKey(bytes.clone());
  }

  /** A new random key (tests, tools). */
  public static SecretsKey generate() {
    byte[] bytes = new byte[KEY_BYTES];
    RANDOM.nextBytes(bytes);
    return new SecretsKey(bytes);
  }

  /**
   * Reads a key file; throws IllegalArgumentException saying what is wrong with it (never its content), and
   * IOException when it cannot be read.
   */
  public static SecretsKey read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    byte[] bytes;
    try {
      bytes = Base64.getMimeDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not base64 (make one with: openssl rand -base64 32 > " + file + ")");
    }
    if (bytes.length != KEY_BYTES) {
      throw new IllegalArgumentException("holds " + bytes.length + " bytes, not " + KEY_BYTES
          + " (make one with: openssl rand -base64 32 > " + file + ")");
    }
    return new SecretsKey(bytes);
  }

  /** The key's id, as sealed texts carry it: 8 hex digits, safe to log. */
  public String id() {
    return HexFormat.of().formatHex(id);
  }

  /** {@code plaintext} sealed for {@code associatedData}. */
  public String seal(String plaintext, byte[] associatedData) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    byte[] header = ByteBuffer.allocate(HEADER).put(FORMAT).put(id).array();
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(header);
      cipher.updateAAD(associatedData);
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(ByteBuffer.allocate(HEADER + NONCE_BYTES + sealed.length)
          .put(header).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JDK", e);
    }
  }

  /** What {@link #seal} sealed for the same associated data; throws {@link SealException} saying why it cannot. */
  public String open(String sealed, byte[] associatedData) throws SealException {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      throw new SealException("the sealed statement is not base64");
    }
    if (bytes.length < HEADER + NONCE_BYTES + TAG_BITS / 8 || bytes[0] != FORMAT) {
      throw new SealException("the sealed statement is not in a format this build reads");
    }
    byte[] keyId = Arrays.copyOfRange(bytes, 1, HEADER);
    if (!MessageDigest.isEqual(keyId, id)) {
      throw new SealException("it was sealed with another secrets key (id " + HexFormat.of().formatHex(keyId)
          + "; this applier's --secrets-key has id " + id() + ")");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, HEADER, NONCE_BYTES));
      cipher.updateAAD(bytes, 0, HEADER);
      cipher.updateAAD(associatedData);
      byte[] plain = cipher.doFinal(bytes, HEADER + NONCE_BYTES, bytes.length - HEADER - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new SealException("the sealed statement does not open: it was altered, or sealed for another event");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JDK", e);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JDK", e);
    }
  }

  @Override
  public String toString() {
    return "SecretsKey[id=" + id() + "]"; // never the key
  }
}
