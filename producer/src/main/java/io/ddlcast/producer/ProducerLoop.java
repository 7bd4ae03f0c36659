package io.ddlcast.producer;

import io.ddlcast.common.catalog.SchemaFingerprint;
import io.ddlcast.common.error.Backoff;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ErrorClassifier;
import io.ddlcast.common.error.ErrorKind;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.error.Retry;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.sql.Secrets;
import io.ddlcast.producer.capture.RecordKind;
import io.ddlcast.producer.csvlog.LogCursor;
import io.ddlcast.producer.csvlog.LogFollower;
import io.ddlcast.producer.csvlog.LogRecord;
import io.ddlcast.producer.csvlog.LogSource;
import io.ddlcast.producer.csvlog.LogTime;
import io.ddlcast.producer.primary.EventCompleter;
import io.ddlcast.producer.primary.Fingerprints;
import io.ddlcast.producer.primary.PrimaryClient;
import io.ddlcast.producer.primary.PrimaryRounds;
import io.ddlcast.producer.primary.VerifiedHelpers;
import io.ddlcast.producer.publish.Checkpoint;
import io.ddlcast.producer.publish.CheckpointTooLargeException;
import io.ddlcast.producer.publish.EventSink;
import io.ddlcast.producer.publish.SourceGeneration;
import io.ddlcast.producer.publish.UnreadableCheckpointException;
import io.ddlcast.producer.settle.Outcome;
import io.ddlcast.producer.settle.SessionTracker;
import io.ddlcast.producer.settle.TrackerState;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's loop: follow the csvlog, settle each DDL statement's outcome, publish what took effect together
 * with the checkpoint, repeat. Each {@link #round} reads one batch of records, settles them (asking the primary
 * when due), and publishes the events with the checkpoint after them. Any Kafka failure restarts from the last
 * checkpoint Kafka committed, so a batch is published entirely or not at all and then read again.
 */
