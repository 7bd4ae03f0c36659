package io.ddlcast.bench;

import io.ddlcast.testkit.EmbeddedKafka;
import java.util.concurrent.CountDownLatch;

/**
 * The Kafka broker of a bench run in its own JVM (see {@link Broker}): starts the testkit's embedded KRaft broker,
 * prints {@code broker at HOST:PORT} and serves until it is sent SIGTERM, when it stops and deletes its data.
 */
public final class BrokerMain {
  static final String READY = "broker at ";

  private BrokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    EmbeddedKafka kafka = EmbeddedKafka.launch();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      kafka.close();
      stopped.countDown();
    }, "broker-shutdown"));
    System.out.println(READY + kafka.bootstrapServers());
    System.out.flush();
    stopped.await();
  }
}
