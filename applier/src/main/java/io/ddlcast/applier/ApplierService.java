package io.ddlcast.applier;

import io.ddlcast.common.error.Backoff;
import io.ddlcast.common.kafka.KafkaCluster;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
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

  public ApplierService(ApplierConfig config) {
    this.config = config;
  }

  public Thread start() {
    Thread thread = new Thread(this, "ddlcast-applier-" + config.standbyName());
    thread.start();
    return thread;
  }

  public boolean isReady() {
    return ready;
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
          config.topic(), config.bootstrapServers());
      if (!config.filter().isEmpty()) {
        LOG.info("standby {} takes only what the filters take: {}", config.standbyName(), config.filter().describe());
      }
      if (!awaitTopic()) {
        return;
      }
      EventConsumer c = new EventConsumer(config, () -> running);
      consumer = c;
      try (c) {
        c.open();
        ready = true;
        while (running) {
          c.pollOnce();
        }
      }
    } catch (RuntimeException e) {
      failure.set(e); // reported by whoever started the loop (the run command: message and exit code)
    } catch (Error e) {
      failure.set(e);
      throw e;
    } finally {
      LOG.info("applier for standby {} stopped", config.standbyName());
      finished.countDown();
    }
  }

  private boolean awaitTopic() {
    try (Admin admin = KafkaCluster.admin(config.bootstrapServers(), "ddlcast-applier-admin-" + config.standbyName())) {
      Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10));
      boolean logged = false;
      while (running) {
        if (!KafkaCluster.awaitReachable(admin, config.bootstrapServers(), () -> running)) {
          return false;
        }
        try {
          Set<String> topics = admin.listTopics().names().get(15, TimeUnit.SECONDS);
          if (topics.contains(config.topic())) {
            return true;
          }
          if (!logged) {
            LOG.info("topic {} does not exist yet; waiting for the producer to create it", config.topic());
            logged = true;
          }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          LOG.warn("listing topics failed ({}); retrying", e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
        try {
          Thread.sleep(backoff.next().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
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
