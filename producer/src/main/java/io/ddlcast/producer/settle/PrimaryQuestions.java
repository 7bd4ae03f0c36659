package io.ddlcast.producer.settle;

import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.capture.Xid;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rounds of questions to the primary ({@code pg_xact_status}) about what the log cannot settle alone: open
 * transactions (a quiet session may have committed without a record: auto-commit over the extended protocol),
 * transactions awaiting a verdict (prepared, or whose end the log did not show), and the subtransactions of commits
 * with DDL under savepoints.
 *
 * <p>A round is {@link #ask}, then {@link #answer} with what the primary said (or {@link #unanswered} when it could
 * not be asked). Between the two the producer reads the log written up to the question, so that a commit found
 * there keeps its place in commit order; what settles meanwhile belongs to the next round ({@link CommitQueue}).
 */
final class PrimaryQuestions {
  private static final Comparator<Xid> ORDER = Comparator.comparing(Xid::toString);

  private final Map<String, Session> sessions;
  private final StatementMatcher matcher;
  private final Settler settler;
  private final CommitQueue queue;
  private Question open;

  PrimaryQuestions(Map<String, Session> sessions, StatementMatcher matcher, Settler settler, CommitQueue queue) {
    this.sessions = sessions;
    this.matcher = matcher;
    this.settler = settler;
    this.queue = queue;
  }

  Question ask() {
    Set<Xid> xids = new TreeSet<>(ORDER);
    for (Session session : sessions.values()) {
      if (session.txn != null && session.txn.xid != null) {
        xids.add(session.txn.xid);
      }
    }
    xids.addAll(settler.awaitingIds());
    queue.addQuestions(xids);
    open = new Question(Set.copyOf(xids));
    queue.asked();
    return open;
  }

  /** The question could not be asked or got no answer: nothing waits on it. */
  void unanswered() {
    open = null;
    queue.questionClosed();
  }

  /** True when something waits for the primary's word now, not only at the next interval. */
  boolean wanted() {
    return settler.hasPreparedDecided() || queue.waitsForAnswers();
  }

  /** The primary's answers to the open question (ids it did not answer count as unknown). */
  void answer(Question question, Map<Xid, XactStatus> answers) {
    if (question != open) {
      throw new IllegalStateException("answers to a question that is not open");
    }
    open = null;
    queue.questionClosed();
    for (Session session : new ArrayList<>(sessions.values())) {
      if (session.txn == null || session.txn.xid == null) {
        continue;
      }
      XactStatus status = answers.getOrDefault(session.txn.xid, XactStatus.UNKNOWN);
      if (status == XactStatus.COMMITTED && session.txn.explicit && !session.txn.reportedCommitted) {
        session.txn.reportedCommitted = true; // its COMMIT record is on its way (log_duration): it orders it
      } else if (status == XactStatus.COMMITTED) {
        matcher.finished(session);
        if (session.txn != null) {
          settler.commitBeforeWaiters(session);
        }
      } else if (status == XactStatus.ABORTED) {
        matcher.failed(session, null);
        settler.rollback(session, DropKind.ROLLED_BACK, "rolled back on the primary");
      }
    }
    settler.decideAwaiting(answers);
    queue.answered(answers);
  }
}
