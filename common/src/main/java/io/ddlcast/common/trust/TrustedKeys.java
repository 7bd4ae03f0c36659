package io.ddlcast.common.trust;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The public keys whose signatures a component accepts, by {@link KeyId}. Several at once: a producer moved to a
 * new key is accepted by appliers that trust both, without stopping them (rotation: add the new key, switch the
 * producer, remove the old key once the topic's old events no longer need replaying, see docs/security.md).
 */
public final class TrustedKeys {
  private static final int SIGNATURE_BYTES = 64;
  private final Map<KeyId, PublicKey> keys;

  private TrustedKeys(Map<KeyId, PublicKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no trusted keys");
    }
    this.keys = Map.copyOf(keys);
  }

  public static TrustedKeys of(Collection<PublicKey> keys) {
    Map<KeyId, PublicKey> byId = new LinkedHashMap<>();
    keys.forEach(k -> byId.put(KeyId.of(k), k));
    return new TrustedKeys(byId);
  }

  /** The keys of these PEM files ({@link KeyFiles#publicKey}). */
  public static TrustedKeys load(List<Path> files) {
    return of(KeyFiles.publicKeys(files));
  }

  /** The ids, sorted, comma-separated: for messages. */
  public String describe() {
    return keys.keySet().stream().map(KeyId::hex).sorted().collect(Collectors.joining(", "));
  }

  public int size() {
    return keys.size();
  }

  /** Checks a record's signature headers against its topic, key and value. */
  public Verdict verify(String topic, String key, byte[] value, Headers headers) {
    Header sig = only(headers, SignedBytes.SIGNATURE_HEADER);
    Header named = only(headers, SignedBytes.KEY_HEADER);
    if (absent(headers, SignedBytes.SIGNATURE_HEADER)) {
      return Verdict.refused(Verdict.Refusal.UNSIGNED, null,
          "it is not signed (no " + SignedBytes.SIGNATURE_HEADER + " header); only records signed by a trusted key "
              + "(" + describe() + ") are accepted");
    }
    if (sig == null || named == null || sig.value() == null || sig.value().length != SIGNATURE_BYTES
        || named.value() == null) {
      return Verdict.refused(Verdict.Refusal.MALFORMED, null, "its signature headers are malformed (one "
          + SignedBytes.SIGNATURE_HEADER + " of " + SIGNATURE_BYTES + " bytes and one " + SignedBytes.KEY_HEADER
          + " are expected)");
    }
    KeyId id;
    try {
      id = new KeyId(new String(named.value(), StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      return Verdict.refused(Verdict.Refusal.MALFORMED, null, "its " + SignedBytes.KEY_HEADER
          + " header is not a key id");
    }
    PublicKey publicKey = keys.get(id);
    if (publicKey == null) {
      return Verdict.refused(Verdict.Refusal.UNTRUSTED_KEY, id, "it is signed by key " + id
          + ", which is not trusted here (trusted: " + describe() + ")");
    }
    if (!valid(publicKey, SignedBytes.of(topic, key, value), sig.value())) {
      return Verdict.refused(Verdict.Refusal.BAD_SIGNATURE, id, "its signature by key " + id + " does not match "
          + "its topic, key and value: it was altered after signing, or moved to another topic or key");
    }
    return Verdict.accepted(id);
  }

  private static boolean valid(PublicKey key, byte[] data, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(data);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The header if it occurs exactly once, else null. */
  private static Header only(Headers headers, String name) {
    if (headers == null) {
      return null;
    }
    Iterator<Header> all = headers.headers(name).iterator();
    if (!all.hasNext()) {
      return null;
    }
    Header first = all.next();
    return all.hasNext() ? null : first;
  }

  private static boolean absent(Headers headers, String name) {
    return headers == null || !headers.headers(name).iterator().hasNext();
  }
}
