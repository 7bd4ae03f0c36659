package io.ddlcast.producer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.InvalidEventException;
import io.ddlcast.common.event.LogPosition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The {@link SessionTracker}'s state as JSON, for the producer's checkpoint: sessions with an open transaction or
 * statement, transactions waiting for the primary's verdict, and settled transactions waiting their turn. Events
 * are stored in their wire form; role passwords in them are already placeholders.
 */
final class TrackerState {
  private final ObjectNode json;

  private TrackerState(ObjectNode json) {
    this.json = json;
  }

  JsonNode json() {
    return json;
  }

  long round() {
    return json.path("round").asLong();
  }

  long sequence() {
    return json.path("sequence").asLong();
  }

  static TrackerState fromJson(JsonNode node) {
    return node == null || node.isNull() ? null : new TrackerState((ObjectNode) node);
  }

  static TrackerState of(Map<String, SessionTracker.Session> sessions, Map<String, SessionTracker.Txn> prepared,
      List<SessionTracker.Entry> outbox, long round, long sequence) {
    ObjectNode root = EventCodec.mapper().createObjectNode();
    root.put("round", round);
    root.put("sequence", sequence);
    ArrayNode s = root.putArray("sessions");
    sessions.forEach((id, session) -> {
      ObjectNode n = s.addObject();
      n.put("id", id);
      n.put("database", session.database);
      n.put("user", session.user);
      n.put("applicationName", session.applicationName);
      n.put("explicitVxid", session.explicitVxid);
      putContext(n, "lastContext", session.lastContext);
      if (session.txn != null) {
        n.set("txn", txn(session.txn));
      }
      if (session.cursor != null) {
        ObjectNode c = n.putObject("cursor");
        c.put("text", session.cursor.text);
        c.put("baseId", session.cursor.baseId);
        c.set("position", position(session.cursor.position));
        c.put("logTime", session.cursor.logTime);
        c.put("vxid", session.cursor.vxid);
        c.put("next", session.cursor.next);
        c.put("lastTransactionControl", session.cursor.lastTransactionControl);
      }
    });
    ArrayNode p = root.putArray("prepared");
    prepared.forEach((xid, txn) -> p.add(txn(txn)));
    ArrayNode o = root.putArray("outbox");
    for (SessionTracker.Entry entry : outbox) {
      ObjectNode e = o.addObject();
      e.put("topXid", entry.topXid);
      e.put("round", entry.round);
      ArrayNode waits = e.putArray("waitFor");
      entry.waitFor.forEach(waits::add);
      ArrayNode outcomes = e.putArray("outcomes");
      for (Outcome outcome : entry.outcomes) {
        ObjectNode on = outcomes.addObject();
        on.set("event", event(outcome.event()));
        if (outcome instanceof Outcome.Drop d) {
          on.put("dropReason", d.reason());
        }
      }
      ArrayNode pending = e.putArray("pendingItems");
      entry.pendingItems.values().forEach(item -> pending.add(item(item)));
    }
    return new TrackerState(root);
  }

