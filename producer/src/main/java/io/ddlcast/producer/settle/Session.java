package io.ddlcast.producer.settle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.producer.capture.EventFactory.Runner;
import io.ddlcast.producer.capture.HelperRecord;
import io.ddlcast.producer.capture.HelperRecord.HelperObject;
import io.ddlcast.producer.csvlog.LogRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the tracker knows of one client session (csvlog {@code session_id}): who it is, its open transaction, the
 * statement string it is executing, and the context of its last reported DDL. A session with none of these is
 * forgotten.
 *
 * <pre>{@code
 * {"id":"6b049189.18b","database":"postgres","user":"postgres","applicationName":"psql","explicitVxid":"3/88",
 *  "lastContext":{...},"txn":{...},"cursor":{...}}
 * }</pre>
 */
final class Session {
  final String id;
  String database;
  String user;
  String applicationName;
  /** The virtual transaction id a BEGIN opened: a transaction with it is explicit. */
  String explicitVxid;
  /**
   * The role and search_path of the session's last DDL the helper reported: what its failed or refused DDL is shown
   * with. DDL the helper does not report takes it only from the statement string's own report (see
   * {@code StatementCursor.reportedContext}): an unlogged SET ROLE may have changed it since.
   */
  ExecutionContext lastContext;
  /** What the helper reported dropped, for the command it reports next (not kept in the checkpoint). */
  List<HelperObject> dropped = List.of();
  /** What the helper reported at the start of a DROP as on no standby, for its objects (not kept either). */
  HelperRecord.NotOnStandbys notOnStandbys = HelperRecord.NotOnStandbys.NONE;
  /**
   * Objects (identities) a refused statement of this session made, which therefore no standby has: a later DROP of
   * them ships nothing, a later change of them is refused too (not kept in the checkpoint: after a restart such a
   * DROP reaches the standbys and fails there, loudly). A later command that makes the same identity again, or
   * drops it, takes it out.
   */
  final Set<String> refusedObjects = new HashSet<>();
  OpenTransaction txn;
  StatementCursor cursor;

  Session(String id) {
    this.id = id;
  }

  /** Takes who the session is from its newest record. */
  void seen(LogRecord record) {
    database = record.database();
    user = record.user();
    applicationName = record.applicationName();
  }

  Runner runner(ExecutionContext context) {
    return new Runner(database, user, context);
  }

  /** True when its transaction is open and is not the one with this virtual id: it ended before this record. */
  boolean movedOnFrom(String vxid) {
    return txn != null && !txn.is(vxid);
  }

  boolean isIdle() {
    return txn == null && cursor == null && lastContext == null && explicitVxid == null;
  }

  ObjectNode toJson() {
    ObjectNode n = StateJson.object();
    n.put("id", id);
    n.put("database", database);
    n.put("user", user);
    n.put("applicationName", applicationName);
    n.put("explicitVxid", explicitVxid);
    EventCodec.putContext(n, "lastContext", lastContext);
    if (txn != null) {
      n.set("txn", txn.toJson());
    }
    if (cursor != null) {
      n.set("cursor", cursor.toJson());
    }
    return n;
  }

  static Session fromJson(JsonNode n) {
    Session session = new Session(StateJson.text(n, "id"));
    session.database = StateJson.text(n, "database");
    session.user = StateJson.text(n, "user");
    session.applicationName = StateJson.text(n, "applicationName");
    session.explicitVxid = StateJson.text(n, "explicitVxid");
    session.lastContext = EventCodec.context(n.get("lastContext"));
    if (n.hasNonNull("txn")) {
      session.txn = OpenTransaction.fromJson(n.get("txn"));
    }
    if (n.hasNonNull("cursor")) {
      session.cursor = StatementCursor.fromJson(n.get("cursor"));
    }
    return session;
  }
}
