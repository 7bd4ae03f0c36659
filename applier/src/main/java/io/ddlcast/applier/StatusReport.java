package io.ddlcast.applier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.generation.Generation;
import io.ddlcast.common.generation.GenerationHistory;
import io.ddlcast.common.generation.GenerationLog;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.TopicReader;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.status.Signatures;
import io.ddlcast.common.status.StandbyView;
import io.ddlcast.common.status.StatusJson;
import io.ddlcast.common.status.Waits;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The replication status as Kafka holds it, like {@code pg_stat_replication}: one row per standby (state, last
 * event finished, lag in events and seconds, the databases stopped on an error) and one per producer (last
 * published event, position in the primary's csvlog). Needs no running applier or producer.
 *
 * <p>State of a standby: {@code down} when its applier has not been heard of for {@link #DOWN_AFTER} (or never),
 * {@code stopped at --until POINT} when its applier stopped there as {@code --until} asked (also once it is down),
 * {@code stopped} when a database's stream stopped on an error, {@code catching up} when events wait, else
 * {@code streaming}. Under a standby's row, what waits on what there ({@link Waits}): a cluster-wide event and the
 * lanes it waits for or holds, a stopped database that cluster-wide events ran ahead of.
 */
final class StatusReport {
  static final Duration DOWN_AFTER = ApplierService.HEARTBEAT_INTERVAL.multipliedBy(5);

  /** One standby's row. */
  record Standby(String name, String state, long lagEvents, boolean lagAtLeast, Duration lagTime, StandbyView view) {}

  /** One producer's row, from its last checkpoint. */
  record Producer(String source, JsonNode checkpoint, Instant written) {}

  final List<Standby> standbys = new ArrayList<>();
  /** The source's generations, and each standby's position in the topic (its committed offsets, summed). */
  GenerationHistory generations = GenerationHistory.EMPTY;
  final Map<String, Long> positions = new TreeMap<>();
  final List<Producer> producers = new ArrayList<>();
  final Instant taken = Instant.now();

  static StatusReport read(KafkaAccess kafka, String topic) throws Exception {
    StatusReport report = new StatusReport();
    try (TopicProgress progress = new TopicProgress(kafka, topic)) {
      Map<String, StandbyView> views = new TreeMap<>();
      TopicReader.latestByKey(kafka, Topics.standbysTopic(topic)).forEach((key, record) -> {
        try {
          views.put(key, StatusJson.decode(record.value(), StandbyView.class));
        } catch (IllegalArgumentException ignored) {
          // an unreadable view: the standby still shows, from its offsets
        }
      });
      TreeSet<String> names = new TreeSet<>(views.keySet());
      progress.admin().listConsumerGroups().all().get(15, TimeUnit.SECONDS).forEach(g -> {
        if (g.groupId().startsWith(Topics.APPLIER_GROUP_PREFIX)) {
          names.add(g.groupId().substring(Topics.APPLIER_GROUP_PREFIX.length()));
        }
      });
      Map<TopicPartition, Long> ends = progress.ends();
      report.generations = GenerationLog.read(kafka, topic);
      Optional<Generation> current = report.generations.current();
      for (String name : names) {
        Map<TopicPartition, OffsetAndMetadata> committed = progress.committed(name);
        report.positions.put(name, committed.values().stream().filter(Objects::nonNull)
            .mapToLong(OffsetAndMetadata::offset).sum());
        TopicProgress.Lag lag = progress.lag(committed, ends);
        StandbyView view = views.get(name);
        String state;
        if (current.isPresent() && name.equals(current.get().standby())) {
          state = report.generations.promotion(current.get().generation()).isPresent() ? "source" : "promoting";
        } else if (view != null && view.until() != null && view.until().reached()) {
          state = view.until().describe(); // its applier stopped there on purpose
        } else if (view == null || view.lastSeen() == null
            || Duration.between(view.lastSeen(), report.taken).compareTo(DOWN_AFTER) > 0) {
          state = "down";
        } else if (!view.stopped().isEmpty()) {
          state = "stopped";
        } else if (!view.waits().retrying().isEmpty()) {
          state = "retrying";
        } else if (lag.events() > 0) {
          state = "catching up";
        } else {
          state = "streaming";
        }
        report.standbys.add(new Standby(name, state, lag.events(), lag.atLeast(), lag.age(report.taken), view));
      }
      TopicReader.latestByKey(kafka, Topics.checkpointTopic(topic)).forEach((source, record) -> {
        try {
          report.producers.add(new Producer(source, EventCodec.mapper().readTree(record.value()),
              Instant.ofEpochMilli(record.timestamp())));
        } catch (IOException | RuntimeException ignored) {
          // not a checkpoint this build reads
        }
      });
    }
    return report;
  }

  /** The standby that has applied the most of the topic (failover's choice), among those not the source. */
  Optional<String> mostAdvanced() {
    return standbys.stream().filter(s -> !s.state().equals("source"))
        .max(Comparator.comparingLong(s -> positions.getOrDefault(s.name(), 0L))).map(Standby::name);
  }

  ObjectNode json() {
    ObjectNode root = EventCodec.mapper().createObjectNode();
    root.put("time", taken.toString());
    ArrayNode history = root.putArray("generations");
    for (Generation g : generations.all()) {
      ObjectNode row = StatusJson.mapper().valueToTree(g);
      history.add(row);
      generations.sourceOf(g.generation()).ifPresent(src -> row.put("source", src));
      row.put("promoted", g.generation() == 1 || generations.promotion(g.generation()).isPresent());
    }
    root.put("generation", generations.currentNumber());
    generations.sourceOf(generations.currentNumber()).ifPresent(src -> root.put("source", src));
    mostAdvanced().ifPresent(m -> root.put("mostAdvanced", m));
    ArrayNode producerRows = root.putArray("producers");
    for (Producer p : producers) {
      ObjectNode row = producerRows.addObject();
      row.put("source", p.source());
      row.put("state", producerState(p));
      row.put("checkpointTime", p.written().toString());
      row.put("logFile", p.checkpoint().path("file").asText(null));
      row.put("logOffset", p.checkpoint().path("offset").asLong());
      row.put("published", p.checkpoint().path("published").asLong());
      copy(p.checkpoint(), row, "lastEventId");
      copy(p.checkpoint(), row, "lastEventLogTime");
      copy(p.checkpoint(), row, "behindBytes");
      copy(p.checkpoint(), row, "filtered");
      row.put("refused", p.checkpoint().path("refused").asLong(0));
      row.put("unsigned", p.checkpoint().path("unsigned").asBoolean(false));
    }
    ArrayNode standbyRows = root.putArray("standbys");
    for (Standby s : standbys) {
      ObjectNode row = standbyRows.addObject();
      row.put("standby", s.name());
      row.put("state", s.state());
      row.put("lagEvents", s.lagEvents());
      if (s.lagAtLeast()) {
        row.put("lagEventsAtLeast", true);
      }
      row.put("lagSeconds", s.lagTime().toMillis() / 1000.0);
      row.put("position", positions.getOrDefault(s.name(), 0L));
      StandbyView v = s.view();
      if (v != null) {
        row.put("lastSeen", v.lastSeen() == null ? null : v.lastSeen().toString());
        row.put("lastEventId", v.lastEventId());
        row.put("lastEventDatabase", v.lastDatabase());
        row.put("lastEventLogTime", v.lastEventLogTime() == null ? null : v.lastEventLogTime().toString());
        row.put("applied", v.applied());
        row.put("alreadyApplied", v.alreadyApplied());
        row.put("skipped", v.skipped());
        row.put("filtered", v.filtered());
        row.put("failed", v.failed());
        if (v.signatures() != null) {
          row.put("signatures", v.signatures().name());
        }
        if (v.progress() != null && !s.state().equals("down")) {
          row.set("progress", StatusJson.mapper().valueToTree(v.progress()));
        }
        if (v.until() != null) {
          row.set("until", StatusJson.mapper().valueToTree(v.until()));
        }
      }
      ArrayNode errors = row.putArray("stopped");
      if (v != null) {
        v.stopped().values().forEach(stop -> errors.add(StatusJson.mapper().valueToTree(stop)));
      }
      row.set("waits", StatusJson.mapper().valueToTree(v == null ? Waits.NONE : v.waits()));
      ArrayNode drift = row.putArray("drift");
      if (v != null) {
        v.drift().values().forEach(d -> drift.add(StatusJson.mapper().valueToTree(d)));
      }
    }
    return root;
  }

  /**
   * What waits on what, one line each, under the standby's row:
   *
   * <pre>
   * barrier 6742f0a1.2b4c:40 (DROP ROLE, partition 0 offset 41) waits for stopped alpha, applying beta; holds 3
   *     events of gamma
   * alpha stopped at 6742f0a1.2b4c:17 behind 1 cluster-wide event that ran ahead of it: 6742f0a1.2b4c:20
   * beta retrying 6742f0a1.2b4c:44 since 2026-12-01T22:00:00Z (3 attempt(s), SQLSTATE 55P03: canceling statement
   *     due to lock timeout)
   * </pre>
   */
  static List<String> waitLines(Waits waits) {
    List<String> lines = new ArrayList<>();
    for (Waits.Barrier b : waits.barriers()) {
      List<String> on = new ArrayList<>();
      if (!b.waitsForStopped().isEmpty()) {
        on.add("stopped " + String.join(", ", b.waitsForStopped()));
      }
      if (!b.waitsForApplying().isEmpty()) {
        on.add("applying " + String.join(", ", b.waitsForApplying()));
      }
      String what = switch (b.state()) {
        case WAITING -> "waits for " + String.join("; ", on);
        case RUNNING -> "runs";
        case STOPPED -> "failed: (cluster) is stopped";
      };
      lines.add("barrier " + b.eventId() + " (" + b.command() + ", partition " + b.partition() + " offset "
          + b.offset() + ") " + what + (b.heldEvents() == 0 ? ""
          : "; holds " + b.heldEvents() + " event(s) of " + String.join(", ", b.heldDatabases())));
    }
    for (Waits.StoppedBehind s : waits.stoppedBehind()) {
      lines.add(s.database() + " stopped at " + s.stoppedAt() + " behind " + s.ranAhead().size()
          + " cluster-wide event(s) that ran ahead of it: " + String.join(", ", s.ranAhead()));
    }
    for (Waits.Retrying r : waits.retrying()) {
      lines.add(r.database() + " retrying " + r.eventId() + " since " + r.since() + " (" + r.attempts()
          + " attempt(s), SQLSTATE " + r.sqlState() + ": " + r.error() + ")");
    }
    return lines;
  }

  /** A producer writes a checkpoint at least every 10 s while it runs (see the producer's Checkpoint). */
  static final Duration PRODUCER_DOWN_AFTER = Duration.ofSeconds(30);

  private String producerState(Producer p) {
    if (!generations.generationsOf(p.source()).isEmpty()
        && !generations.sourceOf(generations.currentNumber()).map(p.source()::equals).orElse(false)) {
      return "fenced";
    }
    return Duration.between(p.written(), taken).compareTo(PRODUCER_DOWN_AFTER) > 0 ? "down" : "running";
  }

  private static void copy(JsonNode from, ObjectNode to, String field) {
    if (from.has(field)) {
      to.set(field, from.get(field));
    }
  }

  String table() {
    StringBuilder out = new StringBuilder();
    for (Generation g : generations.all()) {
      boolean current = g.generation() == generations.currentNumber();
      out.append(current ? "GENERATION " : "generation ").append(g.generation()).append(": source ")
          .append(generations.sourceOf(g.generation()).orElse("(not promoted yet)"))
          .append(g.standby() == null ? "" : ", standby " + g.standby())
          .append(", ").append(g.reason().name().toLowerCase(Locale.ROOT)).append(" at ").append(g.at())
          .append(g.generation() == 1 ? "" : ", from offsets " + g.start()).append(System.lineSeparator());
    }
    mostAdvanced().ifPresent(m -> out.append("most advanced standby: ").append(m).append(" (")
        .append(positions.getOrDefault(m, 0L)).append(" records of the topic applied)").append(System.lineSeparator()));
    if (!generations.all().isEmpty()) {
      out.append(System.lineSeparator());
    }
    out.append(String.format("%-16s %-12s %10s %9s  %-22s %-24s %s%n", "STANDBY", "STATE", "LAG EVENTS", "LAG (s)",
        "LAST EVENT", "LAST EVENT LOG TIME", "ERROR"));
    for (Standby s : standbys) {
      StandbyView v = s.view();
      String error = "";
      if (v != null && !v.stopped().isEmpty()) {
        List<String> parts = new ArrayList<>();
        v.stopped().values().forEach(stop -> parts.add(stop.database() + " at " + stop.eventId() + ": "
            + (stop.message() == null ? "" : stop.message())));
        error = String.join("; ", parts);
      }
      out.append(String.format("%-16s %-12s %10s %9.1f  %-22s %-24s %s%n", s.name(), s.state(),
          (s.lagAtLeast() ? ">=" : "") + s.lagEvents(), s.lagTime().toMillis() / 1000.0,
          v == null || v.lastEventId() == null ? "-" : v.lastEventId(),
          v == null || v.lastEventLogTime() == null ? "-" : v.lastEventLogTime().toString(), error));
      if (v != null) {
        if (v.signatures() == Signatures.UNSIGNED) {
          out.append("  UNSIGNED: applies events without checking their signature (no --trusted-keys)")
              .append(System.lineSeparator());
        }
        if (v.progress() != null && !s.state().equals("down")) {
          out.append("  progress: ").append(CatchUp.describe(v.progress())).append(System.lineSeparator());
        }
        if (v.until() != null && !v.until().reached()) {
          out.append("  ").append(v.until().describe()).append(System.lineSeparator());
        }
        waitLines(v.waits()).forEach(line -> out.append("  ").append(line).append(System.lineSeparator()));
        v.drift().values().forEach(d -> out.append("  DRIFT in database ").append(d.database()).append(" at ")
            .append(d.at()).append(": ").append(d.message()).append(System.lineSeparator()));
      }
    }
    out.append(String.format("%n%-22s %-8s %10s %8s  %-24s %-40s %s%n", "PRODUCER (SOURCE)", "STATE", "PUBLISHED",
        "REFUSED", "CHECKPOINT TIME", "CSVLOG POSITION", "LAST EVENT"));
    for (Producer p : producers) {
      JsonNode c = p.checkpoint();
      out.append(String.format("%-22s %-8s %10d %8d  %-24s %-40s %s%n", p.source(), producerState(p),
          c.path("published").asLong(), c.path("refused").asLong(0),
          p.written(), c.path("file").asText("-") + "@" + c.path("offset").asLong()
              + (c.has("behindBytes") ? " (" + c.get("behindBytes").asLong() + " bytes behind)" : ""),
          c.path("lastEventId").asText("-")
              + (c.has("lastEventLogTime") ? " (" + c.get("lastEventLogTime").asText() + ")" : "")));
      if (c.path("unsigned").asBoolean(false)) {
        out.append("  UNSIGNED: publishes events without a signature (no --signing-key)")
            .append(System.lineSeparator());
      }
    }
    return out.toString();
  }
}
