package io.ddlcast.producer.settle;

import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.capture.HelperRecord;
import io.ddlcast.producer.capture.ReplicationPolicy;
import io.ddlcast.producer.capture.Xid;
import io.ddlcast.producer.csvlog.LogRecord;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What each kind of record means for its session: where the statement string stands ({@link StatementMatcher}) and
 * what became of the transaction ({@link Settler}). Errors, completions and disconnections mean something only for
 * a session the tracker knows.
 */
final class SessionEvents {
  private final StatementMatcher matcher;
  private final Settler settler;
  private final Consumer<String> problems;

  SessionEvents(StatementMatcher matcher, Settler settler, Consumer<String> problems) {
    this.matcher = matcher;
    this.settler = settler;
    this.problems = problems;
  }

  /** A new statement string: the previous one finished; a later transaction means the earlier one ended. */
  void statement(Session session, LogRecord record, String sql, boolean ambiguous) {
    matcher.finished(session);
    if (session.movedOnFrom(record.vxid())) {
      settler.endedWithoutEvidence(session);
    }
    if (record.commandTag().startsWith("idle in transaction")) {
      session.explicitVxid = record.vxid();
    }
    matcher.statement(session, record, sql, ambiguous);
  }

  /** ddlcast's event trigger reported a command (or objects it drops next, or its own failure). */
  void helper(Session session, LogRecord record, HelperRecord helper) {
    switch (helper.kind()) {
      case ERROR -> problems.accept("ddlcast's event trigger failed in session " + record.sessionId() + " at "
          + record.position() + ": " + helper.error() + "; the DDL there ships without its context");
      case DDL_COMMAND_START -> session.notOnStandbys = helper.notOnStandbys();
      case SQL_DROP -> session.dropped = refusedBefore(session,
          HelperRecord.marked(helper.objects(), session.notOnStandbys));
      case DDL_COMMAND_END -> command(session, record, helper);
      default -> throw new IllegalStateException(helper.kind().name());
    }
  }

  private void command(Session session, LogRecord record, HelperRecord helper) {
    if (helper.isExtensionMember()) {
      return; // part of its CREATE/ALTER EXTENSION, which is what replicates
    }
    if (helper.origin() == HelperRecord.Origin.INTERNAL) {
      session.dropped = List.of(); // the server's own work inside REFRESH MATERIALIZED VIEW CONCURRENTLY
      session.notOnStandbys = HelperRecord.NotOnStandbys.NONE;
      return;
    }
    // a statement no trigger reports (CREATE ROLE, ...) later runs under this role and search_path, but not under
    // these settings: the session may have changed them since, which the log does not show
    session.lastContext = helper.context().withoutSettings();
    CapturedDdl item = switch (helper.origin()) {
      case INNER_STATEMENT -> matcher.inner(session, record, helper, helper.innerStatement(), false);
      case SQL_FUNCTION -> matcher.inner(session, record, helper, helper.tag(), true);
      case TOP_LEVEL -> matcher.topLevel(session, record, helper);
      case INTERNAL -> throw new IllegalStateException("internal commands are not captured");
    };
    session.dropped = List.of();
    session.notOnStandbys = HelperRecord.NotOnStandbys.NONE;
    if (item != null) {
      item = rememberRefused(session, helper, item);
      settler.add(session, record.vxid(), item);
    }
    if (helper.xid() != null && session.txn != null && session.txn.is(record.vxid())) {
      session.txn.xid = helper.xid();
    }
  }

  /**
   * A refused statement's objects are on no standby: remembered, so that their DROP ships nothing; a later change of
   * one is refused as well, and a command that makes one again (not refused) forgets it.
   */
  private static CapturedDdl rememberRefused(Session session, HelperRecord helper, CapturedDdl item) {
    List<String> identities = helper.objects().stream().map(HelperRecord.HelperObject::identity)
        .filter(Objects::nonNull).toList();
    if (item.exclusion() != null && item.exclusion().kind() == DropKind.REFUSED) {
      session.refusedObjects.addAll(identities);
      return item;
    }
    List<String> refused = identities.stream().filter(session.refusedObjects::contains).toList();
    if (refused.isEmpty()) {
      return item;
    }
    if (item.exclusion() == null && !item.event().command().startsWith("CREATE")) {
      return new CapturedDdl(item.event(), item.subxid(), new ReplicationPolicy.Exclusion(DropKind.REFUSED,
          "it changes " + String.join(", ", refused) + ", whose CREATE was refused earlier in this session (no "
              + "standby has it): apply it to the standbys by hand with that CREATE"));
    }
    refused.forEach(session.refusedObjects::remove);
    return item;
  }

