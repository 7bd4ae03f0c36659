package io.ddlcast.producer;

import io.ddlcast.common.error.Backoff;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ErrorKind;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.generation.GenerationHistory;
import io.ddlcast.common.generation.GenerationLog;
import io.ddlcast.common.generation.Switchover;
import io.ddlcast.common.metrics.Health;
import io.ddlcast.common.metrics.MetricsServer;
import io.ddlcast.common.status.StatusJson;
import io.ddlcast.common.trust.SigningKey;
import io.ddlcast.producer.capture.EventFactory;
import io.ddlcast.producer.capture.HelperTrust;
import io.ddlcast.producer.capture.SecretLiterals;
import io.ddlcast.producer.csvlog.LogFollower;
import io.ddlcast.producer.csvlog.LogSource;
import io.ddlcast.producer.csvlog.LogWatcher;
import io.ddlcast.producer.primary.EventCompleter;
import io.ddlcast.producer.primary.Fingerprints;
import io.ddlcast.producer.primary.HelperInstaller;
import io.ddlcast.producer.primary.PrimaryClient;
import io.ddlcast.producer.primary.PrimaryRounds;
import io.ddlcast.producer.primary.PrimaryStartup;
import io.ddlcast.producer.primary.VerifiedHelpers;
import io.ddlcast.producer.publish.EventPublisher;
import io.ddlcast.producer.publish.GenerationWatch;
import io.ddlcast.producer.publish.SourceGeneration;
import io.ddlcast.producer.publish.TopicSetup;
import io.ddlcast.producer.settle.SessionTracker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's lifecycle: startup (the primary's settings, the source's name, the topics, the checkpoint), the
 * {@link ProducerLoop} on its own thread until asked to stop, and the resources closed in the end. The loop's
 * failure, if any, is kept for whoever started it (the run command turns it into a message and an exit code).
 */
