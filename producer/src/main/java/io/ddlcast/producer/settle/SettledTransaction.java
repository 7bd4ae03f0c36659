package io.ddlcast.producer.settle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.sql.Secrets;
import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.capture.Xid;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A transaction whose end is known, waiting its turn in the {@link CommitQueue}: its outcomes, the other sessions'
 * open transactions that must be asked about before it goes out (one of them may have committed first), and the
 * commands run under savepoints whose survival the primary must confirm.
 *
 * <pre>{@code
 * {"topXid":"747","round":0,"waitFor":["x32:900"],
 *  "outcomes":[{"event":{...}},{"event":{...},"dropReason":"failed on the primary: ...","dropKind":"failed"}],
 *  "pendingItems":[{"event":{...},"subxid":"748","skip":null}]}
 * }</pre>
 */
final class SettledTransaction {
  private static final Comparator<Outcome> LOG_ORDER = Comparator
      .comparing((Outcome o) -> o.event().position().file())
      .thenComparingLong(o -> o.event().position().offset())
      .thenComparing(o -> o.event().id());

  final List<Outcome> outcomes = new ArrayList<>();
  /** Other sessions' open transactions that must be asked about before this one is emitted. */
  final Set<Xid> waitFor = new LinkedHashSet<>();
  /** Commands under savepoints, by event id: the primary's word on their subtransaction decides. */
  final Map<String, CapturedDdl> pendingItems = new LinkedHashMap<>();
  /** The status round it belongs to: answers of an earlier round predate its commit. */
  final long round;
  Xid topXid;

  SettledTransaction(long round) {
    this.round = round;
  }

  /** True while it must wait: for savepoint answers, or for other transactions in a round not yet answered. */
  boolean waiting(long currentRound) {
    return !pendingItems.isEmpty() || (!waitFor.isEmpty() && round >= currentRound);
  }

  /** The question for a command under a savepoint: its subtransaction, placed near the top-level transaction. */
  Xid question(CapturedDdl item) {
    return item.subxid().near(topXid);
  }

  /** The answers of a round this transaction belongs to: what it waited for is known; savepoints decided. */
  void answered(Map<Xid, XactStatus> answers, long currentRound) {
    if (round <= currentRound) {
      waitFor.clear(); // settled before the question: the answers cover what it waited for
    }
    for (CapturedDdl item : new ArrayList<>(pendingItems.values())) {
      XactStatus status = answers.getOrDefault(question(item), XactStatus.UNKNOWN);
      if (status == XactStatus.COMMITTED) {
        outcomes.add(item.committed());
        pendingItems.remove(item.event().id());
      } else if (status == XactStatus.ABORTED) {
        outcomes.add(item.outcome(DropKind.ROLLED_BACK, "rolled back on the primary with its savepoint"));
        pendingItems.remove(item.event().id());
      }
    }
    outcomes.sort(LOG_ORDER);
  }

  int size() {
    return outcomes.size() + pendingItems.size();
  }

  List<DdlEvent> events() {
    List<DdlEvent> events = new ArrayList<>();
    outcomes.forEach(o -> events.add(o.event()));
    pendingItems.values().forEach(i -> events.add(i.event()));
    return events;
  }

  ObjectNode toJson() {
    ObjectNode e = StateJson.object();
    e.put("topXid", StateJson.xidText(topXid));
    e.put("round", round);
    ArrayNode waits = e.putArray("waitFor");
    waitFor.forEach(x -> waits.add(x.toString()));
    ArrayNode array = e.putArray("outcomes");
    for (Outcome outcome : outcomes) {
      ObjectNode on = array.addObject();
      // a drop never ships: kept masked, as it may carry credentials
      on.set("event", StateJson.event(outcome instanceof Outcome.Drop ? outcome.event().withStatement(
          Secrets.mask(outcome.event().statement()), outcome.event().context()) : outcome.event()));
      if (outcome instanceof Outcome.Drop d) {
        on.put("dropReason", d.reason());
        on.put("dropKind", d.kind().stored());
      }
    }
    ArrayNode pending = e.putArray("pendingItems");
    pendingItems.values().forEach(item -> pending.add(item.toJson()));
    return e;
  }

  static SettledTransaction fromJson(JsonNode e) {
    SettledTransaction entry = new SettledTransaction(e.path("round").asLong());
    entry.topXid = StateJson.xid(e, "topXid");
    e.path("waitFor").forEach(w -> entry.waitFor.add(Xid.parse(w.asText())));
    for (JsonNode on : e.path("outcomes")) {
      DdlEvent event = StateJson.event(on.get("event"));
      String reason = StateJson.text(on, "dropReason");
      String kind = StateJson.text(on, "dropKind");
      entry.outcomes.add(reason == null ? new Outcome.Publish(event) : new Outcome.Drop(event,
          kind == null ? DropKind.ofLegacyReason(reason) : DropKind.ofStored(kind), reason));
    }
    for (JsonNode item : e.path("pendingItems")) {
      CapturedDdl restored = CapturedDdl.fromJson(item);
      entry.pendingItems.put(restored.event().id(), restored);
    }
    return entry;
  }
}
