package io.ddlcast.producer.settle;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.sql.Secrets;
import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.capture.EventFactory;
import io.ddlcast.producer.capture.EventFactory.Site;
import io.ddlcast.producer.capture.HelperRecord;
import io.ddlcast.producer.capture.PermanentPart;
import io.ddlcast.producer.capture.ReplicationPolicy;
import io.ddlcast.producer.capture.StatementParts;
import io.ddlcast.producer.capture.StatementParts.Kind;
import io.ddlcast.producer.capture.StatementParts.Part;
import io.ddlcast.producer.csvlog.LogRecord;
import java.util.List;
import java.util.function.Consumer;

/**
 * Matches the commands that ran to the parts of the statement string a session executes ({@link StatementCursor}).
 * The event trigger reports each DDL command of a database as it ends; the parts between two reports ran too, in
 * order and without an error: DDL among them that no trigger reports (on cluster-wide objects) is captured as it is
 * passed over, and transaction control among them (COMMIT, ROLLBACK, PREPARE TRANSACTION, BEGIN) settles or opens
 * the session's transaction right there. When the statement finishes, the rest ran; when it fails, the DDL parts not
 * reached never ran.
 */
final class StatementMatcher {
  private final EventFactory events;
  private final Settler settler;
  private final CommitQueue queue;
  private final Consumer<String> problems;

  StatementMatcher(EventFactory events, Settler settler, CommitQueue queue, Consumer<String> problems) {
    this.events = events;
    this.settler = settler;
    this.queue = queue;
    this.problems = problems;
  }

  /**
   * A statement record: the string the session executes now, if any part of it is DDL. An {@code ambiguous} one
   * (see {@code RecordKind.Classified}) is one statement or none: the extended protocol runs exactly one per
   * execute, so a text of several is not what ran; one statement waits for the helper's report to confirm it.
   */
  void statement(Session session, LogRecord record, String sql, boolean ambiguous) {
    List<Part> parts = StatementParts.of(sql);
    if (parts.stream().noneMatch(Part::isDdl)) {
      return; // DDL it may run (DO, functions) is reported by the event trigger
    }
    if (sql.length() > DdlEvent.MAX_STATEMENT_CHARS) {
      tooLarge(session, StatementCursor.of(sql, parts, record, events.secrets()));
      return;
    }
    if (ambiguous && parts.size() > 1) {
      problems.accept("the execute record at " + record.position() + " of session " + record.sessionId() + " (user "
          + record.user() + ") holds " + parts.size() + " statements where the server runs one: its statement "
          + "name hid where the SQL starts; nothing is taken from it");
      return;
    }
    StatementCursor cursor = StatementCursor.of(sql, parts, record, events.secrets());
    cursor.confirmed = !ambiguous;
    // the session's setting when the text was sent is not in the log (SET is not logged): only the helper's report
    // of a command of this very statement tells it
    cursor.unsafe = cursor.dependsOnStandardConformingStrings();
    session.cursor = cursor;
  }

  /** A top-level command the trigger reported: the part of the string it is, with what was passed over on the way. */
  CapturedDdl topLevel(Session session, LogRecord record, HelperRecord helper) {
    StatementCursor cursor = session.cursor;
    if (record.query().length() > DdlEvent.MAX_STATEMENT_CHARS) {
      problems.accept("the " + helper.tag() + " reported at " + record.position() + " is part of a statement string of "
          + record.query().length() + " characters, more than ddlcast holds; not published");
      return null;
    }
    if (cursor == null || !cursor.isText(record.query())) {
      // the statement itself was not logged (e.g. log_statement below ddl), or not as it ran
      cursor = StatementCursor.of(record.query(), StatementParts.of(record.query()), record, events.secrets());
      session.cursor = cursor;
    }
    cursor.confirmed = true; // the helper's record carries the statement's text as the server ran it
    // and the setting it was read with: only "on" reads it as the applier will
    cursor.unsafe = !"on".equals(helper.standardConformingStrings()) && cursor.dependsOnStandardConformingStrings();
    int match = cursor.nextOfKind(Kind.DDL);
    if (match < 0) {
      match = cursor.nextOfKind(Kind.OTHER); // SELECT ... INTO is DDL that reads like a query
    }
    if (match < 0) {
      problems.accept("no statement text for the " + helper.tag() + " reported at " + record.position()
          + "; not published");
      return null;
    }
    passOver(session, cursor, match, record.vxid());
    if (session.movedOnFrom(record.vxid())) {
      settler.endedWithoutEvidence(session);
    }
    Part part = cursor.parts().get(match);
    cursor.next = match + 1;
    cursor.reportedPart = match;
    cursor.reportedContext = helper.context();
    CapturedDdl item = capture(session, cursor.siteOf(part), helper.context(), part, cursor.textOf(part), helper,
        false);
    return cursor.unsafe ? unsafe(item) : item;
  }

