package io.ddlcast.common.trust;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The bytes a signature covers: everything of a Kafka record that decides what a standby does with it, so that a
 * signed record can be neither altered nor moved. Its topic (an event cannot become an operator command, nor go to
 * another pipeline's topic), its key (the database whose lane runs it, or the standby a command is for) and its
 * value, exactly as written (whatever fields it holds). Each part is length-prefixed, after a version tag:
 *
 * <pre>
 * "ddlcast-signed-record-v1" 0x00 | len(topic) topic | len(key) key (len -1: no key) | len(value) value
 * </pre>
 *
 * <p>Lengths are 4-byte big-endian; texts are UTF-8. The partition and offset are not covered: the broker assigns
 * them after signing (what that leaves open is said in docs/security.md).
 */
public final class SignedBytes {
  /** The header holding the Ed25519 signature (64 bytes). */
  public static final String SIGNATURE_HEADER = "ddlcast-sig";
  /** The header naming the signing key ({@link KeyId}, ASCII). */
  public static final String KEY_HEADER = "ddlcast-key";

  private static final byte[] TAG = "ddlcast-signed-record-v1\0".getBytes(StandardCharsets.US_ASCII);

  private SignedBytes() {}

  public static byte[] of(String topic, String key, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + (value == null ? 0 : value.length));
    out.writeBytes(TAG);
    part(out, topic == null ? null : topic.getBytes(StandardCharsets.UTF_8));
    part(out, key == null ? null : key.getBytes(StandardCharsets.UTF_8));
    part(out, value);
    return out.toByteArray();
  }

  private static void part(ByteArrayOutputStream out, byte[] bytes) {
    int length = bytes == null ? -1 : bytes.length;
    out.write(length >>> 24);
    out.write(length >>> 16);
    out.write(length >>> 8);
    out.write(length);
    if (bytes != null) {
      out.writeBytes(bytes);
    }
  }
}
