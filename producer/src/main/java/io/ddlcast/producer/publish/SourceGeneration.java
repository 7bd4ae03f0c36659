package io.ddlcast.producer.publish;

import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.generation.Generation;
import io.ddlcast.common.generation.GenerationHistory;
import io.ddlcast.common.generation.GenerationLog;
import io.ddlcast.common.generation.Promotion;
import io.ddlcast.common.kafka.KafkaAccess;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides at start whether this producer may publish at all: only the source of the topic's current generation
 * does. The topic's first producer writes generation 1 with itself as source; a later generation's source is the
 * standby its failover or switchover promoted, once that standby has applied everything before the generation's
 * start ({@link Promotion}). Any other producer refuses to publish and exits 3 naming the current generation and
 * source: the old primary come back after a failover (fenced), or an unrelated primary pointed at the topic.
 *
 * <p>The source of a later generation publishes what its primary logged from the moment its applier stopped
 * applying ({@link Decision#notBefore}): everything before that in its log is the events it applied as a standby.
 */
public final class SourceGeneration {
  /** The generation this producer publishes in, and for a later one the first log time that belongs to it. */
  public record Decision(int generation, Instant notBefore) {}

  private SourceGeneration() {}

  public static Decision decide(KafkaAccess kafka, String topic, String source, String by) {
    GenerationHistory history = GenerationLog.read(kafka, topic);
    if (history.isEmpty()) {
      history = GenerationLog.proposeFirst(kafka, topic, source, by);
    }
    return decide(history, source, topic);
  }

  /** The decision, or a {@link DdlcastException} with {@link ExitCode#FAILED} saying why not. */
  public static Decision decide(GenerationHistory history, String source, String topic) {
    Generation current = history.current().orElseThrow(() -> new DdlcastException(ExitCode.FAILED,
        "the generations of topic " + topic + " are unreadable: " + String.join("; ", history.problems())));
    int n = current.generation();
    Optional<String> currentSource = history.sourceOf(n);
    if (currentSource.filter(source::equals).isPresent()) {
      Instant notBefore = n == 1 ? null : history.promotion(n).map(Promotion::stoppedAt).orElse(null);
      return new Decision(n, notBefore);
    }
    List<Integer> mine = history.generationsOf(source);
    String now = currentSource.isPresent()
        ? "generation " + n + " is current, with source " + currentSource.get() + " (standby " + current.standby()
            + ", " + current.reason().name().toLowerCase(Locale.ROOT) + " at " + current.at() + ")"
        : "generation " + n + " is being made current: standby " + current.standby() + " ("
            + current.reason().name().toLowerCase(Locale.ROOT) + " at " + current.at()
            + ") has not yet applied everything before it";
    if (!mine.isEmpty()) {
      throw new DdlcastException(ExitCode.FAILED, "FENCED: source " + source + " published generation(s) "
          + mine.stream().map(String::valueOf).collect(Collectors.joining(", ")) + " of topic " + topic
          + ", but " + now + "; this producer publishes nothing. Its primary is no longer the DDL source: make it a "
          + "standby with 'ddlcast rejoin' (which lists what it committed that was never published)");
    }
    if (currentSource.isEmpty()) {
      throw new DdlcastException(ExitCode.FAILED, "source " + source + " is not (yet) the source of topic " + topic
          + ": " + now + "; start this producer once 'ddlcast failover' or 'switchover' reports the standby "
          + "promoted (its source name is the standby's system identifier unless --source names it)");
    }
    throw new DdlcastException(ExitCode.FAILED, "source " + source + " is not the source of topic " + topic + ": "
        + now + "; a second, unrelated primary cannot publish to the same topic (give it its own --topic)");
  }
}
