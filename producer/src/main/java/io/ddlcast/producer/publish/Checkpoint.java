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
 *  "refused":1}
 * }</pre>
 *
 * <p>The last five are for {@code ddlcast status} (the producer's row): the last event published, how many bytes
 * of csvlog were written after the cursor when the checkpoint was taken, how many events the filters left out, and
 * how many statements were refused as unsafe to replay (written only when there were any). The producer writes a
 * checkpoint at least every {@code ProducerLoop.HEARTBEAT} even when idle, so that its time says whether it runs.
 */
public record Checkpoint(LogCursor cursor, TrackerState tracker, long published, String lastEventId,
    String lastEventLogTime, long behindBytes, long filtered, long refused) {
  private static final int VERSION = 2;

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
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static Checkpoint decode(byte[] bytes) {
    try {
      JsonNode root = EventCodec.mapper().readTree(bytes);
      if (root.path("v").asInt() != VERSION) {
        throw new IllegalArgumentException("unknown checkpoint version " + root.path("v"));
      }
      return new Checkpoint(
          new LogCursor(root.path("file").asText(), root.path("offset").asLong()),
          TrackerState.fromJson(root.get("tracker")),
          root.path("published").asLong(),
          root.path("lastEventId").asText(null),
          root.path("lastEventLogTime").asText(null),
          root.path("behindBytes").asLong(-1),
          root.path("filtered").asLong(0),
          root.path("refused").asLong(0));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("unreadable checkpoint: " + e.getMessage(), e);
    }
  }
}
