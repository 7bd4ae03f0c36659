package io.ddlcast.producer.settle;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.producer.capture.EventFactory;
import io.ddlcast.producer.capture.HelperTrust;
import io.ddlcast.producer.capture.RecordKind;
import io.ddlcast.producer.capture.RecordKind.Classified;
import io.ddlcast.producer.capture.SecretLiterals;
import io.ddlcast.producer.capture.Xid;
import io.ddlcast.producer.csvlog.LogRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides, per session and transaction, which DDL took effect on the primary, what exactly it was, and in which
 * order the transactions committed; emits each DDL command as its own {@link Outcome}. It does no I/O.
 *
 * <p>It reads, per session, statement records (written before the statement runs; a string may hold several
 * statements), the records of ddlcast's event trigger (one per DDL command: role, search_path, transaction ids,
 * objects, and the inner statement of DDL run inside PL/pgSQL), completions ({@code duration:}), errors and
 * disconnections. How each record kind moves a session is {@link SessionEvents}; matching commands to the parts of a
 * string is {@link StatementMatcher}; the transaction state machine is {@link Settler}; commit order is
 * {@link CommitQueue}; what is never replicated is {@code ReplicationPolicy}.
 *
 * <p>What the log cannot settle alone, the primary does, in rounds: {@link #ask}, read the log up to the moment of
 * the question, then {@link #answer} (or {@link #unanswered}); see {@link PrimaryQuestions}. DDL whose transaction
 * id is unknown is settled by a barrier instead: {@link #openWithoutXid}, then {@link #transactionsEnded}.
 */
public final class SessionTracker {
  private final Map<String, Session> sessions = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();
  /** Databases whose problem was reported, for the problems said once per database. */
  private final Set<String> reportedDatabases = new HashSet<>();
  private final CommitQueue queue = new CommitQueue();
  private final Settler settler;
  private final StatementMatcher matcher;
  private final SessionEvents events;
  private final PrimaryQuestions questions;
  private final HelperTrust trust;
  private final SecretLiterals secrets;

  /**
   * {@code primaryAvailable}: whether the producer can ask the primary (else what only it can tell is dropped);
   * {@code trust}: which databases' helper records are believed.
   */
  public SessionTracker(EventFactory factory, boolean primaryAvailable, HelperTrust trust) {
    this.trust = trust;
    this.secrets = factory.secrets();
    settler = new Settler(sessions, queue, primaryAvailable);
    matcher = new StatementMatcher(factory, settler, queue, problems::add);
    events = new SessionEvents(matcher, settler, problems::add);
    questions = new PrimaryQuestions(sessions, matcher, settler, queue);
  }

  /** Feeds one record; returns the outcomes that became final, in commit order. */
  public List<Outcome> accept(LogRecord record) {
    Classified classified = RecordKind.classify(record, trust);
    if (classified.problem() != null && (!classified.perDatabase() || reportedDatabases.add(record.database()))) {
      problems.add(classified.problem());
    }
    switch (classified.kind()) {
      case SERVER_READY -> serverRestarted();
      case NO_SESSION, UNREADABLE_HELPER -> { }
      case HELPER -> events.helper(session(record), record, classified.helper());
      case STATEMENT -> events.statement(session(record), record, classified.statement(), classified.ambiguous());
      default -> ofKnownSession(classified);
    }
    return queue.drain();
  }

  private void ofKnownSession(Classified classified) {
    LogRecord record = classified.record();
    if (classified.kind() == RecordKind.COMPLETION) {
      // in any session, known or not: a prepared transaction outlives the session that prepared it
      settler.preparedDecided(record.commandTag());
    }
    Session session = sessions.get(record.sessionId());
    if (session == null) {
      return; // errors and completions of sessions with no DDL under way decide nothing
    }
    switch (classified.kind()) {
      case ERROR -> events.error(session, record);
      case COMPLETION -> events.completion(session, record);
      case DISCONNECTION -> {
        events.disconnection(session, record);
        sessions.remove(session.id);
      }
      default -> events.other(session, record); // OTHER, FORGED: only the transaction id shows
    }
    if (session.isIdle()) {
      sessions.remove(session.id);
    }
  }

  private Session session(LogRecord record) {
    Session session = sessions.computeIfAbsent(record.sessionId(), Session::new);
    session.seen(record);
    return session;
  }

  private void serverRestarted() {
    sessions.values().forEach(events::serverRestarted);
    sessions.clear();
  }

  /** Opens a round: the transaction ids to look up. Until the answer, what settles belongs to the next round. */
  public Question ask() {
    return questions.ask();
  }

  /** The primary's answers to {@code question}; returns the outcomes that became final. */
  public List<Outcome> answer(Question question, Map<Xid, XactStatus> answers) {
    questions.answer(question, answers);
    return queue.drain();
  }

  /** The open question got no answer: nothing waits on it. */
  public void unanswered() {
    questions.unanswered();
  }

  /** True when a round is worth asking now (a prepared transaction was decided, a commit waits for one). */
  public boolean wantsAnswers() {
    return questions.wanted();
  }

  /** Open transactions whose id is unknown (no event trigger, no completion): a barrier settles them. */
  public Set<String> openWithoutXid() {
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
  public List<Outcome> transactionsEnded(Collection<String> vxids) {
    Set<String> ended = Set.copyOf(vxids);
    for (Session session : new ArrayList<>(sessions.values())) {
      boolean cursorOnly = session.txn == null && session.cursor != null && ended.contains(session.cursor.vxid);
      if (cursorOnly || (session.txn != null && ended.contains(session.txn.vxid))) {
        matcher.finished(session);
        if (session.txn != null) {
          settler.endedWithoutEvidence(session);
        }
      }
    }
    return queue.drain();
  }

  /** DDL commands not decided or not emitted yet. */
  public int pendingCount() {
    int count = queue.size();
    for (Session session : sessions.values()) {
      count += session.txn == null ? 0 : session.txn.items.size();
    }
    for (OpenTransaction txn : settler.awaitingTransactions()) {
      count += txn.items.size();
    }
    return count;
  }

  /** At the end of the input: events whose transaction is still open (or awaits the primary), in order. */
  public List<DdlEvent> openEvents() {
    sessions.values().forEach(matcher::finished); // statements whose outcome never showed
    List<DdlEvent> open = new ArrayList<>();
    for (Session session : sessions.values()) {
      if (session.txn != null) {
        session.txn.items.forEach(i -> open.add(i.event()));
      }
    }
    settler.awaitingTransactions().forEach(t -> t.items.forEach(i -> open.add(i.event())));
    open.addAll(queue.events());
    return open;
  }

  /** Problems met since the last call (unreadable helper records, a failed event trigger, ...). */
  public List<String> drainProblems() {
    List<String> out = new ArrayList<>(problems);
    problems.clear();
    return out;
  }

  public TrackerState snapshot() {
    return TrackerState.of(queue.round(), settler.sequence(), sessions.values(), settler.toJson(), queue.toJson());
  }

  /** Resumes from a checkpoint's state (null: from nothing). */
  public void restore(TrackerState state) {
    sessions.clear();
    problems.clear();
    if (state == null) {
      settler.clear();
      queue.clear();
      return;
    }
    settler.restore(state.prepared(), state.sequence());
    queue.restore(state.outbox(), state.round());
    state.sessions().forEach(n -> {
      Session session = Session.fromJson(n);
      if (session.cursor != null) {
        session.cursor.open(secrets);
      }
      sessions.put(session.id, session);
    });
  }
}
