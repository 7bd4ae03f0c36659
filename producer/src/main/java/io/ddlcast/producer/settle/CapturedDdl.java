package io.ddlcast.producer.settle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.sql.Secrets;
import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.capture.ReplicationPolicy.Exclusion;
import io.ddlcast.producer.capture.Xid;

/**
 * One DDL command on its way: the event, the subtransaction it ran in (from the event trigger; null if unknown),
 * and why it must not ship even if it commits (null if it replicates). Immutable: its checkpoint form is built once,
 * however many checkpoints hold it while its (perhaps long) transaction stays open.
 *
 * <pre>{@code {"event":{...},"subxid":"748","skip":null}}</pre>
 */
final class CapturedDdl {
  private final DdlEvent event;
  private final Xid subxid;
  private final Exclusion exclusion;
  private ObjectNode json;

  CapturedDdl(DdlEvent event, Xid subxid, Exclusion exclusion) {
    this.event = event;
    this.subxid = subxid;
    this.exclusion = exclusion;
  }

  DdlEvent event() {
    return event;
  }

  Xid subxid() {
    return subxid;
  }

  Exclusion exclusion() {
    return exclusion;
  }

  /** What it becomes once its transaction is decided: dropped with {@code kind} and {@code reason}, if given. */
  Outcome outcome(DropKind kind, String reason) {
    if (reason != null) {
      return new Outcome.Drop(event, kind, reason);
    }
    return exclusion == null ? new Outcome.Publish(event)
        : new Outcome.Drop(event, exclusion.kind(), exclusion.reason());
  }

  /** The committed outcome: published unless excluded. */
  Outcome committed() {
    return outcome(null, null);
  }

  /** Its checkpoint form; shared by the checkpoints that hold it, so never to be changed by them. */
  ObjectNode toJson() {
    if (json == null) {
      ObjectNode i = StateJson.object();
      // one that never ships is kept masked: a statement that cannot replicate may still carry credentials
      i.set("event", StateJson.event(exclusion == null ? event
          : event.withStatement(Secrets.mask(event.statement()), event.context())));
      i.put("subxid", subxid == null ? null : subxid.digits());
      i.put("skip", exclusion == null ? null : exclusion.reason());
      if (exclusion != null) {
        i.put("skipKind", exclusion.kind().stored());
      }
      json = i;
    }
    return json;
  }

  static CapturedDdl fromJson(JsonNode i) {
    String subxid = StateJson.text(i, "subxid");
    String skip = StateJson.text(i, "skip");
    String kind = StateJson.text(i, "skipKind");
    Exclusion exclusion = skip == null ? null
        : new Exclusion(kind == null ? DropKind.ofLegacyReason(skip) : DropKind.ofStored(kind), skip);
    return new CapturedDdl(StateJson.event(i.get("event")), subxid == null ? null : Xid.parseNumber(subxid, false),
        exclusion);
  }
}
