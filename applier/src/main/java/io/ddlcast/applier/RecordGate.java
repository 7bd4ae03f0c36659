package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.generation.GenerationHistory;
import io.ddlcast.common.trust.Verdict;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides, before a record is decoded, whether this applier may act on it at all: its signature must verify against
 * a trusted key ({@link ApplierTrust#events}), and the event must come from a source this applier serves. A refused
 * record becomes a {@link Work} that is not an event, in its record key's lane: that database's stream stops on it
 * as on any record that is not a valid event, naming where it is and why, until the operator skips it. Nothing of
 * a refused record is believed, not even its scope: a forged "cluster-wide" event does not stop the cluster lane.
 *
 * <p>One gate per reading of the topic: verdicts are kept for the last records seen (the consumer looks at a record
 * held behind a cluster-wide event more than once), by position, which names one record for as long as it lives.
 */
final class RecordGate {
  private static final int REMEMBERED = 4096;
  private final ApplierTrust trust;
  private final Map<Position, String> refusals = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Position, String> eldest) {
      return size() > REMEMBERED;
    }
  };

  private record Position(TopicPartition partition, long offset) {}

  /** The prefix of a generation refusal that passes the record rather than stop its lane. */
  static final String ZOMBIE = "zombie:";
  private final Generations generations;

  RecordGate(ApplierTrust trust) {
    this(trust, Generations.fixed(GenerationHistory.EMPTY));
  }

  RecordGate(ApplierTrust trust, Generations generations) {
    this.trust = trust;
    this.generations = generations;
  }

  /**
   * Null if the event's generation was current at its offset; else why not, prefixed with {@link #ZOMBIE} for an
   * older generation's event (passed and reported), or not (an unknown generation: the lane stops on it).
   */
  String generationRefusal(int partition, long offset, DdlEvent event) {
    Generations.Verdict verdict = generations.check(partition, offset, event.generation());
    if (verdict == Generations.Verdict.CURRENT) {
      return null;
    }
    String why = generations.why(partition, offset, event.generation());
    return verdict == Generations.Verdict.ZOMBIE ? ZOMBIE + why : why;
  }

  /** Why the record's signature is refused, or null when it verifies (or events are not verified here). */
  String signatureRefusal(ConsumerRecord<String, byte[]> record) {
    if (trust.events() == null) {
      return null;
    }
    Position at = new Position(new TopicPartition(record.topic(), record.partition()), record.offset());
    String known = refusals.get(at);
    if (known != null || refusals.containsKey(at)) {
      return known;
    }
    Verdict verdict = trust.events().verify(record.topic(), record.key(), record.value(), record.headers());
    String refusal = verdict.accepted() ? null : "refused: " + verdict.reason();
    refusals.put(at, refusal);
    return refusal;
  }

  /** Why the event's source is not served here, or null. */
  String sourceRefusal(DdlEvent event) {
    if (trust.sources().isEmpty() || trust.sources().contains(event.source())) {
      return null;
    }
    return "refused: its source " + event.source() + " is not one this applier serves (--sources "
        + String.join(",", new TreeSet<>(trust.sources())) + ")";
  }
}
