package io.ddlcast.testkit;

import java.util.List;

/**
 * Keeps an in-process broker quiet. The broker logs through SLF4J, so with the slf4j-simple binding the tests and
 * the demo use it would print hundreds of INFO lines per start. Sets WARN for the broker's logger trees
 * ({@code kafka}, {@code org.apache.kafka}, {@code state.change.logger}) through slf4j-simple's system properties,
 * unless a property is already set (set it yourself, e.g. {@code -Dorg.slf4j.simpleLogger.log.org.apache.kafka=info},
 * to see more). Other bindings (logback, log4j) are configured by their own files and left alone. Note that
 * {@code org.apache.kafka} also covers the Kafka clients of the same JVM.
 */
final class KafkaLogging {

  private static final String PREFIX = "org.slf4j.simpleLogger.log.";
  private static final List<String> BROKER_LOGGERS = List.of("kafka", "org.apache.kafka", "state.change.logger");

  private KafkaLogging() {
  }

  static synchronized void quiet() {
    for (String logger : BROKER_LOGGERS) {
      if (System.getProperty(PREFIX + logger) == null) {
        System.setProperty(PREFIX + logger, "warn");
      }
    }
  }
}