  void restoreInto(Map<String, SessionTracker.Session> sessions, Map<String, SessionTracker.Txn> prepared,
      List<SessionTracker.Entry> outbox) {
    for (JsonNode n : json.path("sessions")) {
      SessionTracker.Session session = new SessionTracker.Session();
      session.database = text(n, "database");
      session.user = text(n, "user");
      session.applicationName = text(n, "applicationName");
      session.explicitVxid = text(n, "explicitVxid");
      session.lastContext = context(n.get("lastContext"));
      if (n.hasNonNull("txn")) {
        session.txn = txn(n.get("txn"));
      }
      if (n.hasNonNull("cursor")) {
        JsonNode c = n.get("cursor");
        SessionTracker.Cursor cursor = new SessionTracker.Cursor();
        cursor.text = text(c, "text");
        cursor.baseId = text(c, "baseId");
        cursor.position = position(c.get("position"));
        cursor.logTime = text(c, "logTime");
        cursor.vxid = text(c, "vxid");
        cursor.next = c.path("next").asInt();
        cursor.lastTransactionControl = text(c, "lastTransactionControl");
        session.cursor = cursor;
      }
      sessions.put(text(n, "id"), session);
    }
    for (JsonNode n : json.path("prepared")) {
      SessionTracker.Txn txn = txn(n);
      prepared.put(txn.xid, txn);
    }
    for (JsonNode e : json.path("outbox")) {
      SessionTracker.Entry entry = new SessionTracker.Entry();
      entry.topXid = text(e, "topXid");
      entry.round = e.path("round").asLong();
      e.path("waitFor").forEach(w -> entry.waitFor.add(w.asText()));
      for (JsonNode on : e.path("outcomes")) {
        DdlEvent event = event(on.get("event"));
        entry.outcomes.add(on.hasNonNull("dropReason") ? new Outcome.Drop(event, on.get("dropReason").asText())
            : new Outcome.Publish(event));
      }
      for (JsonNode item : e.path("pendingItems")) {
        SessionTracker.Item restored = item(item);
        entry.pendingItems.put(restored.event().id(), restored);
      }
      outbox.add(entry);
    }
  }

  private static ObjectNode txn(SessionTracker.Txn txn) {
    ObjectNode t = EventCodec.mapper().createObjectNode();
    t.put("vxid", txn.vxid);
    t.put("xid", txn.xid);
    t.put("explicit", txn.explicit);
    t.put("aborted", txn.aborted);
    t.put("savepointRollback", txn.savepointRollback);
    t.put("sequence", txn.sequence);
    ArrayNode items = t.putArray("items");
    txn.items.forEach(i -> items.add(item(i)));
    return t;
  }

  private static SessionTracker.Txn txn(JsonNode t) {
    SessionTracker.Txn txn = new SessionTracker.Txn();
    txn.vxid = text(t, "vxid");
    txn.xid = text(t, "xid");
    txn.explicit = t.path("explicit").asBoolean();
    txn.aborted = t.path("aborted").asBoolean();
    txn.savepointRollback = t.path("savepointRollback").asBoolean();
    txn.sequence = t.path("sequence").asLong();
    t.path("items").forEach(i -> txn.items.add(item(i)));
    return txn;
  }

  private static ObjectNode item(SessionTracker.Item item) {
    ObjectNode i = EventCodec.mapper().createObjectNode();
    i.set("event", event(item.event()));
    i.put("subxid", item.subxid());
    i.put("skip", item.skip());
    return i;
  }

  private static SessionTracker.Item item(JsonNode i) {
    return new SessionTracker.Item(event(i.get("event")), text(i, "subxid"), text(i, "skip"));
  }

  private static JsonNode event(DdlEvent event) {
    try {
      return EventCodec.mapper().readTree(EventCodec.encode(event));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static DdlEvent event(JsonNode node) {
    try {
      return EventCodec.decode(node.toString().getBytes(StandardCharsets.UTF_8));
    } catch (InvalidEventException e) {
      throw new IllegalArgumentException("unreadable event in checkpoint: " + e.getMessage(), e);
    }
  }

  private static ObjectNode position(LogPosition p) {
    ObjectNode n = EventCodec.mapper().createObjectNode();
    n.put("file", p.file());
    n.put("offset", p.offset());
    n.put("session", p.session());
    n.put("line", p.line());
    return n;
  }

  private static LogPosition position(JsonNode n) {
    return new LogPosition(n.path("file").asText(), n.path("offset").asLong(), n.path("session").asText(),
        n.path("line").asLong());
  }

  private static void putContext(ObjectNode n, String field, ExecutionContext context) {
    if (context != null) {
      ObjectNode c = n.putObject(field);
      c.put("role", context.role());
      c.put("sessionRole", context.sessionRole());
      c.put("searchPath", context.searchPath());
    }
  }

  private static ExecutionContext context(JsonNode c) {
    return c == null || c.isNull() ? null
        : new ExecutionContext(text(c, "role"), text(c, "sessionRole"), text(c, "searchPath"));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
