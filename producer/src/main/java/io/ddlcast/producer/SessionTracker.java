package io.ddlcast.producer;

import io.ddlcast.common.event.DdlEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides, per session, whether each DDL statement took effect, from the records that follow it in the log.
 *
 * <p>The statement record is written before the statement runs, so a DDL is held as pending, together with its
 * transaction (the virtual transaction id, vxid), until a later record of the same session settles it:
 *
 * <ul>
 *   <li>an ERROR, FATAL or PANIC of the same transaction: the transaction failed, all its DDL is dropped;
 *   <li>the completion ({@code duration:}) of a ROLLBACK that ends the transaction: dropped; of a COMMIT or of the
 *       auto-commit statement itself (both logged after the transaction ended, with another vxid): published;
 *   <li>a disconnection while {@code idle in transaction}: the open transaction rolled back, dropped; any other
 *       disconnection, or any record of a later transaction of the session: the transaction ended without an error,
 *       published;
 *   <li>{@link #transactionsEnded}: the primary says the transaction is over and a log barrier proved that no error
 *       of it can still appear (see {@code PrimaryMonitor}): published.
 * </ul>
 *
 * <p>Dropped on sight: {@code ALTER SYSTEM} (it changes only the instance it ran on) and {@code PREPARE TRANSACTION}
 * with DDL (its outcome is decided later by COMMIT/ROLLBACK PREPARED, which the log does not tie to the DDL).
 * What this cannot decide from the log alone is listed in the README (savepoint rollbacks, explicit transactions
 * when {@code log_duration} is off).
 */
final class SessionTracker {
  /** Pending DDL of one session: all of one transaction, in log order. */
  record Pending(String session, String vxid, List<DdlEvent> events) {}

  private static final class Session {
    final String vxid;
    final List<DdlEvent> events = new ArrayList<>();

    Session(String vxid) {
      this.vxid = vxid;
    }
  }

  private final StatementRecords statements;
  private final Map<String, Session> sessions = new LinkedHashMap<>();

  SessionTracker(StatementRecords statements) {
    this.statements = statements;
  }

  /** Feeds one record; returns the outcomes it settled, in order. */
  List<Outcome> accept(LogRecord record) {
    String sessionId = record.sessionId();
    if (sessionId.isEmpty()) {
      return List.of();
    }
    String sql = StatementRecords.statementText(record);
    if (sql != null) {
      return acceptStatement(record, sql);
    }
    Session session = sessions.get(sessionId);
    if (session == null) {
      return List.of();
    }
    String message = record.message();
    boolean sameTransaction = session.vxid.equals(record.vxid());
    if (record.isError()) {
      return sameTransaction
          ? settle(sessionId, "failed on the primary: " + record.severity() + " " + record.sqlState() + " " + message)
          : settle(sessionId, null);
    }
    if (message.startsWith("duration: ")) {
      String tag = record.commandTag();
      if (tag.equals("PREPARE TRANSACTION")) {
        return settle(sessionId, "prepared for two-phase commit; its COMMIT/ROLLBACK PREPARED is not followed yet");
      }
      if (sameTransaction) {
        return List.of();
      }
      return settle(sessionId, tag.equals("ROLLBACK") ? "rolled back on the primary" : null);
    }
    if (message.startsWith("disconnection: ")) {
      return settle(sessionId, record.commandTag().startsWith("idle in transaction")
          ? "session ended with its transaction open: rolled back on the primary"
          : null);
    }
    if (!record.vxid().isEmpty() && !sameTransaction) {
      return settle(sessionId, null);
    }
    return List.of();
  }

  private List<Outcome> acceptStatement(LogRecord record, String sql) {
    List<Outcome> out = new ArrayList<>();
    Session session = sessions.get(record.sessionId());
    if (session != null && !session.vxid.equals(record.vxid())) {
      out.addAll(settle(record.sessionId(), null));
      session = null;
    }
    DdlEvent event = statements.toEvent(record, sql);
    if (event == null) {
      return out;
    }
    if ("ALTER SYSTEM".equals(event.command())) {
      out.add(new Outcome.Drop(event, "ALTER SYSTEM changes only the instance it runs on"));
      return out;
    }
    if (session == null) {
      session = new Session(record.vxid());
      sessions.put(record.sessionId(), session);
    }
    session.events.add(event);
    return out;
  }

  /** Ends the session's pending transaction: published when {@code dropReason} is null, else dropped. */
  private List<Outcome> settle(String sessionId, String dropReason) {
    Session session = sessions.remove(sessionId);
    if (session == null) {
      return List.of();
    }
    List<Outcome> out = new ArrayList<>(session.events.size());
    for (DdlEvent event : session.events) {
      out.add(dropReason == null ? new Outcome.Publish(event) : new Outcome.Drop(event, dropReason));
    }
    return out;
  }

  /**
   * The primary reported these transactions over, and a barrier later in the log proved that any error of theirs
   * would have been read by now: their DDL took effect. Outcomes are in log order of the statements.
   */
  List<Outcome> transactionsEnded(Collection<String> vxids) {
    Set<String> ended = Set.copyOf(vxids);
    List<String> done = new ArrayList<>();
    for (Map.Entry<String, Session> e : sessions.entrySet()) {
      if (ended.contains(e.getValue().vxid)) {
        done.add(e.getKey());
      }
    }
    List<Outcome> out = new ArrayList<>();
    for (String sessionId : done) {
      out.addAll(settle(sessionId, null));
    }
    out.sort(Comparator.comparing((Outcome o) -> o.event().position().file())
        .thenComparingLong(o -> o.event().position().offset()));
    return out;
  }

  /** The transactions that still have undecided DDL. */
  Set<String> openTransactions() {
    Set<String> vxids = new TreeSet<>();
    sessions.values().forEach(s -> vxids.add(s.vxid));
    return vxids;
  }

  int pendingCount() {
    return sessions.values().stream().mapToInt(s -> s.events.size()).sum();
  }

  List<Pending> snapshot() {
    List<Pending> out = new ArrayList<>();
    sessions.forEach((id, s) -> out.add(new Pending(id, s.vxid, List.copyOf(s.events))));
    return out;
  }

  void restore(List<Pending> pending) {
    sessions.clear();
    for (Pending p : pending) {
      Session s = new Session(p.vxid());
      s.events.addAll(p.events());
      sessions.put(p.session(), s);
    }
  }
}
