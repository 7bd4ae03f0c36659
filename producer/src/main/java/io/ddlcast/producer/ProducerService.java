package io.ddlcast.producer;

import io.ddlcast.common.error.Backoff;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ErrorClassifier;
import io.ddlcast.common.error.ErrorKind;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.kafka.KafkaCluster;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.metrics.Health;
import io.ddlcast.common.metrics.MetricsServer;
import io.ddlcast.common.sql.Secrets;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's loop: follow the csvlog, settle each DDL statement's outcome, publish what took effect together
 * with the checkpoint, repeat. Any Kafka failure restarts from the last checkpoint Kafka committed, so a batch is
 * published entirely or not at all and then read again.
 */
public final class ProducerService implements Runnable, AutoCloseable {
  /** How much log is read, at most, between asking the primary and applying its answers. */
  private static final int MAX_CATCH_UP_BATCHES = 64;

  private static final Logger LOG = LoggerFactory.getLogger(ProducerService.class);
  static final int MAX_BATCH_BYTES = 4 << 20;
  private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
  /** The longest an idle producer goes without writing its checkpoint: status tells a producer down by its age. */
  static final Duration HEARTBEAT = Duration.ofSeconds(10);
  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(30);
  private static final Duration BARRIER_TIMEOUT = Duration.ofSeconds(30);

  private record Barrier(String token, Set<String> vxids, long issuedNanos) {}

  /** Events decided and the state after them, published together or not at all. */
  private record Batch(List<DdlEvent> events, LogCursor cursor, TrackerState tracker, long filteredInAll) {}

  private final ProducerConfig config;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean running = true;
  private volatile boolean ready;

  private volatile String source;
  private EventPublisher publisher;
  private LogFollower follower;
  private SessionTracker tracker;
  private PrimaryMonitor primary;
  private HelperInstaller installer;
  private Barrier barrier;
  private Set<String> openAtLastCheck = Set.of();
  private long lastBarrierCheck;
  private long lastStatusCheck;
  private Batch unpublished;
  private long published;
  private long dropped;
  private volatile long filtered;
  private LogWatcher watcher;
  private String lastEventId;
  private String lastEventLogTime;
  private long recordsRead;
  private LogCursor committedCursor;
  private long lastCheckpointNanos;
  private long lastProgressNanos = System.nanoTime();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ProducerMetrics metrics;
  private MetricsServer metricsServer;

  public ProducerService(ProducerConfig config) {
    this.config = config;
    this.metrics = new ProducerMetrics(registry, config.logSource());
  }

  /**
   * Starts the loop on its own thread (for in-process use such as the demo), and the metrics server first when
   * --metrics-port is given (a port that cannot be bound is a configuration error: nothing is started).
   */
  public Thread start() {
    metricsServer = MetricsServer.forOption(config.metricsPort(), registry, this::health);
    Thread thread = new Thread(this, "ddlcast-producer");
    thread.start();
    return thread;
  }

  /** True once the producer follows the log (topics exist, checkpoint restored). */
  public boolean isReady() {
    return ready;
  }

  /** Ready: following the log; down before that, and once the loop ended. */
  Health health() {
    return Health.of(ready && running && finished.getCount() > 0,
        Map.of("service", "producer", "source", source == null ? "" : source));
  }

  /** Events that took effect on the primary but were not published because the filters exclude them (in all). */
  public long filtered() {
    return filtered;
  }