  /** Dropped objects a refused statement of the session made are on no standby; their DROP consumes them. */
  private static List<HelperRecord.HelperObject> refusedBefore(Session session,
      List<HelperRecord.HelperObject> dropped) {
    if (session.refusedObjects.isEmpty()) {
      return dropped;
    }
    return dropped.stream().map(o -> o.identity() != null && session.refusedObjects.remove(o.identity())
        ? o.notOnStandbys("made by a statement that was refused") : o).toList();
  }

  /** An ERROR fails the statement it belongs to; FATAL and PANIC end the session and its transaction. */
  void error(Session session, LogRecord record) {
    boolean fatal = !"ERROR".equals(record.severity());
    String vxid = record.vxid();
    boolean current = !vxid.isEmpty() && (session.txn != null ? session.txn.is(vxid)
        : session.cursor != null && session.cursor.vxid.equals(vxid)) || ofConcurrentStatement(session, record);
    boolean statementFailed = current && !(fatal && record.commandTag().startsWith("idle"));
    if (statementFailed) {
      matcher.failed(session, record);
    } else {
      matcher.finished(session);
    }
    if (session.movedOnFrom(vxid) && (fatal || !vxid.isEmpty())) {
      settler.endedWithoutEvidence(session);
    }
    if (current && session.txn != null) {
      session.txn.aborted = true;
    }
    if (fatal && session.txn != null) {
      settler.rollback(session, DropKind.ROLLED_BACK, "the session was terminated (" + record.sqlState() + " "
          + record.message() + ") with its transaction open: rolled back on the primary");
    }
  }

  /**
   * An error of the statement the session executes although its virtual transaction id is another: a statement
   * that cannot run in a transaction block ({@code CREATE INDEX CONCURRENTLY}) runs in several transactions, and a
   * failure in a later one (a duplicate key of a UNIQUE build, which leaves an INVALID index on the primary) carries
   * that one's id. The error's query is the statement's text, and the session runs nothing else before the next
   * statement record.
   */
  private static boolean ofConcurrentStatement(Session session, LogRecord record) {
    StatementCursor cursor = session.cursor;
    return session.txn == null && cursor != null && "ERROR".equals(record.severity()) && cursor.isText(record.query())
        && cursor.parts().stream().anyMatch(p -> p.command().nonTransactional());
  }

  /** A completion record ({@code log_duration}): the command tag says what completed. */
  void completion(Session session, LogRecord record) {
    String tag = record.commandTag();
    matcher.finished(session);
    OpenTransaction txn = session.txn;
    boolean sameTransaction = txn != null && txn.is(record.vxid());
    if (sameTransaction && txn.xid == null) {
      txn.xid = Xid.fromLogColumn(record.xid());
    }
    if (tag.equals("BEGIN") || tag.equals("START TRANSACTION")) {
      session.explicitVxid = record.vxid();
      return;
    }
    if (txn == null) {
      return;
    }
    switch (tag) {
      case "COMMIT", "END" -> {
        if (!sameTransaction) {
          settler.commit(session);
        }
      }
      case "ROLLBACK", "ABORT" -> {
        if (sameTransaction) {
          txn.savepointRollback = true; // ROLLBACK TO SAVEPOINT: the transaction goes on
          txn.aborted = false;
        } else {
          settler.rollback(session, DropKind.ROLLED_BACK, "rolled back on the primary");
        }
      }
      case "PREPARE TRANSACTION" -> settler.prepare(session);
      default -> {
        if (!sameTransaction) {
          settler.endedWithoutEvidence(session);
        }
      }
    }
  }

  /** The session ended: inside a transaction ({@code idle in transaction}) that rolled it back. */
  void disconnection(Session session, LogRecord record) {
    matcher.finished(session);
    if (session.txn == null) {
      return;
    }
    if (record.commandTag().startsWith("idle in transaction")) {
      settler.rollback(session, DropKind.ROLLED_BACK,
          "the session ended with its transaction open: rolled back on the primary");
    } else {
      settler.endedWithoutEvidence(session);
    }
  }

  /** Any other record of the session: a new virtual transaction id means the statement and transaction ended. */
  void other(Session session, LogRecord record) {
    String vxid = record.vxid();
    if (vxid.isEmpty()) {
      return;
    }
    if (session.cursor != null && !vxid.equals(session.cursor.vxid)) {
      matcher.finished(session);
    }
    if (session.movedOnFrom(vxid)) {
      settler.endedWithoutEvidence(session);
    }
  }

  /** The server restarted (a crash, or a restart): every session ended; open transactions are the primary's call. */
  void serverRestarted(Session session) {
    matcher.finished(session);
    settler.serverRestarted(session);
  }
}
