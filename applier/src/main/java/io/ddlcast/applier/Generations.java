package io.ddlcast.applier;

import io.ddlcast.common.generation.Generation;
import io.ddlcast.common.generation.GenerationHistory;
import io.ddlcast.common.generation.GenerationLog;
import io.ddlcast.common.kafka.KafkaAccess;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The applier's view of the source's generations, and the rule it applies by: an event is applied only if the
 * generation that published it was the current one at its offset. An older one there is a zombie (a producer of a
 * fenced primary): refused and reported, never applied, and its lane goes on. A generation the topic does not know
 * is refused like a forged record: its lane stops on it.
 *
 * <p>The view is read when the applier starts and again when a marker or an event names a generation it does not
 * know ({@link #refresh}); a marker and its generation are committed in one Kafka transaction, so the view is
 * current for every record read after a marker.
 */
final class Generations {
  /** What the rule says of one event. */
  enum Verdict {
    CURRENT,
    ZOMBIE,
    UNKNOWN
  }

  /** How the reason for refusing a zombie's event begins. */
  static final String ZOMBIE_REFUSAL = "refused: published by generation ";

  private final Supplier<GenerationHistory> reader;
  private volatile GenerationHistory history;
  private IntConsumer listener = n -> { };

  Generations(KafkaAccess kafka, String topic) {
    this(() -> GenerationLog.read(kafka, topic));
  }

  Generations(Supplier<GenerationHistory> reader) {
    this.reader = reader;
    this.history = GenerationHistory.EMPTY;
  }

  /** A view that never changes (tests, and readers with nothing to refresh from). */
  static Generations fixed(GenerationHistory history) {
    Generations g = new Generations(() -> history);
    g.history = history;
    return g;
  }

  GenerationHistory history() {
    return history;
  }

  GenerationHistory refresh() {
    history = reader.get();
    listener.accept(history.currentNumber());
    return history;
  }


  /** Tells {@code onRead} the current generation each time the view is read (the metric). */
  Generations onRead(IntConsumer onRead) {
    listener = onRead;
    return this;
  }

  Verdict check(int partition, long offset, int generation) {
    if (generation > history.currentNumber()) {
      refresh();
      if (generation > history.currentNumber()) {
        return Verdict.UNKNOWN;
      }
    }
    return history.currentAt(partition, offset) == generation ? Verdict.CURRENT : Verdict.ZOMBIE;
  }

  /** Why the event at this offset is not applied (for its refusal). */
  String why(int partition, long offset, int generation) {
    int current = history.currentAt(partition, offset);
    if (generation > history.currentNumber()) {
      return "refused: it says generation " + generation + ", which the generations topic does not know (the "
          + "newest is " + history.currentNumber() + ")";
    }
    Optional<Generation> g = history.get(current);
    return ZOMBIE_REFUSAL + generation + " (" + history.sourceOf(generation).orElse("?")
        + "), but generation " + current + " is current at this offset"
        + g.map(x -> " (since offset " + x.startOf(partition) + ", " + x.describe() + ")").orElse("")
        + ": a zombie producer of a fenced primary";
  }
}
