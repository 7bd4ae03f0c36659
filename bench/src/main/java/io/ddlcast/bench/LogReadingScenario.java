package io.ddlcast.bench;

import io.ddlcast.testkit.PostgresOptions;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.TestServers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Scenario 4: the producer's csvlog reading on a realistic log, beside {@code wc -l} on the same files.
 *
 * <p>The log is captured, not synthesized: a primary configured as the producer expects (plus
 * {@code log_connections}, {@code log_checkpoints} every 30 s and {@code log_autovacuum_min_duration = 0}), with
 * ddlcast's helper, is kept busy by {@code pgbench} (TPC-B-like, 4 clients, every statement logged as a
 * {@code duration} record), a second {@code pgbench} that connects for every select-only transaction (connection and
 * disconnection records), and a client that runs one DDL every {@value #DDL_EVERY_MILLIS} ms, one in ten of them
 * failing (statement, helper, error and completion records): DDL is sparse among the rest. The capture stops at the
 * requested size; the files rotate at 10 MB as the testkit configures the primary.
 *
 * <p>Reading: {@link LogReadMain} in its own JVM, pinned to one core with {@code taskset -c 0} when taskset exists,
 * reads the directory with the producer's {@code LogFollower}, {@code CsvlogParser} and {@code SessionTracker} on one
 * thread, each pass followed by commons-csv alone parsing the same files (alternated in one JVM, so both see the
 * same machine): what the producer's reader is judged against, pass by pass (it must read at 0.8 of that or
 * more); the first pass of each warms the JIT and the page cache and is not counted. {@code wc -l} runs on the
 * same files, pinned likewise, after a warm-up run.
 */
final class LogReadingScenario {
  static final long DDL_EVERY_MILLIS = 100;

  /** Per timed pass: records/s and MB/s of the reader and of commons-csv alone, lines/s and MB/s of wc -l. */
  record Result(List<Double> recordsPerSecond, List<Double> readerMbPerSecond, List<Double> csvRecordsPerSecond,
      List<Double> csvMbPerSecond, List<Double> wcLinesPerSecond, List<Double> wcMbPerSecond, long records,
      long bytes, long files, long ddlPublished) {}

  /** The timed passes of one {@link LogReadMain} run. */
  record Passes(List<Double> recordsPerSecond, List<Double> mbPerSecond, long records, long bytes,
      long published) {}

  private final Path logs;
  private final PrintStream out;

  LogReadingScenario(Path logs, PrintStream out) {
    this.logs = logs;
    this.out = out;
  }

  /** Captures a log of at least {@code megabytes} into {@code target} (created). */
  void capture(Path target, int megabytes) throws Exception {
    PostgresOptions options = ServerSetup.primary().withSetting("log_connections", "on")
        .withSetting("log_checkpoints", "on").withSetting("checkpoint_timeout", "30s")
        .withSetting("log_autovacuum_min_duration", "0");
    try (PostgresServer primary = TestServers.postgres("logcapture", options)) {
      Placement.pin(primary, Placement.PRIMARY_HOST);
      Rig.installHelper(primary, logs.resolve("logcapture-install.log"));
      primary.execute("postgres", "CREATE DATABASE shop");
      List<String> conn = List.of("-h", primary.host(), "-p", Integer.toString(primary.port()), "-U",
          primary.superuser());
      PgTools.checked(PgTools.run(pgbench(conn, "-i", "-q", "-s", "4"), Map.of(), 600), "pgbench -i");
      long bytesWanted = megabytes * 1024L * 1024L;
      List<Process> load = new ArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      Thread ddl = new Thread(() -> runDdl(primary, stop), "bench-ddl");
      try {
        load.add(start(pgbench(conn, "-n", "-c", "4", "-j", "2", "-T", "3600")));
        load.add(start(pgbench(conn, "-n", "-S", "-C", "-c", "1", "-T", "3600")));
        ddl.start();
        long t0 = System.nanoTime();
        while (size(primary.logDirectory()) < bytesWanted) {
          for (Process p : load) {
            if (!p.isAlive()) {
              throw new BenchException("pgbench exited early with " + p.exitValue());
            }
          }
          if (System.nanoTime() - t0 > 1_800_000_000_000L) {
            throw new BenchException("capturing the log took more than 30 minutes");
          }
          Thread.sleep(200);
        }
      } finally {
        stop.set(true);
        load.forEach(Process::destroy);
        for (Process p : load) {
          p.waitFor();
        }
        ddl.join();
      }
      primary.stop(); // the logging collector writes out what it has
      Files.createDirectories(target);
      try (Stream<Path> files = Files.list(primary.logDirectory())) {
        for (Path f : files.filter(p -> p.toString().endsWith(".csv")).toList()) {
          Files.copy(f, target.resolve(f.getFileName()));
        }
      }
    }
  }

