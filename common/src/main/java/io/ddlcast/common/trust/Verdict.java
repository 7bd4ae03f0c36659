package io.ddlcast.common.trust;

/**
 * What a check of a record's signature found: {@link Refusal#NONE} and the key that signed it, or why it is refused,
 * in a sentence for the operator (the key the record names, the keys trusted).
 */
public record Verdict(Refusal refusal, KeyId key, String reason) {
  /** Why a record is refused. */
  public enum Refusal {
    /** Signed by a trusted key, over exactly this topic, key and value. */
    NONE,
    /** No signature header. */
    UNSIGNED,
    /** Signature headers that are not one 64-byte signature and one key id. */
    MALFORMED,
    /** Signed by a key this component does not trust. */
    UNTRUSTED_KEY,
    /** The signature does not match the record: altered after signing, or moved to another topic or key. */
    BAD_SIGNATURE
  }

  public boolean accepted() {
    return refusal == Refusal.NONE;
  }

  static Verdict accepted(KeyId key) {
    return new Verdict(Refusal.NONE, key, null);
  }

  static Verdict refused(Refusal refusal, KeyId key, String reason) {
    return new Verdict(refusal, key, reason);
  }
}
