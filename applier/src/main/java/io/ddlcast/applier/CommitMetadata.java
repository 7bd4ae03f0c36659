package io.ddlcast.applier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.EventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the metadata of a committed offset says about the events at and after it, for a restarted applier
 * ({@link OffsetLedger}), {@code status} and {@code wait} ({@link TopicProgress}). Databases (lanes) of one
 * partition are applied independently, so the committed offset is the oldest event not done; events after it may be
 * done already.
 *
 * <p>The first release listed every lane that was ahead of the committed offset, {@code {"applied":{"company":120,
 * "sales":118}}}: past about 150 databases ahead of one stopped database that no longer fit the broker's
 * {@code offset.metadata.max.bytes} (4096 bytes by default), every commit was refused (OFFSET_METADATA_TOO_LARGE)
 * and the committed offset never moved again. It is still read, never written.
 *
 * <p>Now the metadata names the few lanes that are behind instead of the many that are ahead, and always fits a
 * given number of bytes:
 *
 * <pre>{@code
 * {"through":5000,"behind":{"company":10,"\u0000cluster":4711}}
 * }</pre>
 *
 * <p>Every event from the committed offset up to (not including) {@code through} is done (applied, found applied,
 * filtered or skipped), except each {@code behind} lane's events at and after its offset (the lane stopped there on
 * an error, or was still applying it). Lanes are named by {@link Lane#metadataKey}. When the lanes behind do not all
 * fit, {@code through} is the first event of the first lane that does not: what follows is read again after a
 * restart, and the standby's markers ({@link AppliedMarkers}) recognize what was applied; the metadata only spares
 * the standby those look-ups. Empty metadata says nothing beyond the offset.
 *
 * @param through for the current format: events below it are described (0: nothing is)
 * @param behind for the current format: lanes not done from their offset on
 * @param applied for the first release's format: lanes done up to their offset; empty otherwise
 */
record CommitMetadata(long through, Map<Lane, Long> behind, Map<Lane, Long> applied) {
  static final CommitMetadata NONE = new CommitMetadata(0, Map.of(), Map.of());

  /** Bytes of {@code "through"} and the braces, before its offset and any lane. */
  private static final int FIXED_BYTES = "{\"through\":,\"behind\":{}}".length();

  CommitMetadata {
    behind = Map.copyOf(behind);
    applied = Map.copyOf(applied);
  }

  /** True if the metadata shows the lane's event at this offset (at or after the committed offset) done. */
  boolean done(Lane lane, long offset) {
    if (!applied.isEmpty()) {
      Long upTo = applied.get(lane);
      return upTo != null && offset <= upTo;
    }
    Long from = behind.get(lane);
    return offset < through && (from == null || offset < from);
  }

  /** The first offset the metadata says nothing about. */
  long describedUpTo() {
    if (!applied.isEmpty()) {
      return applied.values().stream().mapToLong(Long::longValue).max().orElse(-1) + 1;
    }
    return through;
  }

  /** The metadata that says this, or "" when it says nothing beyond {@code offset} (the committed offset). */
  String format(long offset) {
    if (through <= offset) {
      return "";
    }
    ObjectNode root = EventCodec.mapper().createObjectNode();
    root.put("through", through);
    ObjectNode lanes = root.putObject("behind");
    Map<String, Long> byKey = new TreeMap<>();
    behind.forEach((lane, from) -> byKey.put(lane.metadataKey(), from));
    byKey.forEach(lanes::put);
    return root.toString();
  }

  /** The UTF-8 size a lane behind from {@code offset} adds to {@link #format}'s text (key, colon, offset, comma). */
  static int bytesOf(Lane lane, long offset) {
    try {
      return EventCodec.mapper().writeValueAsString(lane.metadataKey()).getBytes(StandardCharsets.UTF_8).length
          + Long.toString(offset).length() + 2;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The bytes {@link #format} needs before any lane, with {@code through} at most this offset. */
  static int fixedBytes(long through) {
    return FIXED_BYTES + Long.toString(through).length();
  }

  /** What a committed offset's metadata says, in either format; null or "" says nothing. */
  static CommitMetadata parse(String metadata) {
    if (metadata == null || metadata.isEmpty()) {
      return NONE;
    }
    try {
      JsonNode root = EventCodec.mapper().readTree(metadata);
      if (root.has("applied")) {
        return new CommitMetadata(0, Map.of(), lanes(root.path("applied")));
      }
      if (!root.path("through").canConvertToLong()) {
        throw new IOException("no \"through\" offset");
      }
      return new CommitMetadata(root.path("through").asLong(), lanes(root.path("behind")), Map.of());
    } catch (IOException e) {
      throw new IllegalStateException("unreadable offset metadata '" + metadata + "': " + e.getMessage(), e);
    }
  }

  private static Map<Lane, Long> lanes(JsonNode object) {
    Map<Lane, Long> out = new HashMap<>();
    object.fields().forEachRemaining(f -> out.put(Lane.ofMetadataKey(f.getKey()), f.getValue().asLong()));
    return out;
  }
}
