package io.ddlcast.producer.settle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.capture.Xid;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The transaction state machine: opens a session's transaction at its first DDL, and settles it as the log (or the
 * primary) shows it ended, into the {@link CommitQueue}:
 *
 * <ul>
 *   <li>committed: its COMMIT; the end of an implicit transaction (auto-commit); the primary's word. DDL run under a
 *       savepoint waits for the primary's word on its subtransaction;
 *   <li>rolled back: ROLLBACK; an error not undone by ROLLBACK TO SAVEPOINT (then COMMIT rolls back); the session
 *       ending or terminated inside it; the primary's word;
 *   <li>awaiting the primary: prepared for two-phase commit, an explicit transaction whose end the log does not
 *       show, one open when the server restarted; undecided (dropped, reported) where no primary can be asked.
 * </ul>
 */
final class Settler {
  private static final String UNDECIDED_END = "undecided: the log does not show whether this transaction committed "
      + "(needs log_duration=on or --primary-url); not published";
  private static final String UNDECIDED_SAVEPOINT = "undecided: a savepoint of its transaction was rolled back and "
      + "only the primary can tell which DDL it undid (needs --primary-url and ddlcast's event trigger); not published";
  private static final String UNDECIDED_PREPARED = "undecided: prepared for two-phase commit, and only the primary "
      + "can tell whether COMMIT PREPARED or ROLLBACK PREPARED followed (needs --primary-url); not published";
  private static final String UNDECIDED_RESTART = "undecided: the primary restarted while its transaction was open, "
      + "and the log cannot tell whether it had committed (needs --primary-url); not published";

  private final Map<String, Session> sessions;
  private final CommitQueue queue;
  private final boolean primaryAvailable;
  /** Transactions whose outcome only the primary knows (prepared, or whose end the log did not show), by id. */
  private final Map<Xid, OpenTransaction> awaiting = new LinkedHashMap<>();
  private long sequence;
  /** A COMMIT or ROLLBACK PREPARED was seen since the primary last answered: worth asking now. */
  private boolean preparedDecided;

  Settler(Map<String, Session> sessions, CommitQueue queue, boolean primaryAvailable) {
    this.sessions = sessions;
    this.queue = queue;
    this.primaryAvailable = primaryAvailable;
  }

  /** A DDL command of the session's transaction {@code vxid}: the one open, or a new one after it. */
  void add(Session session, String vxid, CapturedDdl item) {
    if (session.movedOnFrom(vxid)) {
      endedWithoutEvidence(session);
    }
    if (session.txn == null) {
      session.txn = new OpenTransaction(vxid, vxid.equals(session.explicitVxid), ++sequence);
    }
    session.txn.items.add(item);
    if (session.cursor != null) {
      session.cursor.lastTransactionControl = null;
    }
  }

  /**
   * The session's transaction ended and the log did not say how: an implicit transaction (a statement in
   * auto-commit) committed unless it failed; for an explicit one, a COMMIT or ROLLBACK inside the same string
   * decides, else the primary must.
   */
  void endedWithoutEvidence(Session session) {
    OpenTransaction txn = session.txn;
    String control = session.cursor == null ? null : session.cursor.lastTransactionControl;
    if (txn.aborted) {
      rollback(session, DropKind.FAILED, "failed on the primary");
    } else if (control != null && (control.startsWith("ROLLBACK") || control.startsWith("ABORT"))) {
      rollback(session, DropKind.ROLLED_BACK, "rolled back on the primary");
    } else if (!txn.explicit || (control != null && (control.startsWith("COMMIT") || control.startsWith("END")))) {
      // the log shows only that it ended, somewhere before this record: like a commit the primary reports, it goes
      // before the commits that waited for it (a disconnection is logged late, after later sessions' records)
      commitBeforeWaiters(session);
    } else if (primaryAvailable && txn.xid != null) {
      session.txn = null;
      awaiting.put(txn.xid, txn); // decided by its status, like a prepared transaction
    } else {
      rollback(session, DropKind.UNDECIDED, UNDECIDED_END);
    }
  }

  /** The session's transaction committed at this point of the log. */
  void commit(Session session) {
    OpenTransaction txn = session.txn;
    session.txn = null;
    commit(txn);
  }

  /** It committed somewhere before this point: it goes before the commits that waited for it. */
  void commitBeforeWaiters(Session session) {
    OpenTransaction txn = session.txn;
    session.txn = null;
    if (txn.xid == null) {
      commit(txn);
    } else {
      queue.settleBefore(txn.xid, () -> commit(txn));
    }
  }

  void rollback(Session session, DropKind kind, String reason) {
    OpenTransaction txn = session.txn;
    session.txn = null;
    settle(txn, kind, reason);
  }