  /** A command the trigger reported from inside PL/pgSQL, or an SQL-language function (only its tag is known). */
  CapturedDdl inner(Session session, LogRecord record, HelperRecord helper, String text, boolean sqlFunction) {
    Site site = new Site(DdlEvent.idOf(record.position()), record.position(), record.logTime());
    return capture(session, site, helper.context(), StatementParts.single(text), text, helper, sqlFunction);
  }

  /** The statement finished: what it ran and no trigger reported is captured; its transaction control applies. */
  void finished(Session session) {
    StatementCursor cursor = session.cursor;
    if (cursor != null) {
      passOver(session, cursor, cursor.parts().size(), session.txn != null ? session.txn.vxid : cursor.vxid);
      session.cursor = null;
    }
  }

  /**
   * A statement string longer than an event can carry: not held (the checkpoint would carry it), its DDL parts
   * dropped at once, each reported with its position. The session's transaction goes on without them.
   */
  private void tooLarge(Session session, StatementCursor cursor) {
    SettledTransaction entry = queue.open();
    for (Part part : cursor.remainingDdl()) {
      CapturedDdl item = capture(session, cursor.siteOf(part), session.lastContext, part, cursor.text, null, false);
      entry.outcomes.add(item.outcome(DropKind.TOO_LARGE, item.exclusion() != null ? item.exclusion().reason()
          : "part of a statement string of " + cursor.text.length() + " characters, more than ddlcast holds ("
              + DdlEvent.MAX_STATEMENT_CHARS + "): apply it to the standbys by hand"));
    }
    queue.add(entry);
  }

  /** The statement failed with {@code error} (null: it did not take effect): the DDL parts not reached never ran. */
  void failed(Session session, LogRecord error) {
    StatementCursor cursor = session.cursor;
    if (cursor == null) {
      return;
    }
    SettledTransaction entry = queue.open();
    String reason = error == null ? "failed on the primary"
        : "failed on the primary: " + error.severity() + " " + error.sqlState() + " " + error.message();
    for (Part part : cursor.remainingDdl()) {
      CapturedDdl item = capture(session, cursor.siteOf(part), session.lastContext, part, cursor.textOf(part), null,
          false);
      entry.outcomes.add(new Outcome.Drop(item.event(), DropKind.FAILED, reason));
    }
    if (!entry.outcomes.isEmpty()) {
      queue.add(entry);
    }
    session.cursor = null;
  }

  /**
   * Moves the cursor to {@code until}: the parts passed over ran, in order, and without an error. DDL parts no event
   * trigger reports (global ones) are captured; a COMMIT, ROLLBACK or PREPARE TRANSACTION inside the string settles
   * the transaction there and then, and a BEGIN makes the next one explicit; unless the string's transaction
   * control reads otherwise with standard_conforming_strings off
   * ({@link StatementCursor#transactionControlIsReliable}).
   */
  private void passOver(Session session, StatementCursor cursor, int until, String vxid) {
    List<Part> parts = cursor.parts();
    boolean controlReliable = cursor.transactionControlIsReliable();
    if (!controlReliable && session.txn != null) {
      // read as the server may have (standard_conforming_strings off), the string holds other transaction control,
      // perhaps a ROLLBACK TO: none of it is taken; the transaction ends as the log's later records or the primary
      // show, and its DDL under savepoints waits for the primary's word on each
      session.txn.savepointRollback = true;
    }
    for (int k = cursor.next; k < until; k++) {
      Part part = parts.get(k);
      if (part.kind() == Kind.TRANSACTION) {
        if (controlReliable) {
          transactionControl(session, cursor, part, vxid);
        }
      } else if (part.isDdl() && !cursor.confirmed) {
        problems.accept("not published: the " + part.command().tag() + " of the execute record at " + cursor.position
            + " (its statement name may hide where the SQL starts, and no helper report confirmed its text)");
      } else if (part.isDdl()) {
        CapturedDdl item = unreported(session, cursor, k);
        settler.add(session, session.txn != null ? session.txn.vxid : vxid, cursor.unsafe ? unsafe(item) : item);
      }
    }
    cursor.next = Math.max(cursor.next, until);
  }