  private static List<String> pgbench(List<String> connection, String... args) {
    List<String> command = new ArrayList<>(List.of(PgTools.program("pgbench")));
    command.addAll(connection);
    command.addAll(List.of(args));
    command.add("shop");
    return command;
  }

  private static Process start(List<String> command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
    return builder.start();
  }

  private static void runDdl(PostgresServer primary, AtomicBoolean stop) {
    String url = primary.jdbcUrl("shop") + "&preferQueryMode=simple";
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      for (int i = 0; !stop.get(); i++) {
        String sql = switch (i % 4) {
          case 0 -> "CREATE TABLE report_" + i + " (id bigint PRIMARY KEY, total numeric(12,2), note text)";
          case 1 -> "CREATE INDEX report_" + i + "_ix ON report_" + (i - 1) + " (total)";
          case 2 -> "ALTER TABLE report_" + (i - 2) + " ADD COLUMN extra_" + i + " jsonb";
          default -> "DROP TABLE report_" + (i - 3);
        };
        try {
          st.execute(i % 10 == 9 ? "CREATE TABLE pgbench_accounts (id int)" : sql); // one in ten fails
        } catch (SQLException expected) {
          // the failing DDL: an error record in the log, nothing published
        }
        Thread.sleep(DDL_EVERY_MILLIS);
      }
    } catch (SQLException e) {
      if (!stop.get()) {
        throw new BenchException("the DDL client failed: " + e.getMessage(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long size(Path dir) throws IOException {
    if (dir == null || !Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".csv")).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  /**
   * Reads the captured directory {@code passes} + 1 times (the first is a warm-up) with the producer's reader, as
   * often with commons-csv alone, and runs wc -l as often.
   */
  Result measure(Path dir, int passes) throws IOException {
    List<String> pin = Placement.pinned(Placement.PRIMARY_HOST, List.of());
    String output = readerOutput(dir, passes, pin);
    Passes reader = passes(output, LogReadMain.PRODUCER, passes);
    Passes csv = passes(output, LogReadMain.COMMONS_CSV, passes);
    if (csv.records() != reader.records()) {
      out.printf("    note: commons-csv alone read %,d records, the producer's reader %,d%n", csv.records(),
          reader.records());
    }
    long records = reader.records();
    long bytes = reader.bytes();
    long published = reader.published();
    List<String> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".csv")).map(Path::toString).sorted().toList();
    }
    List<String> wc = new ArrayList<>(pin);
    wc.addAll(List.of("wc", "-l"));
    wc.addAll(files);
    List<Double> wcLines = new ArrayList<>();
    List<Double> wcMb = new ArrayList<>();
    for (int pass = 0; pass <= passes; pass++) {
      PgTools.Run w = PgTools.checked(PgTools.run(wc, Map.of(), 600), "wc -l");
      List<String> lines = w.output().lines().toList();
      String total = lines.get(lines.size() - 1).strip().split("\\s+")[0];
      if (pass > 0) {
        wcLines.add(Long.parseLong(total) / w.seconds());
        wcMb.add(bytes / 1048576.0 / w.seconds());
      }
    }
    out.printf("    %d records, %.1f MB in %d files (%d DDL events the producer would publish)%n", records,
        bytes / 1048576.0, files.size(), published);
    return new Result(reader.recordsPerSecond(), reader.mbPerSecond(), csv.recordsPerSecond(), csv.mbPerSecond(),
        wcLines, wcMb, records, bytes, files.size(), published);
  }

  private static String readerOutput(Path dir, int passes, List<String> pin) {
    List<String> command = new ArrayList<>(pin);
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", Jars.self().toString(), LogReadMain.class.getName(), dir.toString(), Integer.toString(passes + 1)));
    return PgTools.checked(PgTools.run(command, Map.of(), 3600), "the log reader").output();
  }

  /** The timed passes (all but the first) of one reader in {@link LogReadMain}'s output. */
  static Passes passes(String output, String reader, int passes) {
    List<Double> recordsPerSecond = new ArrayList<>();
    List<Double> mbPerSecond = new ArrayList<>();
    long records = 0;
    long bytes = 0;
    long published = 0;
    for (String line : output.lines().filter(l -> l.startsWith("pass ")).toList()) {
      String[] f = line.split(" ");
      if (!f[2].equals(reader)) {
        continue;
      }
      int pass = Integer.parseInt(f[1]);
      records = Long.parseLong(f[3]);
      bytes = Long.parseLong(f[4]);
      double seconds = Long.parseLong(f[5]) / 1e9;
      published = Long.parseLong(f[7]);
      if (pass > 0) {
        recordsPerSecond.add(records / seconds);
        mbPerSecond.add(bytes / 1048576.0 / seconds);
      }
    }
    if (recordsPerSecond.size() != passes) {
      throw new BenchException("the log reader printed " + recordsPerSecond.size() + " timed passes of " + reader
          + ", expected " + passes + ":\n" + PgTools.tail(output));
    }
    return new Passes(recordsPerSecond, mbPerSecond, records, bytes, published);
  }
}
