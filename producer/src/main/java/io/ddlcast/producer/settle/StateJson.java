package io.ddlcast.producer.settle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.InvalidEventException;
import io.ddlcast.producer.capture.Xid;

/** The value forms the tracker's state classes share in the checkpoint: events, positions, contexts, ids. */
final class StateJson {
  private StateJson() {}

  static ObjectNode object() {
    return EventCodec.mapper().createObjectNode();
  }

  /** An event in its wire form. */
  static JsonNode event(DdlEvent event) {
    return EventCodec.toNode(event);
  }

  static DdlEvent event(JsonNode node) {
    try {
      return EventCodec.fromNode(node);
    } catch (InvalidEventException e) {
      throw new IllegalArgumentException("unreadable event in checkpoint: " + e.getMessage(), e);
    }
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