  /**
   * A DDL part no helper record reported (on roles, databases, tablespaces; REASSIGN OWNED). The role it ran as is
   * known only when the part right before it in the same string was reported: nothing ran in between. Otherwise an
   * unlogged {@code SET ROLE}, {@code RESET ROLE} or {@code SET SESSION AUTHORIZATION} may have changed it since the
   * session's last report, and it carries no context: it runs as the session's login, which the session could always
   * become again, and is refused if it names the role it ran as.
   */
  private CapturedDdl unreported(Session session, StatementCursor cursor, int k) {
    Part part = cursor.parts().get(k);
    boolean known = cursor.reportedPart >= 0 && k == cursor.reportedPart + 1;
    CapturedDdl item = capture(session, cursor.siteOf(part), known ? cursor.reportedContext : null, part,
        cursor.textOf(part), null, false);
    boolean onRoles = part.command().global() || part.command().tag().equals("REASSIGN OWNED");
    ReplicationPolicy.Exclusion unknownRole = item.exclusion() == null && onRoles
        ? ReplicationPolicy.unknownRole(part, known) : null;
    return unknownRole == null ? item : new CapturedDdl(item.event(), item.subxid(), unknownRole);
  }

  private void transactionControl(Session session, StatementCursor cursor, Part part, String vxid) {
    String tag = part.command().tag();
    cursor.lastTransactionControl = tag;
    if (tag.startsWith("BEGIN") || tag.startsWith("START")) {
      session.explicitVxid = vxid;
    } else if (session.txn == null) {
      return;
    } else if (tag.equals("COMMIT") || tag.startsWith("END")) {
      settler.commit(session);
    } else if (part.isRollbackToSavepoint()) {
      session.txn.savepointRollback = true;
    } else if (tag.equals("ROLLBACK") || tag.equals("ABORT")) {
      settler.rollback(session, DropKind.ROLLED_BACK, "rolled back on the primary");
    } else if (tag.equals("PREPARE TRANSACTION")) {
      settler.prepare(session);
    }
  }

  /** The command, refused: its text depends on a standard_conforming_strings not known to be on (see the cursor). */
  private static CapturedDdl unsafe(CapturedDdl item) {
    if (item.exclusion() != null) {
      return item;
    }
    DdlEvent masked = item.event().withStatement(Secrets.mask(item.event().statement()), item.event().context());
    return new CapturedDdl(masked, item.subxid(), new ReplicationPolicy.Exclusion(DropKind.UNSAFE,
        "a backslash in one of its strings reads differently when standard_conforming_strings is off, and the "
            + "session's setting was not reported on: the statement may not mean on a standby what it meant here"));
  }

  /** The captured command: its event, subtransaction, and whether it is never replicated. */
  private CapturedDdl capture(Session session, Site site, ExecutionContext context, Part part, String text,
      HelperRecord helper, boolean sqlFunction) {
    String shipped = PermanentPart.of(part, text, helper, session.dropped);
    DdlEvent event = events.event(site, session.runner(context), part, shipped, helper, session.dropped);
    ReplicationPolicy.Exclusion exclusion = ReplicationPolicy.exclusion(part, shipped, event.schemas(), helper,
        session.dropped, sqlFunction);
    if (exclusion == null) {
      exclusion = events.secrets().exclusion(event, part); // a secret literal ships sealed or not at all
    }
    return new CapturedDdl(exclusion == null ? events.secrets().captured(event) : event,
        helper == null ? null : helper.subxid(), exclusion);
  }
}
