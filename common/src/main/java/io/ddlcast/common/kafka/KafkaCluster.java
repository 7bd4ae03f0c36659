package io.ddlcast.common.kafka;

import io.ddlcast.common.error.Backoff;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ErrorClassifier;
import io.ddlcast.common.error.ErrorKind;
import io.ddlcast.common.error.ExitCode;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access to the Kafka cluster that is patient when the broker is not there yet: {@link #awaitReachable} names the
 * servers it cannot reach and keeps trying with backoff, instead of letting the client library log the same warning
 * every second.
 */
public final class KafkaCluster {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);

  private KafkaCluster() {}

  /** Client properties every ddlcast client starts from (see {@link KafkaAccess#clientProperties}). */
  public static Properties clientProperties(String bootstrapServers, String clientId) {
    Properties props = new Properties();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    props.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, "5000");
    return props;
  }

  /** An admin client with the user's client properties. */
  public static Admin admin(KafkaAccess kafka, String clientId) {
    Properties props = kafka.clientProperties(clientId);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    return Admin.create(props);
  }

  /**
   * Blocks until the cluster answers, logging once per attempt (with growing pauses) which servers are unreachable.
   * Returns false if {@code running} turned false meanwhile.
   */
  public static boolean awaitReachable(Admin admin, String bootstrapServers, BooleanSupplier running) {
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10));
    while (running.getAsBoolean()) {
      try {
        admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        if (backoff.attempts() > 0) {
          LOG.info("Kafka at {} is reachable again", bootstrapServers);
        }
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        if (ErrorClassifier.classify(cause) == ErrorKind.PERMANENT
            && !(cause instanceof TimeoutException)) {
          throw new DdlcastException(ExitCode.FAILED,
              "Kafka at " + bootstrapServers + " refused ddlcast: " + cause.getMessage(), cause);
        }
        Duration wait = backoff.next();
        LOG.warn("Kafka at {} is unreachable ({}); retrying in {} s",
            bootstrapServers, describe(cause), wait.toMillis() / 1000.0);
        if (!sleep(wait)) {
          return false;
        }
      }
    }
    return false;
  }

  private static String describe(Throwable cause) {
    if (cause instanceof TimeoutException
        || cause instanceof org.apache.kafka.common.errors.TimeoutException) { // FQN: the other one is imported
      return "no answer within 5 s";
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  private static boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