  /** The error that ended the loop, if it did not end on request. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  @Override
  public void run() {
    try {
      runLoop();
    } catch (RuntimeException e) {
      failure.set(e); // reported by whoever started the loop (the run command: message and exit code)
    } catch (Error e) {
      failure.set(e);
      throw e;
    } finally {
      closeResources();
      finished.countDown();
    }
  }

  private void runLoop() {
    if (config.primary() != null) {
      primary = new PrimaryMonitor(config.primary());
      installer = new HelperInstaller(config.primary());
      if (!checkPrimary()) {
        return;
      }
    }
    source = resolveSource();
    LOG.info("producer for source {} following the {} into topic {} at {}",
        source, config.logSource().describe(), config.topic(), config.bootstrapServers());
    if (!config.filter().isEmpty()) {
      LOG.info("publishing only what the filters take: {}", config.filter().describe());
    }
    if (!createTopics()) {
      return;
    }
    publisher = new EventPublisher(config.bootstrapServers(), config.topic(), source);
    follower = new LogFollower(config.logSource(), null, MAX_BATCH_BYTES);
    watcher = new LogWatcher(config.logSource());
    tracker = new SessionTracker(new StatementRecords(source), primary != null);
    if (!restore(true)) {
      return;
    }
    ready = true;
    while (running) {
      boolean more = step();
      logProgress();
      if (!more && running) {
        if (unpublished != null) {
          sleep(config.pollInterval()); // Kafka or the primary is away: retry at the pace of the interval
        } else {
          awaitLog();
        }
      }
    }
  }

  private void awaitLog() {
    try {
      watcher.await(config.pollInterval());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** One read-decide-publish round; true if more log is waiting. */
  private boolean step() {
    if (unpublished != null && !publish(unpublished)) {
      return false; // the primary or Kafka is not there: nothing more is read until this batch is out
    }
    LogFollower.Batch batch;
    try {
      batch = follower.poll();
    } catch (IOException e) {
      metrics.error(ErrorKind.RETRIABLE, "csvlog");
      LOG.warn("cannot read the csvlog ({}): {}; retrying", config.logSource().describe(), e.toString());
      return false;
    }
    List<DdlEvent> events = new ArrayList<>();
    accept(batch, events);
    askPrimary(events);
    tracker.drainProblems().forEach(p -> LOG.warn("{}", p));
    LogCursor cursor = follower.cursor();
    boolean moved = cursor != null && !cursor.equals(committedCursor);
    long sinceCheckpoint = System.nanoTime() - lastCheckpointNanos;
    boolean due = sinceCheckpoint >= CHECKPOINT_INTERVAL.toNanos();
    boolean heartbeat = cursor != null && sinceCheckpoint >= HEARTBEAT.toNanos();
    if (!events.isEmpty() || (moved && (due || !batch.more())) || heartbeat) {
      unpublished = new Batch(events, cursor, tracker.snapshot(), filtered);
      publish(unpublished);
    }
    return batch.more();
  }

  private void accept(LogFollower.Batch batch, List<DdlEvent> events) {
    batch.problems().forEach(p -> LOG.warn("csvlog: {}", p));
    recordsRead += batch.records().size();
    metrics.read(batch.records(), follower.cursor());
    for (LogRecord record : batch.records()) {
      if (barrier != null && isBarrier(record)) {
        collect(tracker.transactionsEnded(barrier.vxids()), events);
        barrier = null;
        continue;
      }
      collect(tracker.accept(record), events);
    }
  }

  private void collect(List<Outcome> outcomes, List<DdlEvent> events) {
    for (Outcome outcome : outcomes) {
      if (outcome instanceof Outcome.Publish p && p.event().statement().length() * 3L > EventPublisher.MAX_RECORD_BYTES) {
        dropped++;
        metrics.dropped(ProducerMetrics.DropReason.TOO_LARGE);
        LOG.error("not published: {} in {} at {}: the statement has {} characters, more than an event can carry "
                + "({} MB); apply it to the standbys by hand", p.event().id(), p.event().database(),
            p.event().position(), p.event().statement().length(), EventPublisher.MAX_RECORD_BYTES >> 20);
      } else if (outcome instanceof Outcome.Publish p && !config.filter().accepts(p.event())) {
        filtered++;
        LOG.info("filtered: {} in {} ({}): {}", p.event().id(), p.event().database(),
            config.filter().rejection(p.event()), Secrets.maskAndShorten(p.event().statement(), 200));
        if ("CREATE DATABASE".equals(p.event().command()) && installer != null) {
          installHelper(p.event().key()); // DDL in it may still be published: capture it exactly
        }
      } else if (outcome instanceof Outcome.Publish p) {
        events.add(p.event());
      } else if (outcome instanceof Outcome.Drop d) {
        dropped++;
        metrics.dropped(ProducerMetrics.DropReason.of(d.reason()));
        if (d.reason().startsWith("undecided") || d.reason().startsWith("DDL (")) {
          LOG.warn("not published: {} in {} ({}): {}", d.event().id(), d.event().database(), d.reason(),
              Secrets.maskAndShorten(d.event().statement(), 200));
        } else {
          LOG.info("not published: {} in {} ({}): {}", d.event().id(), d.event().database(), d.reason(),
              Secrets.maskAndShorten(d.event().statement(), 200));
        }
      }
    }
  }

