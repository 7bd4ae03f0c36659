package io.ddlcast.producer.settle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.producer.capture.Xid;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Settled transactions in commit order, each emitted once nothing before it waits. Order is the order their ends
 * appear in the log, with one correction: a transaction whose end the log shows only late (the primary reported it
 * committed, or only its disconnection or the session moving on shows it ended) goes before the commits that
 * waited for it ({@link #settleBefore}).
 *
 * <p>The status rounds with the primary: a transaction settled after the primary was asked (while the producer reads
 * the log up to the moment of the question) belongs to the next round, since the answers predate its commit.
 */
final class CommitQueue {
  private final List<SettledTransaction> entries = new ArrayList<>();
  private long round;
  /** Between a question to the primary and its answer (or the news that there is none). */
  private boolean asked;

  /** A new entry, in the round a transaction settled now belongs to. */
  SettledTransaction open() {
    return new SettledTransaction(asked ? round + 1 : round);
  }

  void add(SettledTransaction entry) {
    entries.add(entry);
  }

  /** Runs a settle that appends one entry, and moves that entry before the first entry waiting for {@code xid}. */
  void settleBefore(Xid xid, Runnable settle) {
    int before = entries.size();
    settle.run();
    if (entries.size() == before + 1) {
      SettledTransaction settled = entries.remove(before);
      int at = before;
      for (int i = 0; i < before; i++) {
        if (entries.get(i).waitFor.contains(xid)) {
          at = i;
          break;
        }
      }
      entries.add(at, settled);
    }
  }

  /** Emits, in order, what is final: entries whose waits are over. */
  List<Outcome> drain() {
    List<Outcome> out = new ArrayList<>();
    while (!entries.isEmpty() && !entries.get(0).waiting(round)) {
      out.addAll(entries.remove(0).outcomes);
    }
    return out;
  }

  void asked() {
    asked = true;
  }

  /**
   * The question is closed: its answers arrive, or it got none. What settles from now on belongs to the round not
   * answered yet.
   */
  void questionClosed() {
    asked = false;
  }

  /** The answers reach every entry; the next round begins. */
  void answered(Map<Xid, XactStatus> answers) {
    entries.forEach(e -> e.answered(answers, round));
    round++;
  }

  /** Subtransactions whose outcome decides which commands under savepoints ship. */
  void addQuestions(Set<Xid> questions) {
    for (SettledTransaction entry : entries) {
      entry.pendingItems.values().forEach(item -> questions.add(entry.question(item)));
    }
  }

  /** True when an entry waits for the primary's answers. */
  boolean waitsForAnswers() {
    return entries.stream().anyMatch(e -> !e.waitFor.isEmpty() || !e.pendingItems.isEmpty());
  }

  int size() {
    return entries.stream().mapToInt(SettledTransaction::size).sum();
  }

  List<DdlEvent> events() {
    List<DdlEvent> events = new ArrayList<>();
    entries.forEach(e -> events.addAll(e.events()));
    return events;
  }

  long round() {
    return round;
  }

  ArrayNode toJson() {
    ArrayNode array = StateJson.object().arrayNode();
    entries.forEach(e -> array.add(e.toJson()));
    return array;
  }

  /** Forgets every entry (a start with no checkpoint); rounds keep counting. */
  void clear() {
    entries.clear();
    asked = false;
  }

  void restore(JsonNode array, long restoredRound) {
    clear();
    round = restoredRound;
    array.forEach(e -> entries.add(SettledTransaction.fromJson(e)));
  }
}
