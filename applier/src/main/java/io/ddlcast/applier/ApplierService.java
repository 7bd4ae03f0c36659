package io.ddlcast.applier;

import io.ddlcast.common.error.Backoff;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.generation.Generation;
import io.ddlcast.common.generation.GenerationHistory;
import io.ddlcast.common.generation.GenerationLog;
import io.ddlcast.common.kafka.KafkaCluster;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.metrics.Health;
import io.ddlcast.common.metrics.MetricsServer;
import io.ddlcast.common.status.ControlCommand;
import io.ddlcast.common.status.StandbyView;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One standby's applier, start to stop: waits for Kafka and for the topic, then consumes until asked to stop, and
 * stops cleanly (statements in hand finish, what was applied is committed).
 */
public final class ApplierService implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApplierService.class);

  private final ApplierConfig config;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean running = true;
  private volatile boolean ready;
  private volatile EventConsumer consumer;
  private final OperatorDecisions decisions;
  private long lastHeartbeat;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ApplierMetrics metrics;
  private MetricsServer metricsServer;

  /** How often a running applier says so on the results topic; status calls a standby down after 5 missed. */
  public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(2);

  private final ApplierTrust trust;
  private final Generations generations;
  /** Where {@code --until} stops this standby; null: it runs until stopped. */
  private UntilPoint until;
  private UntilStop untilStop;

  /** An applier that applies unsigned events (it says so loudly at start and in status). */
  public ApplierService(ApplierConfig config) {
    this(config, ApplierTrust.UNSIGNED);
  }

  /** An applier that applies only what {@code trust} accepts. */
  ApplierService(ApplierConfig config, ApplierTrust trust) {
    this.config = config;
    this.trust = trust;
    this.decisions = new OperatorDecisions(config.onError());
    this.metrics = new ApplierMetrics(registry, config.standbyName());
    this.generations = new Generations(config.kafka(), config.topic()).onRead(metrics::generation);
  }

  /**
   * Starts the applier on its own thread, and the metrics server first when --metrics-port is given (a port that
   * cannot be bound is a configuration error: nothing is started).
   */
  public Thread start() {
    metricsServer = MetricsServer.forOption(config.metricsPort(), registry, this::health);
    Thread thread = new Thread(this, "ddlcast-applier-" + config.standbyName());
    thread.start();
    return thread;
  }

  /** Stops this standby after {@code point} ({@code applier run --until}); before {@link #start}. */
  ApplierService until(UntilPoint point) {
    this.until = point;
    return this;
  }

  public boolean isReady() {
    return ready;
  }

  /** Ready: consuming the topic; down before that and once stopped. A standby that is down shows in the lag. */
  Health health() {
    return Health.of(ready && running && finished.getCount() > 0,
        Map.of("service", "applier", "standby", config.standbyName()));
  }

  /** Events this standby's filters left out since the applier started consuming (0 before). */
  public long filtered() {
    EventConsumer c = consumer;
    return c == null ? 0 : c.filtered();
  }

  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  @Override
  public void run() {
    try {
      LOG.info("applier for standby {} ({}) reading topic {} at {}", config.standbyName(), config.standby(),
          config.topic(), config.kafka().bootstrapServers());
      logTrust();
      if (!config.filter().isEmpty()) {
        LOG.info("standby {} takes only what the filters take: {}", config.standbyName(), config.filter().describe());
      }
      if (!awaitTopic()) {
        return;
      }
      try (ResultPublisher results = new ResultPublisher(config.kafka(), config.topic(),
              config.standbyName());
          ControlListener control = new ControlListener(config.kafka(), config.topic(),
              config.standbyName()).trusting(trust.operators());
          StatusFolder folder = new StatusFolder(config.kafka(), config.topic(), config.standbyName())) {
        folder.start();
        for (var skip : control.history()) {
          decisions.skip(skip.eventId());
        }
        if (isSourceAlready() || !locateUntil()) {
          return;
        }
        while (running) {
          EventConsumer c = new EventConsumer(config, () -> running, results, decisions, metrics, trust,
              generations);
          consumer = c;
          if (untilStop != null) {
            c.stopAfter(untilStop);
          }
          try (c) {
            c.open();
            ready = true;
            while (running && !c.restartRequested()) {
              c.pollOnce();
              act(control.poll(), c);
              heartbeat(results, c);
              if (c.promoted()) {
                promote();
                running = false;
              } else if (c.untilReached()) {
                stopAtUntil(results, folder, c);
                running = false;
              }
            }
          }
          metrics.clearPending(); // what was in hand is read again
          if (running) {
            LOG.info("standby {}: reading the topic again from the committed offsets", config.standbyName());
          }
        }
      }
    } catch (RuntimeException e) {
      failure.set(e); // reported by whoever started the loop (the run command: message and exit code)
    } catch (Error e) {
      failure.set(e);
      throw e;
    } finally {
      if (metricsServer != null) {
        metricsServer.close();
      }
      LOG.info("applier for standby {} stopped", config.standbyName());
      finished.countDown();
    }
  }

  /**
   * Operator commands, taken at once: a skip or retry that concerns a stopped stream re-reads the topic from the
   * committed offsets (where the failed event waits); streams the command does not name stay stopped.
   */
  private void act(List<ControlCommand> commands, EventConsumer c) {
    if (commands.isEmpty()) {
      return;
    }
    Map<Lane, String> stopped = c.stoppedLanes();
    Set<Lane> resume = new HashSet<>();
    for (ControlCommand command : commands) {
      if (command.type() == ControlCommand.Type.SKIP && command.eventId() != null) {
        decisions.skip(command.eventId());
        LOG.info("standby {}: the operator ({}) skips event {}", config.standbyName(), command.by(),
            command.eventId());
        stopped.forEach((lane, at) -> {
          if (at.equals(command.eventId())) {
            resume.add(lane);
          }
        });
      } else if (command.type() == ControlCommand.Type.RETRY) {
        Lane lane = command.database() == null ? null : Lane.named(command.database());
        LOG.info("standby {}: the operator ({}) retries {}", config.standbyName(), command.by(),
            lane == null ? "every stopped stream" : "database " + command.database());
        stopped.keySet().stream().filter(l -> lane == null || l.equals(lane)).forEach(resume::add);
      }
    }
    if (resume.isEmpty()) {
      return;
    }
    stopped.forEach((lane, at) -> {
      if (resume.contains(lane)) {
        decisions.release(lane);
      } else {
        decisions.keepStopped(lane, at);
      }
    });
    c.requestRestart();
  }

  /** This standby is the source of the current generation already: an applier has nothing to do here. */
  private boolean isSourceAlready() {
    GenerationHistory history = generations.refresh();
    history.problems().forEach(p -> LOG.warn("{}", p));
    Optional<Generation> current = history.current();
    if (current.isPresent() && config.standbyName().equals(current.get().standby())
        && history.promotion(current.get().generation()).isPresent()) {
      LOG.info("standby {} is the source of {} (promoted, source {}): this applier applies nothing; make it a "
          + "standby again with 'ddlcast rejoin' after another standby is promoted", config.standbyName(),
          current.get().describe(), history.promotion(current.get().generation()).get().source());
      return true;
    }
    return false;
  }

  /** Everything before the generation's start is applied: record the baselines and the promotion. */
  private void promote() {
    Generation generation = generations.refresh().current().orElseThrow();
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10));
    while (true) {
      try {
        Promoter.promote(config.kafka(), config.topic(), generation, config.standbyName(), config.standby());
        return;
      } catch (SQLException | KafkaException e) {
        LOG.warn("standby {}: recording the promotion failed ({}); retrying", config.standbyName(), e.getMessage());
        if (!backoff.sleep()) {
          return;
        }
      }
    }
  }

  private void heartbeat(ResultPublisher results, EventConsumer c) {
    long now = System.nanoTime();
    if (now - lastHeartbeat >= HEARTBEAT_INTERVAL.toNanos()) {
      lastHeartbeat = now;
      results.heartbeat(c.waits(), trust.signatures(), c.progress(), c.untilState());
    }
  }

  /**
   * Where --until stops this standby, found before anything is applied: on a topic of several partitions, event E
   * must be on the topic first (the other partitions are cut at its log time), and the applier waits until it is.
   * False if stopped while waiting.
   */
  private boolean locateUntil() {
    if (until == null) {
      return true;
    }
    try (EventLocator locator = new EventLocator(config.kafka(), config.topic(), config.standbyName())) {
      untilStop = new UntilStop(until, locator.partitions());
      if (until instanceof UntilPoint.AfterEvent e && !awaitLocation(locator, e.eventId())) {
        return false;
      }
      refuseIfPast(locator);
      LOG.info("standby {} applies everything up to --until {} and nothing after it, then stops",
          config.standbyName(), until.describe());
      return running;
    }
  }

  /**
   * Finds event E on the topic (a standby that resumes past E never reads it again). On one partition an event not
   * on the topic yet is found on the way; on more, the applier waits here until it is on the topic.
   */
  private boolean awaitLocation(EventLocator locator, String id) {
    boolean told = false;
    while (running) {
      Optional<UntilStop.Location> where = locator.find(id);
      if (where.isPresent()) {
        untilStop.located(where.get());
        LOG.info("standby {}: --until event {} is at partition {} offset {}, logged {}", config.standbyName(), id,
            where.get().partition(), where.get().offset(), where.get().logTime());
        return true;
      }
      if (!untilStop.needsLocation()) {
        return true;
      }
      if (!told) {
        LOG.info("standby {} has not reached --until event {} yet: it is not on the topic; with {} partitions "
            + "nothing is applied before it is (its log time cuts the other partitions)", config.standbyName(), id,
            locator.partitions());
        told = true;
      }
      Backoff.sleep(Duration.ofSeconds(2));
    }
    return false;
  }

  /** A standby that already applied an event past the point cannot be brought back to it: DDL is not undone. */
  private void refuseIfPast(EventLocator locator) {
    Map<TopicPartition, OffsetAndMetadata> committed;
    try (Admin admin = KafkaCluster.admin(config.kafka(), "ddlcast-applier-admin-" + config.standbyName())) {
      committed = admin.listConsumerGroupOffsets(Topics.applierGroup(config.standbyName()))
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new DdlcastException(ExitCode.FAILED, "cannot read where standby " + config.standbyName() + " stands "
          + "(its committed offsets), so --until cannot be checked: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    committed.forEach((tp, om) -> {
      if (om == null || om.offset() == 0 || !tp.topic().equals(config.topic())) {
        return;
      }
      EventLocator.Found found = locator.lastEventBefore(tp, om.offset());
      DdlEvent last = found == null ? null : found.event();
      if (last != null && untilStop.judge(tp.partition(), found.offset(), last) == UntilStop.Verdict.AFTER) {
        throw new DdlcastException(ExitCode.FAILED, "standby " + config.standbyName() + " already applied past "
            + "--until " + until.describe() + ": event " + last.id() + " (logged " + last.logTime() + ", partition "
            + tp.partition() + " before offset " + om.offset() + "); DDL is not undone: rebuild the standby under "
            + "a new --standby-name");
      }
    });
  }

  /** The --until point is reached: say so, in the log and (the last heartbeat, folded) in status. */
  private void stopAtUntil(ResultPublisher results, StatusFolder folder, EventConsumer c) {
    LOG.info("standby {} stopped at {} as --until asked: {}", config.standbyName(), until.describe(),
        c.untilStops());
    results.heartbeat(c.waits(), trust.signatures(), c.progress(), c.untilState());
    results.flush();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      StandbyView view = folder.view(config.standbyName());
      if (view != null && view.until() != null && view.until().reached()) {
        return;
      }
      Backoff.sleep(Duration.ofMillis(100));
    }
    LOG.warn("standby {}: status may not show it stopped at --until yet (its view was not updated within 10 s)",
        config.standbyName());
  }

  private void logTrust() {
    if (trust.events() == null) {
      LOG.warn("UNSIGNED: standby {} applies events without checking their signature (no --trusted-keys): any "
          + "client allowed to write topic {} runs statements here; give --trusted-keys (and --signing-key to the "
          + "producer) or let only the producer write the topic (Kafka ACLs)", config.standbyName(), config.topic());
    } else {
      LOG.info("standby {} applies only events signed by key(s) {}", config.standbyName(), trust.events().describe());
    }
    if (trust.operators() == null) {
      LOG.warn("operator commands (retry, skip) for standby {} are obeyed unsigned (no --operator-keys)",
          config.standbyName());
    } else {
      LOG.info("standby {} obeys only operator commands signed by key(s) {}", config.standbyName(),
          trust.operators().describe());
    }
    if (!trust.sources().isEmpty()) {
      LOG.info("standby {} serves only the events of source(s) {}", config.standbyName(),
          String.join(", ", trust.sources()));
    }
    config.standby().unverifiedServer().ifPresent(why ->
        LOG.warn("--standby-url of standby {}: {}", config.standbyName(), why));
  }

  private boolean awaitTopic() {
    try (Admin admin = KafkaCluster.admin(config.kafka(), "ddlcast-applier-admin-" + config.standbyName())) {
      Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10));
      boolean logged = false;
      while (running) {
        if (!KafkaCluster.awaitReachable(admin, config.kafka().bootstrapServers(), () -> running)) {
          return false;
        }
        try {
          Set<String> topics = admin.listTopics().names().get(15, TimeUnit.SECONDS);
          if (topics.contains(config.topic())) {
            StatusTopics.ensure(admin, config.topic());
            GenerationLog.ensureTopic(admin, config.topic(), Optional.empty());
            return true;
          }
          if (!logged) {
            LOG.info("topic {} does not exist yet; waiting for the producer to create it", config.topic());
            logged = true;
          }
        } catch (ExecutionException | TimeoutException e) {
          LOG.warn("listing topics failed ({}); retrying", e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
        if (!backoff.sleep()) {
          return false;
        }
      }
    }
    return false;
  }

  /** Stops consuming; statements in hand finish and what was applied is committed. */
  @Override
  public void close() {
    running = false;
    EventConsumer c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      if (!finished.await(90, TimeUnit.SECONDS)) {
        LOG.warn("the applier for standby {} did not stop within 90 s", config.standbyName());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
