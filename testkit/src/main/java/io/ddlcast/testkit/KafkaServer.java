package io.ddlcast.testkit;

/**
 * One real Kafka broker for the demo and the integration tests, in-process ({@link EmbeddedKafka}) or in a
 * container ({@link ContainerKafka}). Fault tests stop it and start it again: it comes back on the same address
 * with its data, so producers and consumers reconnect as they would to a restarted production broker.
 */
public interface KafkaServer extends AutoCloseable {

  /** {@code host:port} for {@code bootstrap.servers}; the same across {@link #stop()} and {@link #start()}. */
  String bootstrapServers();

  /** Takes the broker down; its data is kept. Does nothing if it is already down. */
  void stop();

  /** Brings the broker back after {@link #stop()}; returns when it serves requests. Does nothing if it is up. */
  void start();

  /** Stops the broker and deletes its data. */
  @Override
  void close();
}
