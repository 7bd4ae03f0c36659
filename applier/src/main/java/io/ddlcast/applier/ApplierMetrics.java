package io.ddlcast.applier;

import io.ddlcast.common.error.ErrorKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;

/**
 * One standby's applier meters (all tagged {@code standby=NAME}), defined in one place so that the lanes and the
 * consumer only say what happened. Each hook is a counter add or a map update; the lag is computed when scraped.
 *
 * <pre>
 * ddlcast_applier_events_applied_total            statements run on the standby
 * ddlcast_applier_events_already_applied_total    events not run again: applied before a restart (marker or offset
 *                                                 metadata)
 * ddlcast_applier_events_skipped_total            events skipped on purpose (CREATE TABLESPACE without a mapping)
 * ddlcast_applier_events_failed_total             events that stopped their database's lane (permanent error)
 * ddlcast_applier_errors_total{kind,target}       kind retriable|permanent; target standby|kafka|event
 * ddlcast_applier_lock_waits_total                statements canceled by --lock-timeout (55P03), each retried
 * ddlcast_applier_apply_latency_seconds           time of the successful attempt of a statement on the standby
 *                                                 (histogram buckets for percentiles; retries show in the lag)
 * ddlcast_applier_lag_events                      events received from Kafka and not yet applied (queued, being
 *                                                 retried, held behind a cluster-wide event, or stopped on an error)
 *                                                 plus the consumer's lag to the end of the topic
 * ddlcast_applier_lag_seconds                     now minus the primary log time of the oldest event received and
 *                                                 not yet applied; 0 when caught up
 * </pre>
 *
 * <p>An event that stopped its lane stays counted in both lags until a restarted applier applies it: the standby
 * is behind by it. Events of a stopped lane that come after it are not counted (they are read again on restart).
 */
final class ApplierMetrics {
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  private record Key(TopicPartition partition, long offset) {}

  private final Clock clock;
  private final Counter applied;
  private final Counter alreadyApplied;
  private final Counter skipped;
  private final Counter failed;
  private final Counter filtered;
  private final Counter lockWaits;
  private final Timer latency;
  private final DistributionSummary batchEvents;
  private final Counter batchRollbacks;
  private volatile int generation;
  private final Counter zombies;
  private final Map<String, AtomicInteger> drift = new ConcurrentHashMap<>();
  private final MeterRegistry registry;
  private final String standby;
  private final Map<ErrorKind, Map<String, Counter>> errors = new EnumMap<>(ErrorKind.class);
  /** Events handed to a lane and not applied yet, with their primary log time (epoch ms; MAX_VALUE: unknown). */
  private final ConcurrentHashMap<Key, Long> pending = new ConcurrentHashMap<>();
  private volatile long held;
  private volatile long topicLag;

  ApplierMetrics(MeterRegistry registry, String standby) {
    this(registry, standby, Clock.systemUTC());
  }

  ApplierMetrics(MeterRegistry registry, String standby, Clock clock) {
    this.clock = clock;
    this.registry = registry;
    this.standby = standby;
    applied = counter(registry, "ddlcast_applier_events_applied", standby, "statements run on the standby");
    alreadyApplied = counter(registry, "ddlcast_applier_events_already_applied", standby,
        "events not run again because they were applied before a restart");
    skipped = counter(registry, "ddlcast_applier_events_skipped", standby,
        "events skipped on purpose (applier skip, --on-error=skip, CREATE TABLESPACE without --tablespace-map)");
    filtered = counter(registry, "ddlcast_applier_events_filtered", standby,
        "events this standby's filters left out");
    failed = counter(registry, "ddlcast_applier_events_failed", standby,
        "events that stopped their database's lane on a permanent error");
    lockWaits = counter(registry, "ddlcast_applier_lock_waits", standby,
        "statements canceled by --lock-timeout (SQLSTATE 55P03: a lock another session holds on the standby), "
            + "each retried");
    latency = Timer.builder("ddlcast_applier_apply_latency").tag("standby", standby)
        .description("time of the successful attempt of a statement on the standby")
        .publishPercentileHistogram().register(registry);
    batchEvents = DistributionSummary.builder("ddlcast_applier_batch_events").tag("standby", standby)
        .description("events per standby transaction of a batch that committed (lone events are not counted)")
        .register(registry);
    batchRollbacks = counter(registry, "ddlcast_applier_batch_rollbacks", standby,
        "batches that did not commit, whose events then ran one by one");
    for (ErrorKind kind : ErrorKind.values()) {
      Map<String, Counter> byTarget = new HashMap<>();
      for (String target : List.of("standby", "kafka", "event")) {
        byTarget.put(target, Counter.builder("ddlcast_applier_errors").tag("standby", standby)
            .tag("kind", kind.name().toLowerCase(Locale.ROOT)).tag("target", target)
            .description("errors met, by kind and by what failed").register(registry));
      }
      errors.put(kind, byTarget);
    }
    Gauge.builder("ddlcast_applier_lag_events", this, ApplierMetrics::lagEvents).tag("standby", standby)
        .description("events received and not yet applied, plus the consumer's lag to the end of the topic")
        .register(registry);
    Gauge.builder("ddlcast_applier_lag_seconds", this, ApplierMetrics::lagSeconds).tag("standby", standby)
        .description("now minus the primary log time of the oldest event not yet applied; 0 when caught up")
        .register(registry);
    Gauge.builder("ddlcast_applier_generation", this, m -> m.generation).tag("standby", standby)
        .description("the current generation of the topic's source, as this applier last read it").register(registry);
    zombies = counter(registry, "ddlcast_applier_events_refused_zombie", standby,
        "events of an older generation after its switch point (a fenced primary's producer): refused, never applied");
  }


