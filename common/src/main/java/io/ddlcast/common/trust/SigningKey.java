package io.ddlcast.common.trust;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * An Ed25519 private key that signs the records a component writes ({@link SignedBytes}), putting the signature and
 * the key's {@link KeyId} in the record's headers. Its public half is derived from the private key (an OpenSSL
 * PKCS#8 file holds only the 32-byte seed), so the id printed at start is the one {@code openssl pkey -pubout}'s
 * file has on the verifying side.
 */
public final class SigningKey {
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final KeyId id;

  private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.id = KeyId.of(publicKey);
  }

  /** The key of a PKCS#8 PEM file ({@link KeyFiles#privateKey}). */
  public static SigningKey load(Path file) {
    return of(KeyFiles.privateKey(file));
  }

  /** The signing key of an Ed25519 private key. */
  public static SigningKey of(PrivateKey privateKey) {
    return new SigningKey(privateKey, publicOf(privateKey));
  }

  /** A key pair's private half (tests, key generation). */
  public static SigningKey of(KeyPair pair) {
    return new SigningKey(pair.getPrivate(), pair.getPublic());
  }

  /** A new random key pair. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  /**
   * The public key of an Ed25519 private key: the JDK's generator makes the pair from 32 random bytes, which are the
   * private key; given the key's own bytes as its randomness it derives the same pair (checked).
   */
  private static PublicKey publicOf(PrivateKey privateKey) {
    if (!(privateKey instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
      throw new KeyFileException("not an Ed25519 private key: " + privateKey.getAlgorithm());
    }
    byte[] seed = ed.getBytes().get();
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
      KeyPair pair = generator.generateKeyPair();
      byte[] derived = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
      if (!Arrays.equals(derived, seed)) {
        throw new IllegalStateException("deriving the Ed25519 public key failed");
      }
      return pair.getPublic();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  public KeyId id() {
    return id;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** The signature of a record with this topic, key and value. */
  public byte[] sign(String topic, String key, byte[] value) {
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initSign(privateKey);
      signature.update(SignedBytes.of(topic, key, value));
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing with Ed25519 failed", e);
    }
  }

  /** Signs the record (its topic, key and value): adds the signature and key id headers, replacing any. */
  public <T extends ProducerRecord<String, byte[]>> T sign(T record) {
    Headers headers = record.headers();
    headers.remove(SignedBytes.SIGNATURE_HEADER);
    headers.remove(SignedBytes.KEY_HEADER);
    headers.add(SignedBytes.SIGNATURE_HEADER, sign(record.topic(), record.key(), record.value()));
    headers.add(SignedBytes.KEY_HEADER, id.hex().getBytes(StandardCharsets.US_ASCII));
    return record;
  }

  /** Randomness that is the given seed: how {@link #publicOf} makes the generator rebuild a known pair. */
  private static final class SeedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] seed;

    SeedRandom(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (bytes.length != seed.length) {
        throw new IllegalStateException("expected a request for " + seed.length + " bytes, got " + bytes.length);
      }
      System.arraycopy(seed, 0, bytes, 0, seed.length);
    }
  }
}
