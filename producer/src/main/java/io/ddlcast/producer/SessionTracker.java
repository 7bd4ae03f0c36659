package io.ddlcast.producer;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.producer.StatementParts.Kind;
import io.ddlcast.producer.StatementParts.Part;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides, per session and transaction, which DDL took effect on the primary, what exactly it was, and in which
 * order the transactions committed; emits each DDL command as its own event.
 *
 * <p>What it reads, per session: statement records ({@code statement:}, {@code execute <name>:}, written before the
 * statement runs; a string may hold several statements), the records of ddlcast's event trigger (one per DDL
 * command: its role, search_path, (sub)transaction ids, objects, and the inner statement of DDL run inside DO
 * blocks, functions and procedures), completion records ({@code duration:}, with the command tag COMMIT, ROLLBACK,
 * PREPARE TRANSACTION, ...), errors and disconnections. The DDL of a transaction is held until the transaction is
 * settled:
 *
 * <ul>
 *   <li>committed: the completion of its COMMIT, or of the auto-commit statement; the session moving on to a later
 *       transaction after an implicit one; a clean disconnection; the primary reporting the transaction id committed
 *       ({@code pg_xact_status}) for a session that went quiet. DDL done inside a savepoint that was rolled back is
 *       dropped: each command's subtransaction id is asked of the primary;
 *   <li>rolled back: the completion of a ROLLBACK; an error in the transaction not undone by ROLLBACK TO SAVEPOINT
 *       (then COMMIT rolls back); a disconnection or termination inside the transaction; the primary reporting it
 *       aborted (also after a crash);
 *   <li>two-phase commit: held from PREPARE TRANSACTION until the primary reports it committed (COMMIT PREPARED) or
 *       aborted (ROLLBACK PREPARED).
 * </ul>
 *
 * <p>Committed transactions are emitted in the order their commits appear in the log. Where another session's
 * transaction is still open when one commits, the commit is held for one round of asking the primary, so that a
 * transaction that committed earlier but whose own commit record is late (or never comes: auto-commit over the
 * extended protocol) is emitted first: when the primary reports it committed, or when the log shows its end only
 * late (a disconnection, which a backend logs as it exits, after records of sessions that started later).
 *
 * <p>Never emitted (dropped with the reason): temporary objects, ddlcast's own objects and sessions,
 * {@code ALTER SYSTEM}, DDL inside SQL-language functions (PostgreSQL does not log its text), and what cannot be
 * decided without the primary when no primary connection is configured.
 *
 * <p>The tracker does no I/O. The producer asks it which transaction ids to look up ({@link #statusQueries}) and
 * hands the answers back ({@link #applyStatuses}).
 */
final class SessionTracker {
  /** What the primary says of a transaction id. */
  enum XactStatus {
    COMMITTED,
    ABORTED,
    IN_PROGRESS,
    UNKNOWN
  }

  /** One DDL command on its way: the event, the subtransaction it ran in, and why it must not ship (or null). */
  record Item(DdlEvent event, String subxid, String skip) {}

  /** The transaction of a session while it is open. */
  static final class Txn {
    String vxid;
    String xid;
    boolean explicit;
    boolean aborted;
    boolean savepointRollback;
    long sequence;
    final List<Item> items = new ArrayList<>();
  }

  /** The statement string being executed, and how far its parts were matched to the commands that ran. */
  static final class Cursor {
    String text;
    String baseId;
    io.ddlcast.common.event.LogPosition position;
    String logTime;
    String vxid;
    int next;
    String lastTransactionControl;
    transient List<Part> parts;

    List<Part> parts() {
      if (parts == null) {
        parts = StatementParts.of(text);
      }
      return parts;
    }
  }

  static final class Session {
    String database;
    String user;
    String applicationName;
    String explicitVxid;
    ExecutionContext lastContext;
    List<HelperRecord.HelperObject> dropped = List.of();
    Txn txn;
    Cursor cursor;
  }

  /** A settled transaction waiting its turn to be emitted. */
  static final class Entry {
    final List<Outcome> outcomes = new ArrayList<>();
    /** Other sessions' open transactions (xids) that must be asked about before this one is emitted. */
    final Set<String> waitFor = new LinkedHashSet<>();
    /** Subtransactions whose outcome decides which of {@link #pendingItems} ship. */
    final Map<String, Item> pendingItems = new LinkedHashMap<>();
    String topXid;
    long round;
  }

  private final StatementRecords statements;
  private final boolean primaryAvailable;
  private final Map<String, Session> sessions = new LinkedHashMap<>();
  private final Map<String, Txn> prepared = new LinkedHashMap<>();
  private final List<Entry> outbox = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private long round;
  private long sequence;
  private boolean preparedActivity;
  /** Between {@link #statusQueries} and {@link #applyStatuses}: what settles now is newer than the answers. */
  private boolean statusAsked;

  SessionTracker(StatementRecords statements, boolean primaryAvailable) {
    this.statements = statements;
    this.primaryAvailable = primaryAvailable;
  }

  // ---------------------------------------------------------------------------------------------- reading records

  /** Feeds one record; returns the outcomes that became final, in order. */
  List<Outcome> accept(LogRecord record) {
    String sessionId = record.sessionId();
    if ("postmaster".equals(record.backendType())
        && record.message().startsWith("database system is ready to accept connections")) {
      serverRestarted(); // a crash (or restart) ended every session that was still open
      return drain();
    }
    if (sessionId.isEmpty()) {
      return drain();
    }
    HelperRecord helper;
    try {
      helper = HelperRecord.parse(record);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage() + " at " + record.position());
      return drain();
    }
    if (helper != null) {
      acceptHelper(record, helper);
      return drain();
    }
    String sql = StatementRecords.statementText(record);
    if (sql != null) {
      acceptStatement(record, sql);
      return drain();
    }
    Session session = sessions.get(sessionId);
    if (session == null) {
      return drain();
    }
    String message = record.message();
    if (record.isError()) {
      acceptError(session, record);
    } else if (message.startsWith("duration: ")) {
      acceptCompletion(session, record);
    } else if (message.startsWith("disconnection: ")) {
      flushCursor(session, true);
      if (session.txn != null) {
        if (record.commandTag().startsWith("idle in transaction")) {
          rollback(session, "the session ended with its transaction open: rolled back on the primary");
        } else {
          endedWithoutEvidence(session);
        }
      }
      sessions.remove(sessionId);
    } else if (!record.vxid().isEmpty()) {
      if (session.cursor != null && !record.vxid().equals(session.cursor.vxid)) {
        flushCursor(session, true);
      }
      if (session.txn != null && !record.vxid().equals(session.txn.vxid)) {
        endedWithoutEvidence(session);
      }
    }
    dropIdle(sessionId, session);
    return drain();
  }

  private void acceptStatement(LogRecord record, String sql) {
    Session session = session(record);
    flushCursor(session, true);
    if (session.txn != null && !record.vxid().equals(session.txn.vxid)) {
      endedWithoutEvidence(session);
    }
    if (record.commandTag().startsWith("idle in transaction")) {
      session.explicitVxid = record.vxid();
    }
    List<Part> parts = StatementParts.of(sql);
    if (parts.stream().noneMatch(p -> p.kind() == Kind.DDL || p.kind() == Kind.GLOBAL)) {
      return; // DDL it may run (DO, functions) is reported by the event trigger
    }
    Cursor cursor = new Cursor();
    cursor.text = sql;
    cursor.parts = parts;
    cursor.baseId = DdlEvent.idOf(record.position());
    cursor.position = record.position();
    cursor.logTime = record.logTime();
    cursor.vxid = record.vxid();
    session.cursor = cursor;
  }

  private void acceptHelper(LogRecord record, HelperRecord helper) {
    Session session = session(record);
    switch (helper.kind()) {
      case ERROR -> problems.add("ddlcast's event trigger failed in session " + record.sessionId() + " at "
          + record.position() + ": " + helper.error() + "; the DDL there ships without its context");
      case SQL_DROP -> session.dropped = helper.objects();
      case DDL_COMMAND_END -> {
        if (helper.isExtensionMember()) {
          return;
        }
        session.lastContext = helper.context();
        Item item = switch (helper.origin()) {
          case INNER_STATEMENT -> item(session, record, helper.innerStatement(), DdlEvent.idOf(record.position()),
              record.position(), record.logTime(), helper, false);
          case SQL_FUNCTION -> item(session, record, helper.tag(), DdlEvent.idOf(record.position()),
              record.position(), record.logTime(), helper, true);
          case TOP_LEVEL -> topLevelItem(session, record, helper);
        };
        session.dropped = List.of();
        if (item != null) {
          add(session, record.vxid(), item);
        }
        if (helper.xid() != null && session.txn != null && session.txn.vxid.equals(record.vxid())) {
          session.txn.xid = helper.xid();
        }
      }
      default -> throw new IllegalStateException(helper.kind().name());
    }
  }

  /** The part of the current statement string this top-level command is, with what was passed over on the way. */
  private Item topLevelItem(Session session, LogRecord record, HelperRecord helper) {
    Cursor cursor = session.cursor;
    if (cursor == null || !cursor.text.equals(record.query())) {
      cursor = new Cursor(); // the statement itself was not logged (e.g. log_statement below ddl)
      cursor.text = record.query();
      cursor.baseId = DdlEvent.idOf(record.position());
      cursor.position = record.position();
      cursor.logTime = record.logTime();
      cursor.vxid = record.vxid();
      session.cursor = cursor;
    }
    List<Part> parts = cursor.parts();
    int match = -1;
    for (int k = cursor.next; k < parts.size() && match < 0; k++) {
      if (parts.get(k).kind() == Kind.DDL) {
        match = k;
      }
    }
    for (int k = cursor.next; k < parts.size() && match < 0; k++) {
      if (parts.get(k).kind() == Kind.OTHER) {
        match = k; // SELECT ... INTO is DDL that reads like a query
      }
    }
    if (match < 0) {
      problems.add("no statement text for the " + helper.tag() + " reported at " + record.position()
          + "; not published");
      return null;
    }
    passOver(session, cursor, match, record.vxid());
    if (session.txn != null && !record.vxid().equals(session.txn.vxid)) {
      endedWithoutEvidence(session);
    }
    Part part = parts.get(match);
    cursor.next = match + 1;
    return item(session, record, partText(cursor, part), partId(cursor, part), cursor.position, cursor.logTime, helper,
        false);
  }

  /**
   * Moves the cursor to {@code until}: the parts passed over ran, in order, and without an error. DDL parts no event
   * trigger reports (global ones) are emitted; a COMMIT, ROLLBACK or PREPARE TRANSACTION inside the string settles
   * the transaction there and then, and a BEGIN makes the next one explicit.
   */
  private void passOver(Session session, Cursor cursor, int until, String vxid) {
    List<Part> parts = cursor.parts();
    for (int k = cursor.next; k < until; k++) {
      Part part = parts.get(k);
      String tag = part.command().tag();
      if (part.kind() == Kind.TRANSACTION) {
        cursor.lastTransactionControl = tag;
        if (tag.startsWith("BEGIN") || tag.startsWith("START")) {
          session.explicitVxid = vxid;
        } else if (session.txn != null && (tag.equals("COMMIT") || tag.startsWith("END"))) {
          commit(session);
        } else if (session.txn != null && (tag.equals("ROLLBACK") || tag.equals("ABORT"))
            && !part.text().matches("(?is)rollback\\s+(work\\s+|transaction\\s+)?to\\b.*")) {
          rollback(session, "rolled back on the primary");
        } else if (session.txn != null && tag.equals("ROLLBACK")) {
          session.txn.savepointRollback = true;
        } else if (session.txn != null && tag.equals("PREPARE TRANSACTION")) {
          prepare(session);
        }
      } else if (part.kind() == Kind.DDL || part.kind() == Kind.GLOBAL) {
        add(session, session.txn != null ? session.txn.vxid : vxid, item(session, null, partText(cursor, part),
            partId(cursor, part), cursor.position, cursor.logTime, null, false));
      }
    }
    cursor.next = Math.max(cursor.next, until);
  }

  /** The statement finished: what no event trigger reported is emitted. */
  private void flushCursor(Session session, boolean succeeded) {
    flushCursor(session, succeeded, null);
  }

  /**
   * The statement finished, or failed with {@code error}: DDL parts not reached then never ran, and are reported as
   * dropped with the error.
   */
  private void flushCursor(Session session, boolean succeeded, LogRecord error) {
    Cursor cursor = session.cursor;
    if (cursor == null) {
      return;
    }
    if (succeeded) {
      passOver(session, cursor, cursor.parts().size(), session.txn != null ? session.txn.vxid : cursor.vxid);
    } else {
      Entry entry = new Entry();
      entry.round = entryRound();
      for (Part part : cursor.parts().subList(cursor.next, cursor.parts().size())) {
        if (part.kind() == Kind.DDL || part.kind() == Kind.GLOBAL) {
          Item item = item(session, null, partText(cursor, part), partId(cursor, part), cursor.position,
              cursor.logTime, null, false);
          entry.outcomes.add(new Outcome.Drop(item.event(), error == null ? "failed on the primary"
              : "failed on the primary: " + error.severity() + " " + error.sqlState() + " " + error.message()));
        }
      }
      if (!entry.outcomes.isEmpty()) {
        outbox.add(entry);
      }
    }
    session.cursor = null;
  }

  private void acceptError(Session session, LogRecord record) {
    boolean fatal = !"ERROR".equals(record.severity());
    boolean current = !record.vxid().isEmpty() && (session.txn != null ? session.txn.vxid.equals(record.vxid())
        : session.cursor != null && session.cursor.vxid.equals(record.vxid()));
    boolean statementFailed = current && !(fatal && record.commandTag().startsWith("idle"));
    flushCursor(session, !statementFailed, record);
    if (session.txn != null && !session.txn.vxid.equals(record.vxid()) && (fatal || !record.vxid().isEmpty())) {
      endedWithoutEvidence(session);
    }
    if (current && session.txn != null) {
      session.txn.aborted = true;
    }
    if (fatal && session.txn != null) {
      rollback(session, "the session was terminated (" + record.sqlState() + " " + record.message()
          + ") with its transaction open: rolled back on the primary");
    }
  }

  private void acceptCompletion(Session session, LogRecord record) {
    String tag = record.commandTag();
    String vxid = record.vxid();
    flushCursor(session, true);
    Txn txn = session.txn;
    boolean sameTransaction = txn != null && txn.vxid.equals(vxid);
    if (sameTransaction && txn.xid == null && !"0".equals(record.xid()) && !record.xid().isEmpty()) {
      txn.xid = "x32:" + record.xid();
    }
    if (tag.equals("BEGIN") || tag.equals("START TRANSACTION")) {
      session.explicitVxid = vxid;
      return;
    }
    if (tag.equals("COMMIT PREPARED") || tag.equals("ROLLBACK PREPARED")) {
      preparedActivity = true;
    }
    if (txn == null) {
      return;
    }
    switch (tag) {
      case "COMMIT", "END" -> {
        if (!sameTransaction) {
          commit(session);
        }
      }
      case "ROLLBACK", "ABORT" -> {
        if (sameTransaction) {
          txn.savepointRollback = true; // ROLLBACK TO SAVEPOINT: the transaction goes on
          txn.aborted = false;
        } else {
          rollback(session, "rolled back on the primary");
        }
      }
      case "PREPARE TRANSACTION" -> prepare(session);
      default -> {
        if (!sameTransaction) {
          endedWithoutEvidence(session);
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------------- items

  private Session session(LogRecord record) {
    Session session = sessions.computeIfAbsent(record.sessionId(), k -> new Session());
    session.database = record.database();
    session.user = record.user();
    session.applicationName = record.applicationName();
    return session;
  }

  /** A statement alone in its string is shipped exactly as the primary ran it; a part of a string, trimmed. */
  private static String partText(Cursor cursor, Part part) {
    return cursor.parts().size() == 1 ? cursor.text : part.text();
  }

  private static String partId(Cursor cursor, Part part) {
    return cursor.parts().size() == 1 ? cursor.baseId : cursor.baseId + "/" + part.index();
  }

  /** Builds the item for one DDL command; {@code helper} is null when no event trigger reported it. */
  private Item item(Session session, LogRecord record, String text, String id,
      io.ddlcast.common.event.LogPosition position, String logTime, HelperRecord helper, boolean sqlFunction) {
    ExecutionContext context = helper != null ? helper.context() : session.lastContext;
    String statement = RolePasswords.roleWithClearPassword(text) != null ? RolePasswords.withPlaceholder(text) : text;
    DdlEvent event = statements.event(id, session.database, session.user, context, statement, logTime, position,
        helper, session.dropped);
    String skip = null;
    if (sqlFunction) {
      skip = "DDL (" + text + ") inside an SQL-language function: PostgreSQL does not log its text";
    } else if (session.applicationName != null && session.applicationName.startsWith("ddlcast")) {
      skip = "ddlcast's own session";
    } else if (helper != null && helper.allObjectsDdlcastOwn(session.dropped)) {
      skip = "ddlcast's own object";
    } else if (event.command().endsWith("EVENT TRIGGER") && text.contains("ddlcast_")) {
      skip = "ddlcast's own event trigger";
    } else if (helper != null ? helper.allObjectsTemporary(session.dropped)
        : io.ddlcast.common.sql.SqlCommand.of(text).temporary()) {
      skip = "temporary object (exists only in its session)";
    } else if ("ALTER SYSTEM".equals(event.command())) {
      skip = "ALTER SYSTEM changes only the instance it runs on";
    }
    return new Item(event, helper == null ? null : helper.subxid(), skip);
  }

  private void add(Session session, String vxid, Item item) {
    if (session.txn != null && !session.txn.vxid.equals(vxid)) {
      endedWithoutEvidence(session);
    }
    if (session.txn == null) {
      Txn txn = new Txn();
      txn.vxid = vxid;
      txn.explicit = vxid.equals(session.explicitVxid);
      txn.sequence = ++sequence;
      session.txn = txn;
    }
    session.txn.items.add(item);
    if (session.cursor != null) {
      session.cursor.lastTransactionControl = null;
    }
  }

  // ------------------------------------------------------------------------------------------------- settling

  /**
   * The session's transaction ended and the log did not say how: an implicit transaction (a statement in
   * auto-commit) committed unless it failed; for an explicit one, a COMMIT or ROLLBACK inside the same string
   * decides, else the primary must.
   */
  private void endedWithoutEvidence(Session session) {
    Txn txn = session.txn;
    String control = session.cursor == null ? null : session.cursor.lastTransactionControl;
    if (txn.aborted) {
      rollback(session, "failed on the primary");
    } else if (control != null && (control.startsWith("ROLLBACK") || control.startsWith("ABORT"))) {
      rollback(session, "rolled back on the primary");
    } else if (!txn.explicit || (control != null && (control.startsWith("COMMIT") || control.startsWith("END")))) {
      // the log shows only that it ended, somewhere before this record: like a commit the primary reports, it goes
      // before the commits that waited for it (a disconnection is logged late, after later sessions' records)
      if (txn.xid != null) {
        insertBeforeWaiters(txn.xid, () -> commit(session));
      } else {
        commit(session);
      }
    } else if (primaryAvailable && txn.xid != null) {
      session.txn = null;
      prepared.put(txn.xid, txn); // decided by its status, like a prepared transaction
    } else {
      rollback(session, "undecided: the log does not show whether this transaction committed (needs log_duration=on"
          + " or --primary-url); not published");
    }
  }

  private void commit(Session session) {
    Txn txn = session.txn;
    session.txn = null;
    if (txn.aborted) {
      settle(txn, "rolled back on the primary (its transaction had failed)");
      return;
    }
    Entry entry = new Entry();
    entry.round = entryRound();
    entry.topXid = txn.xid;
    boolean subtransactions = txn.items.stream()
        .anyMatch(i -> i.skip() == null && i.subxid() != null && !sameXid(i.subxid(), txn.xid));
    // With the primary, any DDL run in a subtransaction is checked: the log may not have shown its ROLLBACK TO yet.
    if (txn.savepointRollback || (primaryAvailable && txn.xid != null && subtransactions)) {
      if (!primaryAvailable || txn.xid == null) {
        settle(txn, "undecided: a savepoint of its transaction was rolled back and only the primary can tell which "
            + "DDL it undid (needs --primary-url and ddlcast's event trigger); not published");
        return;
      }
      for (Item item : txn.items) {
        if (item.skip() == null && item.subxid() != null && !sameXid(item.subxid(), txn.xid)) {
          entry.pendingItems.put(item.event().id(), item);
        }
      }
    }
    for (Item item : txn.items) {
      if (!entry.pendingItems.containsKey(item.event().id())) {
        entry.outcomes.add(outcome(item, null));
      }
    }
    if (primaryAvailable) {
      for (Session other : sessions.values()) {
        if (other.txn != null && other.txn.xid != null && other.txn.sequence < txn.sequence) {
          entry.waitFor.add(other.txn.xid);
        }
      }
    }
    outbox.add(entry);
  }

  private void rollback(Session session, String reason) {
    Txn txn = session.txn;
    session.txn = null;
    settle(txn, reason);
  }

  /** Emits every item of the transaction as dropped with the reason. */
  private void settle(Txn txn, String reason) {
    Entry entry = new Entry();
    entry.round = entryRound();
    for (Item item : txn.items) {
      entry.outcomes.add(outcome(item, reason));
    }
    outbox.add(entry);
  }

  private void prepare(Session session) {
    Txn txn = session.txn;
    session.txn = null;
    if (!primaryAvailable || txn.xid == null) {
      settle(txn, "undecided: prepared for two-phase commit, and only the primary can tell whether COMMIT PREPARED "
          + "or ROLLBACK PREPARED followed (needs --primary-url); not published");
      return;
    }
    prepared.put(txn.xid, txn);
  }

  private Outcome outcome(Item item, String dropReason) {
    if (dropReason != null) {
      return new Outcome.Drop(item.event(), dropReason);
    }
    return item.skip() == null ? new Outcome.Publish(item.event()) : new Outcome.Drop(item.event(), item.skip());
  }

  /** After a crash restart every session that had a transaction open is gone: their status decides. */
  private void serverRestarted() {
    for (Map.Entry<String, Session> e : new ArrayList<>(sessions.entrySet())) {
      Session session = e.getValue();
      flushCursor(session, true);
      if (session.txn != null) {
        if (primaryAvailable && session.txn.xid != null) {
          prepared.put(session.txn.xid, session.txn);
          session.txn = null;
        } else {
          rollback(session, "undecided: the primary restarted while its transaction was open, and the log cannot "
              + "tell whether it had committed (needs --primary-url); not published");
        }
      }
      sessions.remove(e.getKey());
    }
  }

  private void dropIdle(String sessionId, Session session) {
    if (session.txn == null && session.cursor == null && session.lastContext == null
        && session.explicitVxid == null) {
      sessions.remove(sessionId);
    }
  }

  // ------------------------------------------------------------------------------------- asking the primary

  /**
   * Transaction ids to look up on the primary: open transactions (a quiet session may have committed without a
   * record), prepared or otherwise undecided ones, and the subtransactions of commits that rolled back a savepoint.
   * Plain digits are full ({@code xid8}) ids; {@code x32:} marks a 32-bit id from the csvlog.
   */
  Set<String> statusQueries() {
    statusAsked = true;
    Set<String> xids = new TreeSet<>();
    for (Session session : sessions.values()) {
      if (session.txn != null && session.txn.xid != null) {
        xids.add(session.txn.xid);
      }
    }
    xids.addAll(prepared.keySet());
    for (Entry entry : outbox) {
      for (Item item : entry.pendingItems.values()) {
        xids.add(subxidQuery(item.subxid(), entry.topXid));
      }
    }
    return xids;
  }

  /** The question of {@link #statusQueries()} got no answer: nothing waits on it. */
  void statusUnanswered() {
    statusAsked = false;
  }

  /** True when a COMMIT/ROLLBACK PREPARED was seen since the last status round: worth asking now. */
  boolean statusWanted() {
    return preparedActivity || outbox.stream().anyMatch(e -> !e.waitFor.isEmpty() || !e.pendingItems.isEmpty());
  }

  /** The primary's answers for {@link #statusQueries()}; returns the outcomes that became final. */
  List<Outcome> applyStatuses(Map<String, XactStatus> statuses) {
    statusAsked = false;
    preparedActivity = false;
    for (Map.Entry<String, Session> e : new ArrayList<>(sessions.entrySet())) {
      Session session = e.getValue();
      if (session.txn == null || session.txn.xid == null) {
        continue;
      }
      XactStatus status = statuses.getOrDefault(session.txn.xid, XactStatus.UNKNOWN);
      if (status == XactStatus.COMMITTED) {
        flushCursor(session, true);
        insertBeforeWaiters(session.txn.xid, () -> commit(session));
      } else if (status == XactStatus.ABORTED) {
        flushCursor(session, false);
        rollback(session, "rolled back on the primary");
      }
    }
    for (Map.Entry<String, Txn> e : new ArrayList<>(prepared.entrySet())) {
      XactStatus status = statuses.getOrDefault(e.getKey(), XactStatus.UNKNOWN);
      if (status == XactStatus.COMMITTED || status == XactStatus.ABORTED) {
        prepared.remove(e.getKey());
        Session holder = new Session();
        holder.txn = e.getValue();
        if (status == XactStatus.COMMITTED) {
          insertBeforeWaiters(e.getKey(), () -> commit(holder));
        } else {
          rollback(holder, "rolled back on the primary");
        }
      }
    }
    for (Entry entry : outbox) {
      if (entry.round <= round) {
        entry.waitFor.clear(); // settled before the question: the answers cover what it waited for
      }
      for (Item item : new ArrayList<>(entry.pendingItems.values())) {
        XactStatus status = statuses.getOrDefault(subxidQuery(item.subxid(), entry.topXid), XactStatus.UNKNOWN);
        if (status == XactStatus.COMMITTED) {
          entry.outcomes.add(outcome(item, null));
          entry.pendingItems.remove(item.event().id());
        } else if (status == XactStatus.ABORTED) {
          entry.outcomes.add(outcome(item, "rolled back on the primary with its savepoint"));
          entry.pendingItems.remove(item.event().id());
        }
      }
      entry.outcomes.sort(java.util.Comparator.comparing((Outcome o) -> o.event().position().file())
          .thenComparingLong(o -> o.event().position().offset())
          .thenComparing(o -> o.event().id()));
    }
    round++;
    return drain();
  }

  /**
   * The status round an entry settled now belongs to. Entries settled after the primary was asked (while the producer
   * reads the log up to the moment of the question) wait for the next round: the answers predate their commit.
   */
  private long entryRound() {
    return statusAsked ? round + 1 : round;
  }

  /** Runs a settle that appends to the outbox and moves the new entry before the first entry waiting for it. */
  private void insertBeforeWaiters(String xid, Runnable settle) {
    int before = outbox.size();
    settle.run();
    if (outbox.size() == before + 1) {
      Entry settled = outbox.remove(before);
      int at = before;
      for (int i = 0; i < before; i++) {
        if (outbox.get(i).waitFor.contains(xid)) {
          at = i;
          break;
        }
      }
      outbox.add(at, settled);
    }
  }

  private static String subxidQuery(String subxid, String topXid) {
    return subxid.startsWith("x32:") ? subxid : "x32:" + subxid + (topXid == null ? "" : "@" + topXid);
  }

  private static boolean sameXid(String subxid, String topXid) {
    if (topXid == null) {
      return false;
    }
    String top = topXid.startsWith("x32:") ? topXid.substring(4) : Long.toString(Long.parseLong(topXid) & 0xFFFFFFFFL);
    return top.equals(subxid);
  }

  /** Emits, in order, what is final: entries whose waits are over. */
  private List<Outcome> drain() {
    List<Outcome> out = new ArrayList<>();
    while (!outbox.isEmpty()) {
      Entry head = outbox.get(0);
      boolean waiting = !head.pendingItems.isEmpty() || (!head.waitFor.isEmpty() && head.round >= round);
      if (waiting) {
        break;
      }
      out.addAll(head.outcomes);
      outbox.remove(0);
    }
    return out;
  }

  // ------------------------------------------------------------------------------- no-xid fallback (barrier)

  /** Open transactions whose id is unknown (no event trigger, no completion): the producer's barrier settles them. */
  Set<String> openTransactionsWithoutXid() {
    Set<String> vxids = new TreeSet<>();
    for (Session session : sessions.values()) {
      if (session.txn != null && session.txn.xid == null) {
        vxids.add(session.txn.vxid);
      } else if (session.txn == null && session.cursor != null) {
        vxids.add(session.cursor.vxid);
      }
    }
    return vxids;
  }

  /** The primary reported these transactions over and a log barrier proved no error of theirs is still unread. */
  List<Outcome> transactionsEnded(Collection<String> vxids) {
    Set<String> ended = Set.copyOf(vxids);
    for (Session session : new ArrayList<>(sessions.values())) {
      boolean cursorOnly = session.txn == null && session.cursor != null && ended.contains(session.cursor.vxid);
      if (cursorOnly || (session.txn != null && ended.contains(session.txn.vxid))) {
        flushCursor(session, true);
        if (session.txn != null) {
          endedWithoutEvidence(session);
        }
      }
    }
    return drain();
  }

  // ------------------------------------------------------------------------------------------------ state

  int pendingCount() {
    int count = 0;
    for (Session session : sessions.values()) {
      count += session.txn == null ? 0 : session.txn.items.size();
    }
    for (Txn txn : prepared.values()) {
      count += txn.items.size();
    }
    for (Entry entry : outbox) {
      count += entry.outcomes.size() + entry.pendingItems.size();
    }
    return count;
  }

  /** Events whose transaction is still open (or waits for the primary's verdict), in order. */
  List<DdlEvent> openEvents() {
    for (Session session : sessions.values()) {
      flushCursor(session, true); // the end of the input: statements whose outcome never showed
    }
    List<DdlEvent> events = new ArrayList<>();
    for (Session session : sessions.values()) {
      if (session.txn != null) {
        session.txn.items.forEach(i -> events.add(i.event()));
      }
    }
    prepared.values().forEach(t -> t.items.forEach(i -> events.add(i.event())));
    for (Entry entry : outbox) {
      entry.outcomes.forEach(o -> events.add(o.event()));
      entry.pendingItems.values().forEach(i -> events.add(i.event()));
    }
    return events;
  }

  /** Problems met since the last call (unreadable helper records, a failed event trigger, ...). */
  List<String> drainProblems() {
    List<String> out = new ArrayList<>(problems);
    problems.clear();
    return out;
  }

  TrackerState snapshot() {
    return TrackerState.of(sessions, prepared, outbox, round, sequence);
  }

  void restore(TrackerState state) {
    sessions.clear();
    prepared.clear();
    outbox.clear();
    problems.clear();
    if (state != null) {
      state.restoreInto(sessions, prepared, outbox);
      round = state.round();
      sequence = state.sequence();
    }
  }
}
