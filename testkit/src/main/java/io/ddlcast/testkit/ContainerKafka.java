package io.ddlcast.testkit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotModifiedException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A single-node KRaft Kafka in a Docker container ({@code apache/kafka}), for machines where Docker runs and the
 * broker should be the released image rather than jars in the test JVM.
 *
 * <p>The client port is bound to a fixed host port chosen up front, because Testcontainers writes the advertised
 * listener into the container once: {@link #stop()} and {@link #start()} stop and start the same container through
 * the Docker API (data in the container's file system is kept, the address stays valid), while {@link #close()}
 * removes the container and its data. Internal topics are sized for one node like {@link EmbeddedKafka}.
 */
public final class ContainerKafka implements KafkaServer {

  static final String IMAGE = "apache/kafka:4.1.0";
  private static final Logger LOG = LoggerFactory.getLogger(ContainerKafka.class);
  private static final int KAFKA_PORT = 9092;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final String TERMINATE_BROKER = "for p in /proc/[0-9]*; do"
      + " if grep -q 'kafka[.]Kafka' \"$p/cmdline\" 2>/dev/null; then kill -TERM \"${p#/proc/}\"; fi; done";

  private final KafkaContainer container;
  private final String bootstrapServers;
  private boolean running = true;
  private boolean closed;

  private ContainerKafka(KafkaContainer container) {
    this.container = container;
    this.bootstrapServers = container.getBootstrapServers();
  }

  /** Starts a new container; returns when the broker serves requests. */
  public static ContainerKafka launch() {
    long started = System.nanoTime();
    KafkaContainer container = new KafkaContainer(DockerImageName.parse(IMAGE))
        .withEnv("KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "1")
        .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
        .withEnv("KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE", "8388608")
        .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
        .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1");
    container.setPortBindings(List.of(FreePorts.pick() + ":" + KAFKA_PORT));
    try {
      container.start();
    } catch (RuntimeException e) {
      container.stop();
      throw new TestkitException("could not start Kafka container " + IMAGE + ": " + e.getMessage(), e);
    }
    ContainerKafka kafka = new ContainerKafka(container);
    KafkaReadiness.await(kafka.bootstrapServers, READY_TIMEOUT);
    LOG.info("Kafka container {} up at {} in {} ms", IMAGE, kafka.bootstrapServers,
        (System.nanoTime() - started) / 1_000_000);
    return kafka;
  }

  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public synchronized void stop() {
    if (!running || closed) {
      return;
    }
    terminateBroker();
    try {
      docker().stopContainerCmd(container.getContainerId()).withTimeout(30).exec();
    } catch (NotModifiedException alreadyStopped) {
      LOG.debug("Kafka container at {} had already stopped", bootstrapServers);
    }
    running = false;
    LOG.info("Kafka container at {} stopped", bootstrapServers);
  }

  @Override
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("Kafka container at " + bootstrapServers + " is closed");
    }
    if (running) {
      return;
    }
    docker().startContainerCmd(container.getContainerId()).exec();
    running = true;
    KafkaReadiness.await(bootstrapServers, READY_TIMEOUT);
    LOG.info("Kafka container at {} started again", bootstrapServers);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    container.stop();
  }

  @Override
  public String toString() {
    return "ContainerKafka[" + IMAGE + " " + bootstrapServers + "]";
  }

  /**
   * Sends SIGTERM to the broker's JVM for a clean shutdown. {@code docker stop} alone would signal PID 1, the
   * Testcontainers starter shell, which ignores SIGTERM, so Docker would kill the broker after its timeout.
   */
  private void terminateBroker() {
    try {
      container.execInContainer("sh", "-c", TERMINATE_BROKER);
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not signal the broker in {}: {}", container.getContainerId(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestkitException("interrupted while stopping the Kafka container", e);
    }
  }

  private DockerClient docker() {
    return container.getDockerClient();
  }
}
