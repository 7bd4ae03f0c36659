package io.ddlcast.common.cli;

/**
 * Sets the log levels of the SLF4J simple logger before the first logger exists. Default: ddlcast at INFO, the
 * Kafka client libraries at ERROR (ddlcast reports unreachable brokers itself, once, with what it will do), to
 * standard error so that standard output stays for command results. {@code --verbose}: ddlcast at DEBUG, Kafka at
 * WARN, stack traces of failures.
 */
public final class Logging {
  private static final String PREFIX = "org.slf4j.simpleLogger.";

  private Logging() {}

  public static void configure(boolean verbose) {
    setIfAbsent("logFile", "System.err");
    setIfAbsent("showDateTime", "true");
    setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setIfAbsent("showThreadName", "false");
    setIfAbsent("showShortLogName", "true");
    setIfAbsent("levelInBrackets", "false");
    setIfAbsent("defaultLogLevel", "info");
    setIfAbsent("log.io.ddlcast", verbose ? "debug" : "info");
    setIfAbsent("log.org.apache.kafka", verbose ? "warn" : "error");
    setIfAbsent("log.kafka", verbose ? "warn" : "error");
    setIfAbsent("log.org.apache.kafka.clients.NetworkClient", "error");
    setIfAbsent("log.org.apache.kafka.clients.consumer.internals.ConsumerCoordinator", "error");
    setIfAbsent("log.org.apache.kafka.clients.producer.internals.TransactionManager", "error");
    setIfAbsent("log.org.apache.kafka.common.utils.AppInfoParser", "error");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(PREFIX + key) == null) {
      System.setProperty(PREFIX + key, value);
    }
  }
}
