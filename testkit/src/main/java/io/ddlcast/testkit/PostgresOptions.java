package io.ddlcast.testkit;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to set up a cluster: extra {@code postgresql.conf} settings and where to put its files.
 *
 * <p>Setting values are given raw, as PostgreSQL should see them ({@code csvlog}, {@code 10MB},
 * {@code "$user", public}); they are quoted when written to {@code postgresql.conf} and passed unquoted as
 * {@code -c name=value} to a container. A value already wrapped in single quotes is taken as a quoted
 * configuration literal and written as is.
 *
 * <p>{@link #primary()} turns on the csvlog exactly as the producer expects it (every DDL statement, every
 * statement's duration, every disconnection, timestamped files that are never truncated). {@link #standby()} is a
 * plain cluster that logs to its stderr log only.
 *
 * @param settings extra settings, applied after the testkit's own (port, listen address, speed settings)
 * <p>{@link #withTls()} makes a server that accepts TCP connections over TLS only, with a certificate of a test CA
 * ({@link TestCertificates}); its {@link PostgresServer#jdbcUrl} then says {@code sslmode=verify-full} with that CA
 * as {@code sslrootcert}, so every client a test starts verifies the server and its host name.
 *
 * @param settings extra settings, applied after the testkit's own (port, listen address, speed settings)
 * @param baseDir  the directory under which the cluster's own directory is created, or {@code null} for the
 *                 system temp directory
 * @param tls      TCP over TLS only (hostssl), with a test CA's certificate
 */
public record PostgresOptions(Map<String, String> settings, Path baseDir, boolean tls) {

  public PostgresOptions {
    Objects.requireNonNull(settings, "settings");
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  public PostgresOptions(Map<String, String> settings, Path baseDir) {
    this(settings, baseDir, false);
  }

  /** A primary whose csvlog (under {@code pgdata/log}) is what the producer reads. */
  public static PostgresOptions primary() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("logging_collector", "on");
    settings.put("log_destination", "csvlog");
    settings.put("log_statement", "ddl");
    settings.put("log_duration", "on");
    settings.put("log_disconnections", "on");
    settings.put("log_truncate_on_rotation", "off");
    settings.put("log_filename", "postgresql-%Y-%m-%d_%H%M%S.log");
    settings.put("log_directory", "log");
    settings.put("log_file_mode", "0644");
    settings.put("log_rotation_size", "10MB");
    settings.put("log_rotation_age", "0");
    settings.put("log_min_messages", "warning");
    settings.put("lc_messages", "C");
    return new PostgresOptions(settings, null);
  }

  /** A standby: English messages, logging to its stderr log ({@code server.log}) only. */
  public static PostgresOptions standby() {
    return new PostgresOptions(Map.of("lc_messages", "C"), null);
  }

  /** A copy with one more (or a replaced) setting. */
  public PostgresOptions withSetting(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(settings);
    copy.put(name, value);
    return new PostgresOptions(copy, baseDir, tls);
  }

  /** A copy whose cluster directory is created under {@code directory}. */
  public PostgresOptions withBaseDir(Path directory) {
    return new PostgresOptions(settings, directory, tls);
  }

  /** A copy that accepts TCP connections over TLS only (see the class comment). */
  public PostgresOptions withTls() {
    return new PostgresOptions(settings, baseDir, true);
  }

  /** The raw value of a setting given here, without surrounding quotes. */
  public Optional<String> setting(String name) {
    return Optional.ofNullable(settings.get(name)).map(PostgresOptions::unquote);
  }

  /** Whether these settings make the server write csvlog files (logging collector on, csvlog destination). */
  public boolean csvlogEnabled() {
    boolean collector = setting("logging_collector").map(v -> v.toLowerCase(Locale.ROOT))
        .filter(v -> v.equals("on") || v.equals("true") || v.equals("yes") || v.equals("1")).isPresent();
    boolean csv = setting("log_destination").map(v -> v.toLowerCase(Locale.ROOT).contains("csvlog")).orElse(false);
    return collector && csv;
  }

  /** {@code name = 'value'} as a line of {@code postgresql.conf}. */
  static String confLine(String name, String value) {
    return name + " = " + quote(value);
  }

  /** A configuration-file literal: single quotes around, single quotes inside doubled. */
  static String quote(String value) {
    if (isQuoted(value)) {
      return value;
    }
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  /** The raw value of a possibly quoted configuration literal. */
  static String unquote(String value) {
    if (!isQuoted(value)) {
      return value;
    }
    return value.substring(1, value.length() - 1).replace("''", "'").replace("\\'", "'").replace("\\\\", "\\");
  }

  private static boolean isQuoted(String value) {
    return value.length() >= 2 && value.startsWith("'") && value.endsWith("'");
  }
}
