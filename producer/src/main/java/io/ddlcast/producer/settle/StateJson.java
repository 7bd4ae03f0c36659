package io.ddlcast.producer.settle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.InvalidEventException;
import io.ddlcast.common.event.LogPosition;
import io.ddlcast.producer.capture.Xid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The value forms the tracker's state classes share in the checkpoint: events, positions, contexts, ids. */
final class StateJson {
  private StateJson() {}

  static ObjectNode object() {
    return EventCodec.mapper().createObjectNode();
  }

  /** An event in its wire form. */
  static JsonNode event(DdlEvent event) {
    try {
      return EventCodec.mapper().readTree(EventCodec.encode(event));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static DdlEvent event(JsonNode node) {
    try {
      return EventCodec.decode(node.toString().getBytes(StandardCharsets.UTF_8));
    } catch (InvalidEventException e) {
      throw new IllegalArgumentException("unreadable event in checkpoint: " + e.getMessage(), e);
    }
  }

  static ObjectNode position(LogPosition p) {
    ObjectNode n = object();
    n.put("file", p.file());
    n.put("offset", p.offset());
    n.put("session", p.session());
    n.put("line", p.line());
    return n;
  }

  static LogPosition position(JsonNode n) {
    return new LogPosition(n.path("file").asText(), n.path("offset").asLong(), n.path("session").asText(),
        n.path("line").asLong());
  }

  static void putContext(ObjectNode n, String field, ExecutionContext context) {
    if (context != null) {
      ObjectNode c = n.putObject(field);
      c.put("role", context.role());
      c.put("sessionRole", context.sessionRole());
      c.put("searchPath", context.searchPath());
    }
  }

  static ExecutionContext context(JsonNode c) {
    return c == null || c.isNull() ? null
        : new ExecutionContext(text(c, "role"), text(c, "sessionRole"), text(c, "searchPath"));
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  static String xidText(Xid xid) {
    return xid == null ? null : xid.toString();
  }

  static Xid xid(JsonNode n, String field) {
    String text = text(n, field);
    return text == null ? null : Xid.parse(text);
  }
}