  /**
   * What only the primary can say: whether quiet, prepared or savepoint-rolled-back transactions committed (asked
   * every poll interval, or at once when the tracker waits for it), and, for DDL whose transaction id is unknown,
   * whether its transaction is over (then a log barrier settles it).
   *
   * <p>The answers are applied only after the log written up to the question has been read: a transaction the
   * primary reports committed may have its COMMIT record there, and then the log, not the answer, places it in commit
   * order (after a transaction that committed before it but was read first). When that reading fails, the answers
   * are dropped and asked again.
   */
  private void askPrimary(List<DdlEvent> events) {
    if (primary == null) {
      return;
    }
    long now = System.nanoTime();
    long interval = Math.max(config.pollInterval().toNanos(), TimeUnit.MILLISECONDS.toNanos(100));
    if (now - lastStatusCheck >= interval || tracker.statusWanted()) {
      lastStatusCheck = now;
      Set<String> queries = tracker.statusQueries();
      Map<String, SessionTracker.XactStatus> answers;
      try {
        answers = queries.isEmpty() ? Map.of() : primary.xactStatus(queries);
      } catch (SQLException e) {
        tracker.statusUnanswered();
        metrics.error(ErrorKind.RETRIABLE, "primary");
        LOG.warn("cannot ask the primary {} about {} transaction(s) ({}); their DDL waits", primary.describe(),
            queries.size(), e.getMessage());
        checkQuietTransactions();
        return;
      }
      for (int i = 0; i < MAX_CATCH_UP_BATCHES; i++) {
        LogFollower.Batch batch;
        try {
          batch = follower.poll();
        } catch (IOException e) {
          tracker.statusUnanswered();
          metrics.error(ErrorKind.RETRIABLE, "csvlog");
          LOG.warn("cannot read the csvlog ({}): {}; retrying", config.logSource().describe(), e.toString());
          return;
        }
        accept(batch, events);
        if (!batch.more()) {
          break;
        }
      }
      collect(tracker.applyStatuses(answers), events);
    }
    checkQuietTransactions();
  }