public final class ProducerService implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProducerService.class);

  private final ProducerConfig config;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ProducerMetrics metrics;
  private volatile boolean running = true;
  private volatile boolean ready;
  private volatile String source;
  private volatile OutcomeRouter router;
  private MetricsServer metricsServer;
  private PrimaryClient primary;
  private HelperInstaller installer;
  private VerifiedHelpers helpers;
  private EventPublisher publisher;
  private LogFollower follower;
  private LogWatcher watcher;
  private ProducerLoop loop;
  private GenerationWatch generations;
  private int generation;
  private Switchover.Request switchover;

  private final SigningKey signingKey;

  /** A producer that publishes unsigned events (it says so loudly at start). */
  public ProducerService(ProducerConfig config) {
    this(config, null);
  }

  /** A producer that signs every event with {@code signingKey} (null: unsigned). */
  public ProducerService(ProducerConfig config, SigningKey signingKey) {
    this.config = config;
    this.signingKey = signingKey;
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
        Map.of("service", "producer", "source", source == null ? "" : source, "events",
            signingKey == null ? "unsigned" : "signed by key " + signingKey.id()));
  }

  /** Events that took effect on the primary but were not published because the filters exclude them (in all). */
  public long filtered() {
    OutcomeRouter r = router;
    return r == null ? 0 : r.filtered();
  }

  /** The error that ended the loop, if it did not end on request. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  @Override
  public void run() {
    try {
      if (startUp()) {
        ready = true;
        follow();
      }
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

  /** Everything before the first record: false if asked to stop meanwhile. */
  private boolean startUp() {
    if (config.primary() != null) {
      primary = new PrimaryClient(config.primary());
      installer = new HelperInstaller(config.primary());
      helpers = new VerifiedHelpers(installer);
      if (!PrimaryStartup.awaitLogging(primary, () -> running, this::primaryError)) {
        return false;
      }
    }
    source = PrimaryStartup.source(config.source(), config.pgdata(), primary);
    LOG.info("producer for source {} following the {} into topic {} at {}",
        source, config.logSource().describe(), config.topic(), config.kafka().bootstrapServers());
    if (signingKey == null) {
      LOG.warn("UNSIGNED: events are published without a signature (no --signing-key): any client allowed to write "
          + "topic {} can make every standby run any statement; sign them (--signing-key here, --trusted-keys on the "
          + "appliers) or let only this producer write the topic (Kafka ACLs)", config.topic());
    } else {
      LOG.info("signing events with Ed25519 key {}", signingKey.id());
    }
    if (config.primary() != null) {
      config.primary().unverifiedServer().ifPresent(why -> LOG.warn("--primary-url: {}", why));
    }
    if (!config.filter().isEmpty()) {
      LOG.info("publishing only what the filters take: {}", config.filter().describe());
    }
    TopicSetup.Topic topic = new TopicSetup.Topic(config.topic(), config.partitions(), config.replicationFactor(),
        config.acceptFiniteRetention());
    if (!TopicSetup.await(config.kafka(), topic, () -> running)) {
      return false;
    }
    SourceGeneration.Decision decided = SourceGeneration.decide(config.kafka(), config.topic(), source,
        "producer " + source);
    generation = decided.generation();
    metrics.generation(generation);
    LOG.info("source {} publishes generation {} of topic {}", source, generation, config.topic());
    loop = new ProducerLoop(stages(), metrics, source, config.kafka().bootstrapServers(), config.startFrom(),
        () -> running).publishWindow(config.publishWindow()).generation(decided);
    if (config.primary() != null) {
      loop.fingerprints(new Fingerprints(config.primary()), config.fingerprintInterval());
    } else if (!config.fingerprintInterval().isZero()) {
      LOG.warn("without --primary-url the producer publishes no schema fingerprints: the appliers' drift alarm "
          + "stays silent");
    }
    generations = new GenerationWatch(config.kafka(), config.topic());
    return loop.restore(true);
  }

  private ProducerLoop.Stages stages() {
    LogSource logSource = config.logSource();
    publisher = new EventPublisher(config.kafka(), config.topic(), source).signingWith(signingKey);
    follower = new LogFollower(logSource, null, ProducerLoop.MAX_BATCH_BYTES);
    watcher = new LogWatcher(logSource);
    if (helpers == null) {
      LOG.warn("without --primary-url the producer cannot verify that records of ddlcast's helper come from the "
          + "superuser-owned helper: it believes none, and events carry the login role only (not SET ROLE, not "
          + "search_path)");
    }
    SecretLiterals secrets = new SecretLiterals(config.secretsKey());
    if (!secrets.sealing()) {
      LOG.warn("without --secrets-key, DDL that holds a secret literal (a user mapping's or server's password "
          + "option, ...) is not published: it is reported for the operator to apply");
    }
    SessionTracker tracker = new SessionTracker(new EventFactory(source, secrets), primary != null,
        helpers == null ? HelperTrust.NONE : helpers);
    PrimaryRounds rounds = primary == null ? null
        : new PrimaryRounds(primary, tracker, config.pollInterval(), this::primaryError);
    router = new OutcomeRouter(config.filter(), metrics, this::installHelper);
    return new ProducerLoop.Stages(logSource, follower, tracker, rounds, helpers, new EventCompleter(primary, secrets),
        publisher, router, this::installHelper);
  }

  private void follow() {
    while (running) {
      ProducerLoop.Round round = loop.round();
      watchGenerations(round);
      if (!round.more() && running) {
        if (round.stuck()) {
          running &= Backoff.sleep(config.pollInterval()); // Kafka or the primary is away: retry at the interval
        } else {
          awaitLog(round.holding().isZero() || round.holding().compareTo(config.pollInterval()) > 0
              ? config.pollInterval() : round.holding());
        }
      }
    }
  }

  /**
   * A newer generation fences this producer (a failover elsewhere); a switchover request for its generation starts
   * the drain, and once drained it answers and stops.
   */
  private void watchGenerations(ProducerLoop.Round round) {
    GenerationHistory history = generations.poll();
    if (history != null) {
      if (history.currentNumber() != generation) {
        SourceGeneration.decide(history, source, config.topic()); // throws: fenced
      }
      history.request(generation).ifPresent(r -> {
        switchover = r;
        loop.drain(r.nonce());
      });
    }
    if (switchover != null && loop.drained(round)) {
      Switchover.Drained drained = new Switchover.Drained(generation, switchover.nonce(), source,
          generations.endOffsets(config.topic()), Instant.now(), loop.published());
      GenerationLog.write(config.kafka(), config.topic(), drained.key(), StatusJson.encode(drained));
      throw new DdlcastException(ExitCode.FAILED, "SWITCHED OVER: source " + source + " drained generation "
          + generation + " for the switchover to standby " + switchover.to() + " (" + loop.published()
          + " events published in all, the last at the end offsets " + drained.end() + "); this producer stops and "
          + "will not publish again: its primary is no longer the DDL source");
    }
  }

  private void awaitLog(Duration atMost) {
    try {
      watcher.await(atMost);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private void primaryError() {
    metrics.error(ErrorKind.RETRIABLE, "primary");
  }

  /** A new database not created from template1 lacks ddlcast's helper: install it (needs a superuser). */
  private void installHelper(String database) {
    if (installer == null) {
      return;
    }
    try {
      if (installer.install(database)) {
        LOG.info("installed ddlcast's helper in the new database {}", database);
      }
      helpers.forget(database);
    } catch (SQLException e) {
      LOG.warn("cannot install ddlcast's helper in the new database {} ({}): DDL there ships without its context "
          + "until 'producer install' runs", database, e.getMessage());
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
    }
    if (watcher != null) {
      watcher.close();
    }
    if (publisher != null) {
      publisher.close();
    }
    if (generations != null) {
      generations.close();
    }
    if (primary != null) {
      primary.close();
    }
    if (metricsServer != null) {
      metricsServer.close();
    }
    LOG.info("producer stopped ({} events published in all, {} records read and {} events filtered in this run)",
        loop == null ? 0 : loop.published(), loop == null ? 0 : loop.recordsRead(), filtered());
  }
}