  /** The applier read the generations: {@code n} is current. */
  void generation(int n) {
    generation = n;
  }

  /**
   * The drift alarm compared a database: {@code differences} objects differ from the primary's fingerprint
   * (0: none). The gauge {@code ddlcast_applier_drift} per database holds the last count.
   */
  void drift(String database, int differences) {
    drift.computeIfAbsent(database, db -> {
      AtomicInteger value = new AtomicInteger();
      Gauge.builder("ddlcast_applier_drift", value, AtomicInteger::get).tag("standby", standby).tag("database", db)
          .description("objects of the database that differed from the primary's schema fingerprint at the last "
              + "one the applier reached (0: none; the drift alarm)").register(registry);
      return value;
    }).set(differences);
  }

  /** An event of a generation not current at its offset was refused. */
  void zombie() {
    zombies.increment();
  }

  private static Counter counter(MeterRegistry registry, String name, String standby, String description) {
    return Counter.builder(name).tag("standby", standby).description(description).register(registry);
  }

  /** An event handed to its lane: pending until applied. */
  void received(Work work) {
    long logTime = work.event() == null || work.event().logTime() == null
        ? Long.MAX_VALUE : work.event().logTime().toEpochMilli();
    pending.put(new Key(work.partition(), work.offset()), logTime);
  }

  /** The lane is done with an event: applied, found applied already, or skipped on purpose. */
  void settled(Work work, StatementExecutor.Result result, long nanos) {
    pending.remove(new Key(work.partition(), work.offset()));
    if (result.alreadyApplied()) {
      alreadyApplied.increment();
    } else if (result.applied()) {
      applied.increment();
      latency.record(nanos, TimeUnit.NANOSECONDS);
    } else {
      skipped.increment();
    }
  }

  /** A batch of this many events committed (its events are also {@link #settled}). */
  void batchCommitted(int events) {
    batchEvents.record(events);
  }

  /** A batch rolled back: its events run again one by one. */
  void batchRolledBack() {
    batchRollbacks.increment();
  }

  /** An event this standby's filters left out: done without running. */
  void filtered(Work work) {
    pending.remove(new Key(work.partition(), work.offset()));
    filtered.increment();
  }

  /** An event that the consumer found applied in an earlier run (offset metadata): never handed to a lane. */
  void alreadyApplied() {
    alreadyApplied.increment();
  }

  /** The event stopped its lane (it stays pending: the standby lacks it until a restart applies it). */
  void failed(Work work) {
    failed.increment();
    error(ErrorKind.PERMANENT, work.event() == null ? "event" : "standby");
  }

  /** A queued event given up because its lane stopped: read again after a restart. */
  void abandoned(Work work) {
    pending.remove(new Key(work.partition(), work.offset()));
  }

  /** The partition went to another consumer: its events are no longer this applier's. */
  void revoked(TopicPartition partition) {
    pending.keySet().removeIf(k -> k.partition().equals(partition));
  }

  /** The applier reads the topic again (retry or skip): what it had in hand comes again. */
  void clearPending() {
    pending.clear();
    held = 0;
  }

  void error(ErrorKind kind, String target) {
    errors.get(kind).get(target).increment();
  }

  /** A lane retries an event after a retriable error of the standby (a lock wait: SQLSTATE 55P03). */
  void retrying(Work work, String sqlState) {
    error(ErrorKind.RETRIABLE, "standby");
    if (LOCK_NOT_AVAILABLE.equals(sqlState)) {
      lockWaits.increment();
    }
  }

  /**
   * After each poll, from the consumer thread: records held behind a cluster-wide event (not yet handed to a lane)
   * and the consumer's lag to the end of the topic.
   */
  void polled(long heldRecords, long lagToTopicEnd) {
    held = heldRecords;
    topicLag = lagToTopicEnd;
  }

  double lagEvents() {
    return pending.size() + held + topicLag;
  }

  double lagSeconds() {
    long oldest = Long.MAX_VALUE;
    for (long logTime : pending.values()) {
      oldest = Math.min(oldest, logTime);
    }
    if (oldest == Long.MAX_VALUE) {
      return 0;
    }
    return Math.max(0, clock.millis() - oldest) / 1000.0;
  }
}