  /** Bytes of csvlog written after the cursor (in its file and later ones); -1 if the files cannot be listed. */
  private long behindBytes(LogCursor cursor) {
    try {
      return cursor == null ? -1 : config.logSource().bytesAfter(cursor);
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Publishes a batch with the checkpoint that follows it. Role password placeholders become the primary's stored
   * verifiers first; if the primary or Kafka cannot be reached, the batch stays and is tried again.
   */
  private boolean publish(Batch batch) {
    List<DdlEvent> events = new ArrayList<>(batch.events().size());
    try {
      for (DdlEvent event : batch.events()) {
        events.add(complete(event));
      }
    } catch (SQLException e) {
      metrics.error(ErrorKind.RETRIABLE, "primary");
      LOG.warn("cannot complete {} event(s) from the primary {} ({}); retrying", batch.events().size(),
          primary.describe(), e.getMessage());
      return false;
    }
    if (!events.isEmpty()) {
      DdlEvent last = events.get(events.size() - 1);
      lastEventId = last.id();
      lastEventLogTime = last.logTime() == null ? null : last.logTime().toString();
    }
    Checkpoint checkpoint = new Checkpoint(batch.cursor(), batch.tracker(), published + events.size(), lastEventId,
        lastEventLogTime, behindBytes(batch.cursor()), batch.filteredInAll());
    try {
      publisher.publish(events, checkpoint);
    } catch (ProducerFencedException | org.apache.kafka.common.errors.InvalidProducerEpochException e) {
      metrics.error(ErrorKind.PERMANENT, "kafka");
      throw new DdlcastException(ExitCode.FAILED, "another producer for source " + source + " took over (Kafka "
          + "fenced this one); two producers must not follow the same primary", e);
    } catch (KafkaException e) {
      boolean permanent = ErrorClassifier.classify(e) == ErrorKind.PERMANENT
          && !(e.getCause() instanceof java.util.concurrent.TimeoutException);
      metrics.error(permanent ? ErrorKind.PERMANENT : ErrorKind.RETRIABLE, "kafka");
      if (permanent) {
        throw new DdlcastException(ExitCode.FAILED, "Kafka refused the events: " + e.getMessage(), e);
      }
      LOG.warn("publishing to Kafka at {} failed ({}); resuming from the last committed checkpoint",
          config.bootstrapServers(), e.toString());
      unpublished = null;
      restore(false);
      return false;
    }
    unpublished = null;
    published += events.size();
    metrics.published(events.size());
    committedCursor = batch.cursor();
    lastCheckpointNanos = System.nanoTime();
    for (DdlEvent e : events) {
      LOG.info("published {} to {} ({}): {}", e.id(), e.key(), e.command(), Secrets.maskAndShorten(e.statement(), 200));
      if ("CREATE DATABASE".equals(e.command()) && installer != null) {
        installHelper(e.key());
      }
    }
    return true;
  }

  /**
   * What the log could not give: the stored verifier of a role whose clear-text password was replaced by a
   * placeholder, and the owner of a database created under SET ROLE.
   */
  private DdlEvent complete(DdlEvent event) throws SQLException {
    String statement = event.statement();
    io.ddlcast.common.event.ExecutionContext context = event.context();
    if (RolePasswords.hasPlaceholder(statement)) {
      String role = RolePasswords.roleWithClearPassword(statement);
      String verifier = null;
      if (primary == null) {
        LOG.warn("role password in {} not replicated: reading it needs --primary-url (a superuser)", event.id());
      } else {
        try {
          verifier = primary.roleVerifier(resolveRole(role, event));
        } catch (SQLException e) {
          if (!"42501".equals(e.getSQLState())) {
            throw e;
          }
          LOG.warn("role password in {} not replicated: the --primary-url role cannot read pg_authid (it must be a "
              + "superuser)", event.id());
        }
      }
      statement = RolePasswords.withVerifier(statement, verifier);
    }
    if ("CREATE DATABASE".equals(event.command()) && primary != null
        && !statement.toUpperCase(java.util.Locale.ROOT).contains("OWNER")) {
      String owner = primary.databaseOwner(event.key());
      if (owner != null) {
        context = new io.ddlcast.common.event.ExecutionContext(owner, null, null);
      }
    }
    if (statement.equals(event.statement()) && java.util.Objects.equals(context, event.context())) {
      return event;
    }
    return event.withStatement(statement, context);
  }

  /** A new database not created from template1 lacks ddlcast's helper: install it (needs a superuser). */
  private void installHelper(String database) {
    try {
      if (installer.install(database)) {
        LOG.info("installed ddlcast's helper in the new database {}", database);
      }
    } catch (SQLException e) {
      LOG.warn("cannot install ddlcast's helper in the new database {} ({}): DDL there ships without its context "
          + "until 'producer install' runs", database, e.getMessage());
    }
  }

  private static String resolveRole(String role, DdlEvent event) {
    io.ddlcast.common.event.ExecutionContext c = event.context();
    return switch (role) {
      case "current_user", "current_role" -> c != null && c.role() != null ? c.role() : event.user();
      case "session_user" -> c != null && c.sessionRole() != null ? c.sessionRole() : event.user();
      default -> role;
    };
  }

  /**
   * Loads the last committed checkpoint (retrying while Kafka is unreachable) and positions the follower and the
   * tracker on it. With no checkpoint, starts as --from says.
   */
  private boolean restore(boolean first) {
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15));
    while (running) {
      try {
        Optional<Checkpoint> checkpoint = publisher.start();
        barrier = null;
        openAtLastCheck = Set.of();
        if (checkpoint.isPresent()) {
          follower.seek(checkpoint.get().cursor());
          tracker.restore(checkpoint.get().tracker());
          published = checkpoint.get().published();
          committedCursor = checkpoint.get().cursor();
          lastEventId = checkpoint.get().lastEventId();
          lastEventLogTime = checkpoint.get().lastEventLogTime();
          filtered = checkpoint.get().filtered();
        } else {
          tracker.restore(null);
          published = 0;
          committedCursor = null;
          if (config.startFrom() == StartFrom.LATEST) {
            follower.seekToEnd();
          } else {
            follower.seek(null);
          }
          if (first) {
            LOG.info("no checkpoint for source {}: starting at the {} of the csvlog", source,
                config.startFrom() == StartFrom.LATEST ? "end" : "beginning");
          }
        }
        lastCheckpointNanos = System.nanoTime();
        return true;
      } catch (ProducerFencedException | org.apache.kafka.common.errors.InvalidProducerEpochException e) {
        throw new DdlcastException(ExitCode.FAILED, "another producer for source " + source + " took over", e);
      } catch (KafkaException | IOException e) {
        metrics.error(e instanceof KafkaException && ErrorClassifier.classify(e) == ErrorKind.PERMANENT
            ? ErrorKind.PERMANENT : ErrorKind.RETRIABLE, e instanceof KafkaException ? "kafka" : "csvlog");
        if (e instanceof KafkaException && ErrorClassifier.classify(e) == ErrorKind.PERMANENT) {
          throw new DdlcastException(ExitCode.FAILED, "Kafka refused the producer: " + e.getMessage(), e);
        }
        Duration wait = backoff.next();
        LOG.warn("cannot resume from Kafka at {} ({}); retrying in {} s", config.bootstrapServers(),
            e.getMessage(), wait.toMillis() / 1000.0);
        sleep(wait);
      }
    }
    return false;
  }

