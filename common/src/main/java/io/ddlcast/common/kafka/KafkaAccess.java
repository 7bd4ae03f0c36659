package io.ddlcast.common.kafka;

import io.ddlcast.common.cli.Problems;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * How ddlcast reaches the Kafka cluster: the bootstrap servers and the user's client properties
 * ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...), validated once at configuration time
 * ({@link KafkaClientProperties}) and passed through untouched to every client ddlcast creates. Keys that ddlcast
 * sets itself are never among them (validation refuses them), so they cannot change what a client guarantees.
 *
 * <p>{@link #toString()} names the property keys only: their values hold passwords ({@code sasl.jaas.config},
 * {@code ssl.keystore.password}, ...) and nothing of ddlcast prints them.
 */
public record KafkaAccess(String bootstrapServers, Map<String, String> userProperties) {

  public KafkaAccess {
    userProperties = Map.copyOf(userProperties);
  }

  /** No user properties: a PLAINTEXT cluster without authentication (the demo, most tests). */
  public static KafkaAccess plaintext(String bootstrapServers) {
    return new KafkaAccess(bootstrapServers, Map.of());
  }

  /**
   * The validated access, or null after recording in {@code problems} what is wrong with the bootstrap servers or
   * the client properties (all problems at once).
   */
  public static KafkaAccess validate(String bootstrapServers, KafkaClientProperties.Sources sources,
      Problems problems) {
    String bootstrap = KafkaNames.checkBootstrap(bootstrapServers, problems);
    Map<String, String> user = KafkaClientProperties.collect(sources, problems);
    return bootstrap == null || user == null ? null : new KafkaAccess(bootstrap, user);
  }

  /** The user's properties, then what every ddlcast client sets: bootstrap servers, client id, reconnect backoff. */
  public Properties clientProperties(String clientId) {
    Properties props = new Properties();
    props.putAll(userProperties);
    props.putAll(KafkaCluster.clientProperties(bootstrapServers, clientId));
    return props;
  }

  @Override
  public String toString() {
    return "KafkaAccess[" + bootstrapServers + ", properties " + new TreeSet<>(userProperties.keySet()) + "]";
  }
}
