package io.ddlcast.producer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.InvalidEventException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The producer's whole state, written to the checkpoint topic in the same Kafka transaction as the events it
 * published: the csvlog cursor, the DDL still waiting for its transaction's outcome, and how many events this
 * source has published in all. Restarting from it re-reads nothing that was published and skips nothing that was
 * not, so the primary host keeps no state of ddlcast's.
 *
 * <pre>{@code
 * {"v":1,"file":"postgresql-2026-11-23_183900.csv","offset":48213,"published":42,
 *  "pending":[{"session":"6742f0a1.2b4c","vxid":"3/17","events":[{...event...}]}]}
 * }</pre>
 */
record Checkpoint(LogCursor cursor, List<SessionTracker.Pending> pending, long published) {
  private static final int VERSION = 1;

  byte[] encode() {
    ObjectMapper mapper = EventCodec.mapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("v", VERSION);
    root.put("file", cursor.file());
    root.put("offset", cursor.offset());
    root.put("published", published);
    ArrayNode sessions = root.putArray("pending");
    for (SessionTracker.Pending p : pending) {
      ObjectNode s = sessions.addObject();
      s.put("session", p.session());
      s.put("vxid", p.vxid());
      ArrayNode events = s.putArray("events");
      for (DdlEvent e : p.events()) {
        try {
          events.add(mapper.readTree(EventCodec.encode(e)));
        } catch (IOException ex) {
          throw new IllegalStateException(ex);
        }
      }
    }
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  static Checkpoint decode(byte[] bytes) {
    try {
      JsonNode root = EventCodec.mapper().readTree(bytes);
      if (root.path("v").asInt() != VERSION) {
        throw new IllegalArgumentException("unknown checkpoint version " + root.path("v"));
      }
      List<SessionTracker.Pending> pending = new ArrayList<>();
      for (JsonNode s : root.path("pending")) {
        List<DdlEvent> events = new ArrayList<>();
        for (JsonNode e : s.path("events")) {
          events.add(EventCodec.decode(e.toString().getBytes(StandardCharsets.UTF_8)));
        }
        pending.add(new SessionTracker.Pending(s.path("session").asText(), s.path("vxid").asText(), events));
      }
      return new Checkpoint(
          new LogCursor(root.path("file").asText(), root.path("offset").asLong()),
          pending,
          root.path("published").asLong());
    } catch (IOException | InvalidEventException e) {
      throw new IllegalArgumentException("unreadable checkpoint: " + e.getMessage(), e);
    }
  }
}
