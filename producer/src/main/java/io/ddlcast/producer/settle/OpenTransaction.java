package io.ddlcast.producer.settle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.producer.capture.Xid;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's transaction while it is open (or waits for the primary's verdict), with the DDL it ran so far.
 *
 * <pre>{@code
 * {"vxid":"3/88","xid":"745","explicit":true,"aborted":false,"savepointRollback":false,"sequence":1,"items":[...]}
 * }</pre>
 */
final class OpenTransaction {
  /** The virtual transaction id (csvlog {@code virtual_transaction_id}): how its records are recognized. */
  final String vxid;
  /** Opened by BEGIN or START TRANSACTION: its end must be seen (or asked), it is not implied. */
  final boolean explicit;
  /** Order of opening among all sessions' transactions: who was open before whom. */
  final long sequence;
  final List<CapturedDdl> items = new ArrayList<>();
  /** Null until the helper or a completion record shows it. */
  Xid xid;
  /** An error hit it and no ROLLBACK TO SAVEPOINT undid that (yet): its COMMIT rolls back. */
  boolean aborted;
  /** A savepoint was rolled back: only the primary can tell which DDL survived. */
  boolean savepointRollback;
  /**
   * The primary reported it committed while its COMMIT record was not read yet (not kept in the checkpoint): that
   * record is written after the commit is visible, and places it in commit order; only if a round later it still
   * has not come does the answer settle it.
   */
  boolean reportedCommitted;

  OpenTransaction(String vxid, boolean explicit, long sequence) {
    this.vxid = vxid;
    this.explicit = explicit;
    this.sequence = sequence;
  }

  boolean is(String otherVxid) {
    return vxid.equals(otherVxid);
  }

  /** True if a command ran in a subtransaction of it (under a savepoint) and is not excluded anyway. */
  boolean ranUnderSavepoints() {
    return items.stream().anyMatch(i -> i.exclusion() == null && i.subxid() != null
        && !i.subxid().sameTransactionAs(xid));
  }

  ObjectNode toJson() {
    ObjectNode t = StateJson.object();
    t.put("vxid", vxid);
    t.put("xid", StateJson.xidText(xid));
    t.put("explicit", explicit);
    t.put("aborted", aborted);
    t.put("savepointRollback", savepointRollback);
    t.put("sequence", sequence);
    ArrayNode array = t.putArray("items");
    items.forEach(i -> array.add(i.toJson()));
    return t;
  }

  static OpenTransaction fromJson(JsonNode t) {
    OpenTransaction txn = new OpenTransaction(StateJson.text(t, "vxid"), t.path("explicit").asBoolean(),
        t.path("sequence").asLong());
    txn.xid = StateJson.xid(t, "xid");
    txn.aborted = t.path("aborted").asBoolean();
    txn.savepointRollback = t.path("savepointRollback").asBoolean();
    t.path("items").forEach(i -> txn.items.add(CapturedDdl.fromJson(i)));
    return txn;
  }
}