final class ProducerLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ProducerLoop.class);
  /** Bytes of csvlog read per round, at most. */
  static final int MAX_BATCH_BYTES = 4 << 20;
  /** How much log is read, at most, between asking the primary and applying its answers. */
  private static final int MAX_CATCH_UP_BATCHES = 64;
  private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
  /** The longest an idle producer goes without writing its checkpoint: status tells a producer down by its age. */
  static final Duration HEARTBEAT = Duration.ofSeconds(10);
  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(30);
  /** How long a fingerprint's barrier may take to come back before the fingerprints are taken again. */
  private static final Duration FINGERPRINT_TIMEOUT = Duration.ofSeconds(30);

  /** Events decided and the state after them, published together or not at all. */
  record Batch(List<DdlEvent> events, LogCursor cursor, TrackerState tracker, long filteredInAll,
      long refusedInAll) {}

  /**
   * What one round did: the events it published (none if it could not), whether more log waits, and how long
   * decided events may still wait for company (zero: none wait).
   */
  record Round(List<DdlEvent> published, boolean more, boolean stuck, Duration holding) {
    Round(List<DdlEvent> published, boolean more, boolean stuck) {
      this(published, more, stuck, Duration.ZERO);
    }
  }

  /** The stages the loop drives; {@code rounds} and {@code helpers} are null without a primary connection. */
  record Stages(LogSource source, LogFollower follower, SessionTracker tracker, PrimaryRounds rounds,
      VerifiedHelpers helpers, EventCompleter completer, EventSink sink, OutcomeRouter router,
      Consumer<String> newDatabase) {}

  private final Stages stages;
  private final ProducerMetrics metrics;
  private final String source;
  private final String kafka;
  private final StartFrom startFrom;
  private final BooleanSupplier running;
  private Batch unpublished;
  /**
   * Events decided but not published yet: while the checkpoint that must go with them was too large to write, or
   * while they wait (the publish window) for others to share their Kafka transaction. They go with the next.
   */
  private List<DdlEvent> deferred = List.of();
  /** Since when the oldest deferred event waits in the publish window (0: none waits). */
  private long holdingSince;
  private long publishWindowNanos;
  private long lastDeferralWarning;
  private LogCursor committedCursor;
  private long published;
  private String lastEventId;
  private String lastEventLogTime;
  private long recordsRead;
  private long lastCheckpointNanos;
  private long lastProgressNanos = System.nanoTime();

  /** The generation of the topic's source this producer publishes in (events and checkpoints say so). */
  private int generation = 1;
  /** In a later generation, the first log time that is this generation's (earlier: DDL applied as a standby). */
  private Instant notBefore;
  /** The barrier a switchover's drain waits for (null: no drain), and whether it was read. */
  private String drainToken;
  private boolean drainBarrierRead;
  private boolean drainBarrierWritten;
  private long drainStartedNanos;
  private long lastDrainLog;

  /** Fingerprints of the drift alarm: taken, waiting for their barrier; null while none is in progress. */
  private Fingerprints fingerprints;
  private long fingerprintIntervalNanos;
  private long lastFingerprintNanos = System.nanoTime();
  private long fingerprintStartedNanos;
  private List<SchemaFingerprint> fingerprinted;
  private String fingerprintToken;
  private boolean fingerprintBarrierRead;
  private boolean loggedDdlSinceFingerprint;

  /** Publishes each database's schema fingerprint every {@code interval}, at the next quiet point. */
  ProducerLoop fingerprints(Fingerprints taker, Duration interval) {
    fingerprints = interval.isZero() ? null : taker;
    fingerprintIntervalNanos = interval.toNanos();
    return this;
  }

  /** Publishes in {@code decided}'s generation, from its first log time on. */
  ProducerLoop generation(SourceGeneration.Decision decided) {
    generation = decided.generation();
    notBefore = decided.notBefore();
    return this;
  }

  /** Decided events wait up to {@code window} for more to share their Kafka transaction (zero: none wait). */
  ProducerLoop publishWindow(Duration window) {
    publishWindowNanos = window.toNanos();
    return this;
  }

  /** {@code kafka}: the bootstrap servers, for messages. */
  ProducerLoop(Stages stages, ProducerMetrics metrics, String source, String kafka, StartFrom startFrom,
      BooleanSupplier running) {
    this.stages = stages;
    this.metrics = metrics;
    this.source = source;
    this.kafka = kafka;
    this.startFrom = startFrom;
    this.running = running;
  }

  /** One read-decide-publish round. */
  Round round() {
    if (unpublished != null && !publish(unpublished)) {
      return new Round(List.of(), false, true); // the primary or Kafka is away: nothing is read until it is out
    }
    LogFollower.Batch batch;
    try {
      batch = stages.follower().poll();
    } catch (IOException e) {
      csvlogError(e);
      return new Round(List.of(), false, false);
    }
    List<Outcome> outcomes = new ArrayList<>(read(batch));
    if (stages.rounds() != null) {
      outcomes.addAll(stages.rounds().turn(this::catchUp));
    }
    List<DdlEvent> events = stages.router().route(outcomes);
    stages.tracker().drainProblems().forEach(p -> LOG.warn("{}", p));
    LogCursor cursor = stages.follower().cursor();
    boolean moved = cursor != null && !cursor.equals(committedCursor);
    long sinceCheckpoint = System.nanoTime() - lastCheckpointNanos;
    boolean due = sinceCheckpoint >= CHECKPOINT_INTERVAL.toNanos();
    boolean heartbeat = cursor != null && sinceCheckpoint >= HEARTBEAT.toNanos();
    List<DdlEvent> out = List.of();
    List<DdlEvent> all = deferred.isEmpty() ? events : Stream.concat(deferred.stream(), events.stream()).toList();
    long now = System.nanoTime();
    if (!events.isEmpty() && holdingSince == 0 && publishWindowNanos > 0) {
      holdingSince = now;
    }
    long held = holdingSince == 0 ? Long.MAX_VALUE : now - holdingSince;
    if (held < publishWindowNanos) { // one Kafka transaction for what the window gathers
      deferred = all;
      logProgress();
      return new Round(List.of(), batch.more(), false, Duration.ofNanos(publishWindowNanos - held));
    }
    boolean windowClosed = holdingSince != 0;
    holdingSince = 0;
    if (!events.isEmpty() || windowClosed || (moved && (due || !batch.more())) || heartbeat) {
      unpublished = new Batch(all, cursor, stages.tracker().snapshot(), stages.router().filtered(),
          stages.router().refused());
      if (publish(unpublished)) {
        out = all;
      }
    }
    logProgress();
    fingerprint(batch.more());
    return new Round(out, batch.more(), unpublished != null);
  }

  /**
   * The drift alarm's fingerprints, at a quiet point once the interval is up: nothing undecided or unpublished and the
   * log read to its end, the listings taken, then a barrier into the log; if nothing that may carry DDL was logged
   * before the barrier came back, the listings are the schema as of everything published, and they go out in each
   * database's place of the stream. Else they are dropped and taken again at the next quiet point.
   */
  private void fingerprint(boolean more) {
    if (fingerprints == null || stages.rounds() == null) {
      return;
    }
    long now = System.nanoTime();
    if (fingerprintToken != null) {
      if (loggedDdlSinceFingerprint || now - fingerprintStartedNanos > FINGERPRINT_TIMEOUT.toNanos()) {
        fingerprintToken = null; // DDL came in meanwhile (or the barrier never did): at the next quiet point
      } else if (fingerprintBarrierRead && unpublished == null && deferred.isEmpty()) {
        publishFingerprints(now);
      }
      return;
    }
    boolean quiet = !more && unpublished == null && deferred.isEmpty() && holdingSince == 0
        && stages.tracker().pendingCount() == 0;
    if (!quiet || now - lastFingerprintNanos < fingerprintIntervalNanos) {
      return;
    }
    List<SchemaFingerprint> taken = new ArrayList<>();
    try {
      for (String database : fingerprints.databases()) {
        taken.add(fingerprints.take(database, source, generation));
      }
    } catch (SQLException e) {
      lastFingerprintNanos = now;
      metrics.error(ErrorKind.RETRIABLE, "primary");
      LOG.warn("cannot take the schema fingerprints of the drift alarm ({}); again in {} s", e.getMessage(),
          fingerprintIntervalNanos / 1_000_000_000L);
      return;
    }
    fingerprinted = taken;
    loggedDdlSinceFingerprint = false;
    fingerprintBarrierRead = false;
    fingerprintStartedNanos = now;
    fingerprintToken = "fingerprint " + UUID.randomUUID();
    if (!stages.rounds().emit(fingerprintToken)) {
      fingerprintToken = null;
    }
  }

  private void publishFingerprints(long now) {
    fingerprintToken = null;
    lastFingerprintNanos = now;
    try {
      stages.sink().publishFingerprints(fingerprinted);
      LOG.info("published the schema fingerprints of {} database(s) for the drift alarm", fingerprinted.size());
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      metrics.error(ErrorKind.PERMANENT, "kafka");
      throw new DdlcastException(ExitCode.FAILED, "another producer for source " + source + " took over (Kafka "
          + "fenced this one); two producers must not follow the same primary", e);
    } catch (KafkaException e) {
      metrics.error(ErrorKind.RETRIABLE, "kafka");
      LOG.warn("publishing the schema fingerprints failed ({}); again at the next interval", e.toString());
    }
  }

  /** The records of a batch, settled; a barrier the primary wrote settles what it was written for. */
  private List<Outcome> read(LogFollower.Batch batch) {
    batch.problems().forEach(p -> LOG.warn("csvlog: {}", p));
    recordsRead += batch.records().size();
    metrics.read(batch.records(), stages.follower().cursor());
    List<Outcome> outcomes = new ArrayList<>();
    for (LogRecord record : batch.records()) {
      if (notBefore != null) {
        if (LogTime.parse(record.logTime()).isBefore(notBefore)) {
          continue; // the events this primary applied as a standby, before its generation began
        }
        notBefore = null;
      }
      if (fingerprintToken != null) {
        loggedDdlSinceFingerprint |= RecordKind.mayCarryDdl(record);
        fingerprintBarrierRead |= "LOG".equals(record.severity())
            && record.message().equals(PrimaryClient.BARRIER_PREFIX + fingerprintToken);
      }
      if (drainToken != null && "LOG".equals(record.severity())
          && record.message().equals(PrimaryClient.BARRIER_PREFIX + drainToken)) {
        drainBarrierRead = true;
      }
      if (stages.helpers() != null && RecordKind.mayCarryDdl(record)) {
        stages.helpers().refresh(record.database()); // verified helper and encoding: what the tracker goes by
      }
      List<Outcome> settled = stages.rounds() == null ? null : stages.rounds().barrier(record);
      outcomes.addAll(settled != null ? settled : stages.tracker().accept(record));
    }
    return outcomes;
  }

  /** The log written up to a question to the primary, read before its answers apply. */
  private PrimaryRounds.Reading catchUp() {
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < MAX_CATCH_UP_BATCHES; i++) {
      LogFollower.Batch batch;
      try {
        batch = stages.follower().poll();
      } catch (IOException e) {
        csvlogError(e);
        return new PrimaryRounds.Reading(outcomes, false);
      }
      outcomes.addAll(read(batch));
      if (!batch.more()) {
        break;
      }
    }
    return new PrimaryRounds.Reading(outcomes, true);
  }

  private void csvlogError(IOException e) {
    metrics.error(ErrorKind.RETRIABLE, "csvlog");
    LOG.warn("cannot read the csvlog ({}): {}; retrying", stages.source().describe(), e.toString());
  }

  /**
   * Publishes a batch with the checkpoint that follows it. Role password placeholders become the primary's stored
   * verifiers first; if the primary or Kafka cannot be reached, the batch stays and is tried again.
   */
  private boolean publish(Batch batch) {
    List<DdlEvent> events;
    try {
      events = stages.completer().complete(batch.events());
    } catch (SQLException e) {
      metrics.error(ErrorKind.RETRIABLE, "primary");
      LOG.warn("cannot complete {} event(s) from the primary ({}); retrying", batch.events().size(), e.getMessage());
      return false;
    }
    if (!events.isEmpty()) {
      DdlEvent last = events.get(events.size() - 1);
      lastEventId = last.id();
      lastEventLogTime = last.logTime() == null ? null : last.logTime().toString();
    }
    if (generation != 1) {
      events = events.stream().map(e -> e.inGeneration(generation)).toList();
    }
    Checkpoint checkpoint = new Checkpoint(batch.cursor(), batch.tracker(), published + events.size(), lastEventId,
        lastEventLogTime, stages.source().behind(batch.cursor()), batch.filteredInAll(), batch.refusedInAll(),
        !stages.sink().signs(), generation);
    try {
      stages.sink().publish(events, checkpoint);
    } catch (CheckpointTooLargeException e) {
      defer(batch, e);
      return false;
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      metrics.error(ErrorKind.PERMANENT, "kafka");
      throw new DdlcastException(ExitCode.FAILED, "another producer for source " + source + " took over (Kafka "
          + "fenced this one); two producers must not follow the same primary", e);
    } catch (KafkaException e) {
      return publishFailed(e);
    }
    unpublished = null;
    deferred = List.of();
    published += events.size();
    metrics.published(events.size());
    committedCursor = batch.cursor();
    lastCheckpointNanos = System.nanoTime();
    for (DdlEvent e : events) {
      LOG.info("published {} to {} ({}): {}", e.id(), e.key(), e.command(), Secrets.maskAndShorten(e.statement(), 200));
      if ("CREATE DATABASE".equals(e.command())) {
        stages.newDatabase().accept(e.key());
      }
    }
    return true;
  }

  /**
   * The checkpoint does not fit in a record (much DDL waits for its transactions' ends): reading goes on, and the
   * batch's events go out with the first checkpoint that fits again. Nothing is lost if the producer stops
   * meanwhile: it reads again from the checkpoint before them.
   */
  private void defer(Batch batch, CheckpointTooLargeException e) {
    deferred = batch.events();
    unpublished = null;
    long now = System.nanoTime();
    if (now - lastDeferralWarning >= PROGRESS_INTERVAL.toNanos()) {
      lastDeferralWarning = now;
      LOG.warn("{}: the DDL awaiting its transactions' ends takes too much room; {} event(s) wait to be published "
          + "with the next checkpoint that fits", e.getMessage(), deferred.size());
    }
  }

  /** Kafka did not take the batch: stop if it never will, else start again from the last committed checkpoint. */
  private boolean publishFailed(KafkaException e) {
    boolean permanent = ErrorClassifier.classify(e) == ErrorKind.PERMANENT
        && !(e.getCause() instanceof TimeoutException);
    metrics.error(permanent ? ErrorKind.PERMANENT : ErrorKind.RETRIABLE, "kafka");
    if (permanent) {
      throw new DdlcastException(ExitCode.FAILED, "Kafka refused the events: " + e.getMessage(), e);
    }
    LOG.warn("publishing to Kafka at {} failed ({}); resuming from the last committed checkpoint", kafka,
        e.toString());
    unpublished = null;
    deferred = List.of();
    restore(false);
    return false;
  }

  /**
   * Loads the last committed checkpoint (retrying while Kafka is unreachable) and positions the follower and the
   * tracker on it. With no checkpoint, starts as --from says. False if stopped first.
   */
  boolean restore(boolean first) {
    Optional<Boolean> done = Retry.until(running, Backoff.startup(), () -> {
      Optional<Checkpoint> checkpoint = stages.sink().start();
      if (stages.rounds() != null) {
        stages.rounds().reset();
      }
      if (checkpoint.isPresent() && checkpoint.get().generation() != generation) {
        LOG.info("the checkpoint of source {} is of generation {}; this is generation {}: starting at its start",
            source, checkpoint.get().generation(), generation);
        startAfresh(first);
      } else if (checkpoint.isPresent()) {
        resumeAt(checkpoint.get());
      } else {
        startAfresh(first);
      }
      lastCheckpointNanos = System.nanoTime();
      return Boolean.TRUE;
    }, this::restoreFailed);
    return done.isPresent();
  }

  private void resumeAt(Checkpoint checkpoint) throws IOException {
    stages.follower().seek(checkpoint.cursor());
    try {
      stages.tracker().restore(checkpoint.tracker());
    } catch (IllegalArgumentException e) { // a sealed statement that does not open under this --secrets-key
      throw new UnreadableCheckpointException("the checkpoint of source " + source + " is unreadable: "
          + e.getMessage(), e);
    }
    published = checkpoint.published();
    committedCursor = checkpoint.cursor();
    lastEventId = checkpoint.lastEventId();
    lastEventLogTime = checkpoint.lastEventLogTime();
    stages.router().restoreFiltered(checkpoint.filtered());
    stages.router().restoreRefused(checkpoint.refused());
  }

  private void startAfresh(boolean first) throws IOException {
    stages.tracker().restore(null);
    published = 0;
    committedCursor = null;
    if (generation > 1) {
      stages.follower().seek(null); // from the oldest log file, skipping what was logged before the generation
      if (first) {
        LOG.info("source {} publishes generation {}: the DDL its primary logged from {} on", source, generation,
            notBefore);
      }
      return;
    }
    if (startFrom == StartFrom.LATEST) {
      stages.follower().seekToEnd();
    } else {
      stages.follower().seek(null);
    }
    if (first) {
      LOG.info("no checkpoint for source {}: starting at the {} of the csvlog", source,
          startFrom == StartFrom.LATEST ? "end" : "beginning");
    }
  }

  private void restoreFailed(Exception e, Duration wait) {
    if (e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException) {
      throw new DdlcastException(ExitCode.FAILED, "another producer for source " + source + " took over", e);
    }
    if (e instanceof UnreadableCheckpointException) {
      throw new DdlcastException(ExitCode.FAILED, e.getMessage() + "; the producer cannot tell where it stopped. "
          + "Restore that record, or delete it (a tombstone for key " + source + ") to start afresh as --from says",
          e);
    }
    if (!(e instanceof KafkaException || e instanceof IOException)) {
      throw Retry.unchecked(e);
    }
    boolean permanent = e instanceof KafkaException && ErrorClassifier.classify(e) == ErrorKind.PERMANENT;
    metrics.error(permanent ? ErrorKind.PERMANENT : ErrorKind.RETRIABLE, e instanceof KafkaException ? "kafka"
        : "csvlog");
    if (permanent) {
      throw new DdlcastException(ExitCode.FAILED, "Kafka refused the producer: " + e.getMessage(), e);
    }
    LOG.warn("cannot resume from Kafka at {} ({}); retrying in {} s", kafka, e.getMessage(),
        wait.toMillis() / 1000.0);
  }

  private void logProgress() {
    long now = System.nanoTime();
    if (now - lastProgressNanos >= PROGRESS_INTERVAL.toNanos()) {
      lastProgressNanos = now;
      LOG.info("at {}: {} records read, {} events published, {} not published, {} filtered, {} awaiting their "
          + "transaction", stages.follower().cursor(), recordsRead, published, stages.router().dropped(),
          stages.router().filtered(), stages.tracker().pendingCount());
    }
  }

  long published() {
    return published;
  }

  /**
   * Starts a switchover's drain: a barrier goes into the primary's log; once it was read and everything before it
   * is decided and published, {@link #drained} says so. Without a primary connection, the end of the log read
   * twice a second apart stands for the barrier.
   */
  void drain(String nonce) {
    if (drainToken != null) {
      return;
    }
    drainToken = "switchover " + nonce.replaceAll("[^0-9a-zA-Z-]", "");
    drainStartedNanos = System.nanoTime();
    LOG.info("switchover requested: draining generation {} of source {} (a barrier into the primary's log, then "
        + "everything before it published)", generation, source);
    emitDrainBarrier();
  }

  private void emitDrainBarrier() {
    if (stages.rounds() != null && !drainBarrierWritten) {
      drainBarrierWritten = stages.rounds().emit(drainToken);
    }
  }

  /** True once the drain is done: the barrier read, nothing undecided, everything published and checkpointed. */
  boolean drained(Round round) {
    if (drainToken == null) {
      return false;
    }
    emitDrainBarrier();
    if (stages.rounds() == null && !round.more() && System.nanoTime() - drainStartedNanos > 1_000_000_000L) {
      drainBarrierRead = true;
    }
    int pending = stages.tracker().pendingCount();
    boolean done = drainBarrierRead && pending == 0 && deferred.isEmpty() && unpublished == null && !round.more()
        && Objects.equals(committedCursor, stages.follower().cursor());
    long now = System.nanoTime();
    if (!done && drainBarrierRead && now - lastDrainLog > 10_000_000_000L) {
      lastDrainLog = now;
      LOG.info("switchover: waiting for {} DDL statement(s) whose transactions are still open on the primary "
          + "(end them, or stop the clients, for the switchover to go on)", pending);
    }
    return done;
  }

  long recordsRead() {
    return recordsRead;
  }
}
