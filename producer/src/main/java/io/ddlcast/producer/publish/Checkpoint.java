package io.ddlcast.producer.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.producer.csvlog.LogCursor;
import io.ddlcast.producer.settle.TrackerState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The producer's whole state, written to the checkpoint topic in the same Kafka transaction as the events it
 * published: the csvlog cursor, the {@code SessionTracker}'s state (DDL still waiting for its transaction's
 * outcome), and how many events this source has published in all. Restarting from it re-reads nothing that was
 * published and skips nothing that was not, so the primary host keeps no state of ddlcast's.
 *
 * <pre>{@code
 * {"v":2,"file":"postgresql-2026-11-23_183900.csv","offset":48213,"published":42,
 *  "tracker":{"sessions":[...],"prepared":[...],"outbox":[...],"round":7,"sequence":42},
 *  "lastEventId":"6742f0a1.2b4c:17","lastEventLogTime":"2026-11-23T18:39:15.123Z","behindBytes":0,"filtered":3,
 *  "refused":1,"unsigned":true,"generation":2}
 * }</pre>
 *
 * <p>The last six are for {@code ddlcast status} (the producer's row): the last event published, how many bytes
 * of csvlog were written after the cursor when the checkpoint was taken, how many events the filters left out, how
 * many statements were refused as unsafe to replay (written only when there were any), and whether the producer
 * publishes its events unsigned (no {@code --signing-key}; written only then). The producer writes a
 * checkpoint at least every {@code ProducerLoop.HEARTBEAT} even when idle, so that its time says whether it runs.
 *
 * <p>{@code generation} (absent: 1) is the generation of the topic's source the checkpoint was written in: a
 * primary that becomes the source again in a later generation (after a failover and a rejoin) does not resume from
 * where it stopped publishing long ago, but from its new generation's start.
 */
public record Checkpoint(LogCursor cursor, TrackerState tracker, long published, String lastEventId,
    String lastEventLogTime, long behindBytes, long filtered, long refused, boolean unsigned, int generation) {
  private static final int VERSION = 2;

  /** A checkpoint of the first generation. */
  public Checkpoint(LogCursor cursor, TrackerState tracker, long published, String lastEventId,
      String lastEventLogTime, long behindBytes, long filtered, long refused, boolean unsigned) {
    this(cursor, tracker, published, lastEventId, lastEventLogTime, behindBytes, filtered, refused, unsigned, 1);
  }

  /** A checkpoint of a producer that signs its events. */
  public Checkpoint(LogCursor cursor, TrackerState tracker, long published, String lastEventId,
      String lastEventLogTime, long behindBytes, long filtered, long refused) {
    this(cursor, tracker, published, lastEventId, lastEventLogTime, behindBytes, filtered, refused, false);
  }

  public byte[] encode() {
    ObjectMapper mapper = EventCodec.mapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("v", VERSION);
    root.put("file", cursor.file());
    root.put("offset", cursor.offset());
    root.put("published", published);
    if (tracker != null) {
      root.set("tracker", tracker.json());
    }
    if (lastEventId != null) {
      root.put("lastEventId", lastEventId);
      root.put("lastEventLogTime", lastEventLogTime);
    }
    if (behindBytes >= 0) {
      root.put("behindBytes", behindBytes);
    }
    root.put("filtered", filtered);
    if (refused > 0) {
      root.put("refused", refused);
    }
    if (unsigned) {
      root.put("unsigned", true);
    }
    if (generation != 1) {
      root.put("generation", generation);
    }
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The checkpoint {@link #encode} wrote; throws {@link UnreadableCheckpointException} naming what is wrong. */
  public static Checkpoint decode(byte[] bytes) {
    JsonNode root;
    try {
      root = EventCodec.mapper().readTree(bytes);
    } catch (IOException e) {
      throw new UnreadableCheckpointException("not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new UnreadableCheckpointException("not a JSON object", null);
    }
    if (!root.path("v").isInt() || root.path("v").intValue() != VERSION) {
      throw new UnreadableCheckpointException("version " + root.path("v") + ", not the " + VERSION
          + " this build reads", null);
    }
    JsonNode tracker = root.get("tracker");
    if (tracker != null && !tracker.isObject()) {
      throw new UnreadableCheckpointException("field 'tracker' is not an object", null);
    }
    try {
      return new Checkpoint(new LogCursor(text(root, "file"), count(root, "offset")),
          TrackerState.fromJson(tracker),
          count(root, "published"),
          root.path("lastEventId").asText(null),
          root.path("lastEventLogTime").asText(null),
          root.path("behindBytes").asLong(-1),
          root.path("filtered").asLong(0),
          root.path("refused").asLong(0),
          root.path("unsigned").asBoolean(false),
          root.path("generation").asInt(1));
    } catch (RuntimeException e) { // a tracker state of the wrong shape
      throw new UnreadableCheckpointException(e.getMessage(), e);
    }
  }

  private static String text(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
      throw new UnreadableCheckpointException("field '" + field + "' is " + value + ", not a file name", null);
    }
    return value.textValue();
  }

  private static long count(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || !value.canConvertToLong() || !value.isIntegralNumber() || value.longValue() < 0) {
      throw new UnreadableCheckpointException("field '" + field + "' is " + value + ", not a count", null);
    }
    return value.longValue();
  }
}
