package io.ddlcast.applier;

import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.generation.Generation;
import io.ddlcast.common.generation.GenerationHistory;
import io.ddlcast.common.generation.GenerationLog;
import io.ddlcast.common.generation.Promotion;
import io.ddlcast.common.generation.Switchover;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaCluster;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.status.StatusJson;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * The moves of {@code ddlcast failover} and {@code ddlcast switchover}, in the order they must happen:
 * <ol>
 *   <li>(switchover) ask the current producer to drain: it writes a barrier into its primary's log, publishes
 *       everything committed before it, answers ({@link Switchover.Drained}) and stops;
 *   <li>fence the old producer's transactional id: its open transaction is aborted, it commits nothing more;
 *   <li>start the next generation ({@link GenerationLog#proposeNext}: markers on every partition and the generation,
 *       in one transaction; refused if another promotion won meanwhile);
 *   <li>wait for the promoted standby's applier to apply everything before the markers and say so
 *       ({@link Promotion}): from then on the standby is the source, and its producer may start.
 * </ol>
 * {@link #advance} tells how far each standby has applied, for failover's choice of the most advanced.
 */
final class Promotions {
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration PROGRESS = Duration.ofSeconds(5);

  private Promotions() {}

  /** What a promotion ended with. */
  record Result(Generation generation, Promotion promotion, Switchover.Drained drained) {}

  /**
   * Committed offsets of every standby's consumer group on the events topic, summed: its position in the topic (0
   * for a group that committed nothing yet).
   */
  static Map<String, Long> advance(KafkaAccess kafka, String topic) {
    Map<String, Long> out = new TreeMap<>();
    try (Admin admin = KafkaCluster.admin(kafka, "ddlcast-promote")) {
      for (ConsumerGroupListing g : admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS)) {
        if (!g.groupId().startsWith(Topics.APPLIER_GROUP_PREFIX)) {
          continue;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(g.groupId())
            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        long sum = 0; // a standby that committed nothing yet is at 0: it applied nothing
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
          if (e.getKey().topic().equals(topic) && e.getValue() != null) {
            sum += e.getValue().offset();
          }
        }
        out.put(g.groupId().substring(Topics.APPLIER_GROUP_PREFIX.length()), sum);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("listing the standbys' consumer groups failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted", e);
    }
    return out;
  }

  /** Every standby's position ({@link #advance}), refusing a {@code to} that is no standby of the topic. */
  static Map<String, Long> advanceWith(KafkaAccess kafka, String topic, String to) {
    Map<String, Long> advance = advance(kafka, topic);
    if (!advance.containsKey(to)) {
      throw new DdlcastException(ExitCode.NOT_MET, "standby " + to + " is not a standby of topic " + topic
          + " (known standbys: " + advance.keySet() + ")");
    }
    return advance;
  }

  /** The current generation, refusing a topic that has none or whose current source is {@code to} already. */
  static Generation current(GenerationHistory history, String topic, String to) {
    history.problems().forEach(p -> System.err.println("warning: " + p));
    Generation current = history.current().orElseThrow(() -> new DdlcastException(ExitCode.NOT_MET,
        "topic " + topic + " has no generation yet: its producer has not run with this version of ddlcast"));
    if (to.equals(current.standby())) {
      throw new DdlcastException(ExitCode.NOT_MET, "standby " + to + " is the promoted standby of "
          + current.describe() + " already");
    }
    if (current.generation() > 1 && history.promotion(current.generation()).isEmpty()) {
      throw new DdlcastException(ExitCode.NOT_MET, current.describe() + " is not done yet: standby "
          + current.standby() + " has not applied everything before it; wait for it (ddlcast status) first");
    }
    return current;
  }

  /** Asks the current producer to drain, and waits for its answer. */
  static Switchover.Drained drain(KafkaAccess kafka, String topic, Generation current, String to, String by,
      Duration timeout) {
    Switchover.Request request = new Switchover.Request(current.generation(), to, UUID.randomUUID().toString(),
        Instant.now(), by);
    GenerationLog.write(kafka, topic, request.key(), StatusJson.encode(request));
    System.err.println("asked the producer of generation " + current.generation() + " to drain (publish everything "
        + "its primary committed, then stop)");
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastProgress = System.nanoTime();
    while (true) {
      Optional<Switchover.Drained> drained = GenerationLog.read(kafka, topic).drained(current.generation())
          .filter(d -> d.nonce().equals(request.nonce()));
      if (drained.isPresent()) {
        System.err.println("the producer drained generation " + current.generation() + ": "
            + drained.get().published() + " events published in all, ending at offsets " + drained.get().end());
        return drained.get();
      }
      if (System.nanoTime() > deadline) {
        throw new DdlcastException(ExitCode.NOT_MET, "the producer of generation " + current.generation()
            + " did not drain within " + timeout.toSeconds() + " s: is it running, and are DDL transactions still "
            + "open on the primary (its log says)? Nothing was changed: the request stands until it drains; run "
            + "switchover again, or failover if the primary is lost");
      }
      lastProgress = progress(lastProgress, "waiting for the producer of generation " + current.generation()
          + " to drain");
      sleep();
    }
  }

  /** Fences the old producer, starts the next generation for {@code to}, and waits until it is promoted. */
  static Result promote(KafkaAccess kafka, String topic, GenerationHistory history, Generation current, String to,
      Generation.Reason reason, String by, Duration timeout, Switchover.Drained drained) {
    String oldSource = history.sourceOf(current.generation()).orElse(null);
    if (oldSource != null) {
      GenerationLog.fence(kafka, Topics.producerTransactionalId(topic, oldSource));
      System.err.println("fenced the producer of source " + oldSource + " (its open transaction, if any, aborted)");
    }
    Generation next = GenerationLog.proposeNext(kafka, topic, current.generation(), to, reason, by, oldSource);
    System.err.println("started " + next.describe() + " at offsets " + next.start());
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastProgress = System.nanoTime();
    while (true) {
      Optional<Promotion> promotion = GenerationLog.read(kafka, topic).promotion(next.generation());
      if (promotion.isPresent()) {
        return new Result(next, promotion.get(), drained);
      }
      if (System.nanoTime() > deadline) {
        throw new DdlcastException(ExitCode.NOT_MET, next.describe() + " is written, but standby " + to
            + " has not applied everything before it within " + timeout.toSeconds() + " s (is its applier running? "
            + "is a database stopped on an error there? see ddlcast status). It will when it can, and say so; do not "
            + "start the producer on its host before 'ddlcast status' shows it promoted");
      }
      lastProgress = progress(lastProgress, "waiting for standby " + to + " to apply everything before "
          + next.describe() + " (its position " + advance(kafka, topic).getOrDefault(to, 0L) + " of "
          + next.start().values().stream().mapToLong(Long::longValue).sum() + ")");
      sleep();
    }
  }

  static Map<String, Object> json(Result result) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("generation", result.generation());
    out.put("promotion", result.promotion());
    if (result.drained() != null) {
      out.put("drained", result.drained());
    }
    return out;
  }

  static String nextSteps(Result result, String to) {
    return "standby " + to + " is the DDL source now: " + result.generation().describe() + ", source "
        + result.promotion().source() + ", starting at offsets " + result.generation().start() + ".\n"
        + "Next: start the producer on " + to + "'s host (ddlcast producer run, the primary's options, pointed at "
        + "its data directory or log and URL); point the clients at it; make the old primary a standby with "
        + "ddlcast rejoin.";
  }

  private static long progress(long last, String line) {
    long now = System.nanoTime();
    if (now - last >= PROGRESS.toNanos()) {
      System.err.println(line);
      return now;
    }
    return last;
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DdlcastException(ExitCode.FAILED, "interrupted", e);
    }
  }
}
