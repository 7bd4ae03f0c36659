package io.ddlcast.common.generation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One generation of the topic's source: which primary publishes the DDL events from which offsets on. The source
 * of a topic is a sequence of generations, as a streaming-replication cluster is a sequence of timelines; every
 * event names the generation that published it, and an applier applies an event only if its generation was the
 * current one at the event's offset ({@link GenerationHistory#currentAt}). Kept on the compacted
 * {@code <topic>.generations}, key {@code generation/N}, written only by {@link GenerationLog#propose}.
 *
 * <pre>{@code
 * {"generation":2,"parent":1,"standby":"standby2","start":{"0":118,"1":97,"2":130},
 *  "at":"2026-12-02T02:10:00Z","reason":"FAILOVER","by":"alice@dbhost","endedSource":"7312345678901234567"}
 * }</pre>
 *
 * <p>{@code start} holds, per partition of the events topic, the first offset of the generation: the offset after
 * its marker record ({@link GenerationMarker}), written in the same Kafka transaction; generation 1 starts at 0 on
 * every partition and has no markers. {@code source} is the source name of generation 1's producer; for a later
 * generation the promoted standby tells it ({@link Promotion}) once it has applied everything before {@code start}.
 * {@code standby} is the standby promoted ({@code --standby-name}); {@code endedSource} the source it replaced.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Generation(int generation, Integer parent, String source, String standby, Map<Integer, Long> start,
    Instant at, Reason reason, String by, String endedSource) {

  /** Why the generation began. */
  public enum Reason {
    /** The topic's first primary. */
    FIRST,
    /** The primary was lost; a standby was promoted ({@code ddlcast failover}). */
    FAILOVER,
    /** Planned: the old producer drained its DDL, then a standby was promoted ({@code ddlcast switchover}). */
    SWITCHOVER
  }

  public Generation {
    if (generation < 1) {
      throw new IllegalArgumentException("generation " + generation + " is not a generation (they start at 1)");
    }
    Objects.requireNonNull(reason, "reason");
    start = start == null ? Map.of() : Map.copyOf(new TreeMap<>(start));
    if (generation > 1 && (parent == null || parent != generation - 1 || standby == null)) {
      throw new IllegalArgumentException("generation " + generation + " must name parent " + (generation - 1)
          + " and the standby it promoted");
    }
  }

  /** The first offset of this generation on {@code partition} (0 where it names none: generation 1). */
  public long startOf(int partition) {
    Long at = start.get(partition);
    return at == null ? 0 : at;
  }

  public String key() {
    return keyOf(generation);
  }

  public static String keyOf(int generation) {
    return "generation/" + generation;
  }

  /** For messages: "generation 2 (standby standby2, failover at 2026-...)". */
  public String describe() {
    return "generation " + generation + (standby == null ? "" : " (standby " + standby + ", "
        + reason.name().toLowerCase(Locale.ROOT) + " at " + at + ")");
  }
}
