package io.ddlcast.testkit;

import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;

/**
 * Waits until a broker really serves requests: a started server process is not yet a broker that answers
 * metadata requests, and a test that races it gets confusing timeouts instead of a clear "broker did not come up".
 */
final class KafkaReadiness {

  private KafkaReadiness() {
  }

  static void await(String bootstrapServers, Duration timeout) {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    await(properties, timeout);
  }

  /** With the admin client's connection settings (a secured broker's SASL and TLS properties). */
  static void await(Properties connection, Duration timeout) {
    String bootstrapServers = connection.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    Properties properties = new Properties();
    properties.putAll(connection);
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "ddlcast-testkit-readiness");
    try (Admin admin = Admin.create(properties)) {
      Await.until("Kafka broker at " + bootstrapServers + " to serve requests", timeout,
          () -> !describeNodes(admin).isEmpty());
    }
  }

  private static Collection<Node> describeNodes(Admin admin) {
    try {
      return admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new TestkitException("describeCluster failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestkitException("interrupted while waiting for the broker", e);
    }
  }
}