  /**
   * For DDL whose transaction id is unknown and which shows no sign of ending in the log, ask the primary whether
   * the transaction still runs; for those it reports over, write a barrier and settle them when the reader meets
   * it.
   */
  private void checkQuietTransactions() {
    long now = System.nanoTime();
    if (barrier != null) {
      if (now - barrier.issuedNanos() > BARRIER_TIMEOUT.toNanos()) {
        LOG.warn("the barrier written to the primary's log {} s ago has not been read: is the producer reading "
            + "this primary's csvlog, and does log_min_messages let LOG through? Writing another one",
            BARRIER_TIMEOUT.toSeconds());
        barrier = null;
      }
      return;
    }
    long interval = Math.max(config.pollInterval().toNanos(), TimeUnit.MILLISECONDS.toNanos(200));
    if (now - lastBarrierCheck < interval) {
      return;
    }
    lastBarrierCheck = now;
    Set<String> open = tracker.openTransactionsWithoutXid();
    Set<String> candidates = new java.util.TreeSet<>(open);
    candidates.retainAll(openAtLastCheck);
    openAtLastCheck = open;
    if (candidates.isEmpty()) {
      return;
    }
    try {
      Set<String> ended = primary.ended(candidates);
      if (!ended.isEmpty()) {
        String token = UUID.randomUUID().toString();
        primary.emitBarrier(token);
        barrier = new Barrier(token, ended, now);
      }
    } catch (SQLException e) {
      metrics.error(ErrorKind.RETRIABLE, "primary");
      LOG.warn("cannot ask the primary {} whether {} transaction(s) ended ({}); their DDL waits",
          primary.describe(), candidates.size(), e.getMessage());
    }
  }

  private boolean isBarrier(LogRecord record) {
    return "LOG".equals(record.severity())
        && record.message().equals(PrimaryMonitor.BARRIER_PREFIX + barrier.token());
  }