  /** PREPARE TRANSACTION: COMMIT or ROLLBACK PREPARED decides later, as the primary reports it. */
  void prepare(Session session) {
    OpenTransaction txn = session.txn;
    session.txn = null;
    if (!primaryAvailable || txn.xid == null) {
      settle(txn, DropKind.UNDECIDED, UNDECIDED_PREPARED);
    } else {
      awaiting.put(txn.xid, txn);
    }
  }

  /** After a crash restart the session's open transaction is gone: its status decides. */
  void serverRestarted(Session session) {
    if (session.txn == null) {
      return;
    }
    if (primaryAvailable && session.txn.xid != null) {
      awaiting.put(session.txn.xid, session.txn);
      session.txn = null;
    } else {
      rollback(session, DropKind.UNDECIDED, UNDECIDED_RESTART);
    }
  }

  /**
   * A completion with this command tag, in any session. After COMMIT PREPARED or ROLLBACK PREPARED a prepared
   * transaction's fate is known, and the primary is worth asking now. The log does not say which one COMMIT PREPARED
   * committed (its text is not logged): what commits after it waits behind a mark in commit order until the primary
   * has said which of the transactions awaiting it committed, and those go before the mark
   * ({@link CommitQueue#settleBefore}), so a prepared CREATE goes out before the DROP that follows its commit.
   */
  void preparedDecided(String tag) {
    if (!tag.equals("COMMIT PREPARED") && !tag.equals("ROLLBACK PREPARED")) {
      return;
    }
    preparedDecided = true;
    if (tag.equals("COMMIT PREPARED") && !awaiting.isEmpty()) {
      SettledTransaction mark = queue.open();
      mark.waitFor.addAll(awaiting.keySet());
      queue.add(mark);
    }
  }

  boolean hasPreparedDecided() {
    return preparedDecided;
  }

  /** The primary's word on the transactions awaiting it. */
  void decideAwaiting(Map<Xid, XactStatus> answers) {
    preparedDecided = false;
    for (Map.Entry<Xid, OpenTransaction> e : new ArrayList<>(awaiting.entrySet())) {
      XactStatus status = answers.getOrDefault(e.getKey(), XactStatus.UNKNOWN);
      if (status == XactStatus.COMMITTED) {
        awaiting.remove(e.getKey());
        queue.settleBefore(e.getKey(), () -> commit(e.getValue()));
      } else if (status == XactStatus.ABORTED) {
        awaiting.remove(e.getKey());
        settle(e.getValue(), DropKind.ROLLED_BACK, "rolled back on the primary");
      }
    }
  }

  Set<Xid> awaitingIds() {
    return awaiting.keySet();
  }

  Collection<OpenTransaction> awaitingTransactions() {
    return awaiting.values();
  }

  private void commit(OpenTransaction txn) {
    if (txn.aborted) {
      settle(txn, DropKind.ROLLED_BACK, "rolled back on the primary (its transaction had failed)");
      return;
    }
    SettledTransaction entry = queue.open();
    entry.topXid = txn.xid;
    // With the primary, any DDL run in a subtransaction is checked: the log may not have shown its ROLLBACK TO yet.
    if (txn.savepointRollback || (primaryAvailable && txn.xid != null && txn.ranUnderSavepoints())) {
      if (!primaryAvailable || txn.xid == null) {
        settle(txn, DropKind.UNDECIDED, UNDECIDED_SAVEPOINT);
        return;
      }
      for (CapturedDdl item : txn.items) {
        if (item.exclusion() == null && item.subxid() != null && !item.subxid().sameTransactionAs(txn.xid)) {
          entry.pendingItems.put(item.event().id(), item);
        }
      }
    }
    for (CapturedDdl item : txn.items) {
      if (!entry.pendingItems.containsKey(item.event().id())) {
        entry.outcomes.add(item.committed());
      }
    }
    if (primaryAvailable) {
      for (Session other : sessions.values()) {
        if (other.txn != null && other.txn.xid != null && other.txn.sequence < txn.sequence) {
          entry.waitFor.add(other.txn.xid);
        }
      }
    }
    queue.add(entry);
  }

  /** Emits every command of the transaction as dropped. */
  private void settle(OpenTransaction txn, DropKind kind, String reason) {
    SettledTransaction entry = queue.open();
    for (CapturedDdl item : txn.items) {
      entry.outcomes.add(item.outcome(kind, reason));
    }
    queue.add(entry);
  }

  long sequence() {
    return sequence;
  }

  ArrayNode toJson() {
    ArrayNode array = StateJson.object().arrayNode();
    awaiting.values().forEach(t -> array.add(t.toJson()));
    return array;
  }

  /** Forgets what awaits the primary (a start with no checkpoint); ids keep counting. */
  void clear() {
    awaiting.clear();
    preparedDecided = false;
  }

  void restore(JsonNode array, long restoredSequence) {
    clear();
    sequence = restoredSequence;
    for (JsonNode n : array) {
      OpenTransaction txn = OpenTransaction.fromJson(n);
      awaiting.put(txn.xid, txn);
    }
  }
}
