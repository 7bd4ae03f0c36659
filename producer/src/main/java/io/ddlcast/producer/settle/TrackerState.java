package io.ddlcast.producer.settle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;

/**
 * The {@link SessionTracker}'s state as JSON, for the producer's checkpoint: sessions with an open transaction or
 * statement, transactions awaiting the primary's verdict, and settled transactions waiting their turn. Events are
 * stored in their wire form; role passwords in them are already placeholders. Each part writes and reads itself
 * ({@link Session}, {@link OpenTransaction}, {@link SettledTransaction}, ...).
 *
 * <pre>{@code {"round":7,"sequence":42,"sessions":[...],"prepared":[...],"outbox":[...]}}</pre>
 */
public final class TrackerState {
  private final ObjectNode json;

  TrackerState(ObjectNode json) {
    this.json = json;
  }

  static TrackerState of(long round, long sequence, Collection<Session> sessions, ArrayNode prepared,
      ArrayNode outbox) {
    ObjectNode root = StateJson.object();
    root.put("round", round);
    root.put("sequence", sequence);
    ArrayNode array = root.putArray("sessions");
    sessions.forEach(s -> array.add(s.toJson()));
    root.set("prepared", prepared);
    root.set("outbox", outbox);
    return new TrackerState(root);
  }

  public JsonNode json() {
    return json;
  }

  long round() {
    return json.path("round").asLong();
  }

  long sequence() {
    return json.path("sequence").asLong();
  }

  JsonNode sessions() {
    return json.path("sessions");
  }

  JsonNode prepared() {
    return json.path("prepared");
  }

  JsonNode outbox() {
    return json.path("outbox");
  }

  /**
   * True when DDL waits in this state for its transaction's end, a multi-statement string's rest, a prepared
   * transaction's outcome or its turn to be published: a snapshot cannot tell whether the primary's catalog already
   * shows it, so it is not taken at such a point ({@code ddlcast producer snapshot}).
   */
  public boolean holdsDdl() {
    for (JsonNode session : sessions()) {
      if (session.path("txn").path("items").size() > 0 || session.hasNonNull("cursor")) {
        return true;
      }
    }
    return prepared().size() > 0 || outbox().size() > 0;
  }

  /** The state in a checkpoint; null for none. */
  public static TrackerState fromJson(JsonNode node) {
    return node == null || node.isNull() ? null : new TrackerState((ObjectNode) node);
  }
}