  private boolean checkPrimary() {
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15));
    while (running) {
      try {
        List<PrimarySettings.Finding> findings = PrimarySettings.judge(primary.settings(PrimarySettings.names()));
        List<String> fatal = new ArrayList<>();
        for (PrimarySettings.Finding f : findings) {
          if (f.ok()) {
            continue;
          }
          if (f.rule().essential()) {
            fatal.add(f.fixSql() + "  -- now '" + f.current() + "': " + f.rule().why());
          } else {
            LOG.warn("the primary has {} = '{}', ddlcast needs {}: {}. Fix: {}", f.rule().name(), f.current(),
                f.rule().required(), f.rule().why(), f.fixSql());
          }
        }
        if (!fatal.isEmpty()) {
          throw new DdlcastException(ExitCode.FAILED, "the primary " + primary.describe()
              + " does not log DDL as ddlcast reads it; run on it:\n  " + String.join("\n  ", fatal)
              + "\n  SELECT pg_reload_conf();");
        }
        return true;
      } catch (SQLException e) {
        if (ErrorClassifier.classifySql(e) == ErrorKind.PERMANENT) {
          throw new DdlcastException(ExitCode.FAILED, "the primary " + primary.describe() + " refused ddlcast: "
              + e.getMessage(), e);
        }
        metrics.error(ErrorKind.RETRIABLE, "primary");
        Duration wait = backoff.next();
        LOG.warn("the primary {} is unreachable ({}); retrying in {} s", primary.describe(), e.getMessage(),
            wait.toMillis() / 1000.0);
        sleep(wait);
      }
    }
    return false;
  }

  private String resolveSource() {
    if (config.source() != null) {
      return config.source();
    }
    if (config.pgdata() != null) {
      try {
        return SourceIdentity.fromPgControl(config.pgdata());
      } catch (IOException e) {
        if (primary == null) {
          throw new DdlcastException(ExitCode.FAILED, "cannot read the system identifier from " + config.pgdata()
              + "/global/pg_control (" + e.getMessage() + "); give --source or --primary-url", e);
        }
      }
    }
    try {
      return primary.systemIdentifier();
    } catch (SQLException e) {
      throw new DdlcastException(ExitCode.FAILED, "cannot read the primary's system identifier ("
          + e.getMessage() + "); give --source", e);
    }
  }

  private boolean createTopics() {
    try (Admin admin = KafkaCluster.admin(config.bootstrapServers(), "ddlcast-producer-admin")) {
      Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15));
      while (running) {
        if (!KafkaCluster.awaitReachable(admin, config.bootstrapServers(), () -> running)) {
          return false;
        }
        try {
          EventPublisher.ensureTopics(admin, config.topic(), config.partitions(), config.replicationFactor(),
              config.acceptFiniteRetention());
          return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          if (ErrorClassifier.classify(cause) == ErrorKind.PERMANENT) {
            throw new DdlcastException(ExitCode.FAILED, "cannot create topics " + config.topic() + " and "
                + Topics.checkpointTopic(config.topic()) + ": " + cause.getMessage(), cause);
          }
          LOG.warn("creating topics failed ({}); retrying", cause.toString());
          sleep(backoff.next());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return false;
  }

  private void logProgress() {
    long now = System.nanoTime();
    if (now - lastProgressNanos >= PROGRESS_INTERVAL.toNanos()) {
      lastProgressNanos = now;
      LOG.info("at {}: {} records read, {} events published, {} not published, {} filtered, {} awaiting their "
          + "transaction", follower.cursor(), recordsRead, published, dropped, filtered, tracker.pendingCount());
    }
  }

  private void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Asks the loop to stop after the batch in hand and waits for it (what was published stays committed). */
  @Override
  public void close() {
    running = false;
    try {
      if (!finished.await(30, TimeUnit.SECONDS)) {
        LOG.warn("the producer did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeResources() {
    if (follower != null) {
      follower.close();
      if (watcher != null) {
        watcher.close();
      }
    }
    if (publisher != null) {
      publisher.close();
    }
    if (primary != null) {
      primary.close();
    }
    if (metricsServer != null) {
      metricsServer.close();
    }
    LOG.info("producer stopped ({} events published in all, {} records read and {} events filtered in this run)",
        published, recordsRead, filtered);
  }
}
