package io.ddlcast.bench;

import io.ddlcast.producer.primary.PrimarySettings;
import io.ddlcast.testkit.PostgresOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the bench configures every cluster it starts. Unlike the tests' clusters (fsync, synchronous_commit and
 * full_page_writes off, for speed) every bench server is durable, as production runs it: a benchmark of a primary
 * whose commits never reach the disk would hide exactly the cost a DBA asks about.
 *
 * <p>The primary gets the settings the producer itself requires, read from {@link PrimarySettings} (what
 * {@code producer check} judges), never a copy kept here: when the producer's requirements change, the bench
 * measures the new ones. Beside them only the file layout the testkit's readers expect (files under
 * {@code pgdata/log}, rotated at 10 MB, readable by others), which is no requirement of ddlcast's.
 */
final class ServerSetup {
  /** The durability settings of production, overriding the testkit's speed settings. */
  static final Map<String, String> DURABLE = Map.of("fsync", "on", "synchronous_commit", "on",
      "full_page_writes", "on");

  private static final Map<String, String> LOG_LAYOUT = Map.of("log_directory", "log",
      "log_filename", "postgresql-%Y-%m-%d_%H%M%S.log", "log_rotation_size", "10MB", "log_rotation_age", "0",
      "log_file_mode", "0644");

  private ServerSetup() {}

  /** Each setting the producer requires on the primary, with the value {@code producer check} asks for. */
  static Map<String, String> required() {
    Map<String, String> settings = new LinkedHashMap<>();
    for (PrimarySettings.Finding f : PrimarySettings.judge(Map.of())) {
      settings.put(f.rule().name(), f.rule().fixValue());
    }
    return settings;
  }

  /** A primary as ddlcast needs it: the producer's required settings, the log layout, durable. */
  static PostgresOptions primary() {
    PostgresOptions options = plain();
    for (Map.Entry<String, String> e : LOG_LAYOUT.entrySet()) {
      options = options.withSetting(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, String> e : required().entrySet()) {
      options = options.withSetting(e.getKey(), e.getValue());
    }
    return options;
  }

  /** A plain durable cluster with English messages: a standby, or a primary without ddlcast. */
  static PostgresOptions plain() {
    return durable(PostgresOptions.standby());
  }

  static PostgresOptions durable(PostgresOptions options) {
    PostgresOptions result = options;
    for (Map.Entry<String, String> e : DURABLE.entrySet()) {
      result = result.withSetting(e.getKey(), e.getValue());
    }
    return result;
  }
}
