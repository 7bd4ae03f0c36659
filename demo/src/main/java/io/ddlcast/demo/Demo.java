package io.ddlcast.demo;

import io.ddlcast.applier.ApplierConfig;
import io.ddlcast.applier.ApplierService;
import io.ddlcast.common.cli.Cli;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.producer.ProducerConfig;
import io.ddlcast.producer.ProducerMain;
import io.ddlcast.producer.ProducerService;
import io.ddlcast.producer.StartFrom;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.KafkaServer;
import io.ddlcast.testkit.PostgresOptions;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import io.ddlcast.testkit.TestServers;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * The demo's course, on embedded defaults. It wires the same producer and applier classes the jars run, against
 * real servers from the testkit; it adds no replication logic of its own.
 */
final class Demo implements AutoCloseable {
  static final String FAILING_DDL = "CREATE FOREIGN TABLE employee_bad (empno INT) SERVER no_such_server";

  private final PrintStream out;
  private final List<AutoCloseable> started = new ArrayList<>();
  private KafkaServer kafka;
  private PostgresServer primary;
  private PostgresServer standby1;
  private PostgresServer standby2;
  private Path shared;
  private int succeeded;
  private int failed;

  Demo(PrintStream out) {
    this.out = out;
  }

  boolean run(Duration timeout) throws Exception {
    long t0 = System.nanoTime();
    say("Starting a Kafka broker (KRaft) and three PostgreSQL clusters: primary, standby1, standby2 ...");
    CompletableFuture<KafkaServer> kafkaStart = CompletableFuture.supplyAsync(TestServers::kafka);
    CompletableFuture<PostgresServer> primaryStart =
        CompletableFuture.supplyAsync(() -> TestServers.postgres("primary", PostgresOptions.primary()));
    CompletableFuture<PostgresServer> standby1Start =
        CompletableFuture.supplyAsync(() -> TestServers.postgres("standby1", PostgresOptions.standby()));
    CompletableFuture<PostgresServer> standby2Start =
        CompletableFuture.supplyAsync(() -> TestServers.postgres("standby2", PostgresOptions.standby()));
    primary = track(primaryStart.join());
    standby1 = track(standby1Start.join());
    standby2 = track(standby2Start.join());
    kafka = track(kafkaStart.join());
    say("  Kafka at %s; primary at %s:%d, standby1 at %s:%d, standby2 at %s:%d (%.1f s)", kafka.bootstrapServers(),
        primary.host(), primary.port(), standby1.host(), standby1.port(), standby2.host(), standby2.port(),
        seconds(t0));

    shared = sharedStorage();
    installHelper();
    startPipeline();
    say("Producer following the primary's csvlog, appliers for standby1 and standby2 running (%.1f s)", seconds(t0));

    say("");
    say("Running the scenario on the primary:");
    long ddlStart = System.nanoTime();
    runOnPrimary("postgres", "CREATE DATABASE company");
    runOnPrimary("company", "CREATE EXTENSION file_fdw");
    runOnPrimary("company", "CREATE SERVER shared_storage FOREIGN DATA WRAPPER file_fdw");
    runOnPrimary("company", "CREATE FOREIGN TABLE employee (empno INT, ename VARCHAR(128), age INT) "
        + "SERVER shared_storage OPTIONS (filename '" + shared.resolve("employee.csv") + "', format 'csv', "
        + "header 'true')");
    runOnPrimary("company", FAILING_DDL);
    long ddlEnd = System.nanoTime();

    say("");
    say("Waiting for both standbys to converge"
        + " (pg_dump --schema-only of every database, pg_dumpall --globals-only) ...");
    try {
      SchemaSnapshot.awaitConverged(timeout, primary, standby1, standby2);
    } catch (AssertionError notConverged) {
      say("NOT CONVERGED after %d s:%n%s", timeout.toSeconds(), notConverged.getMessage());
      return false;
    }
    double lag = (System.nanoTime() - ddlEnd) / 1e9;
    say("");
    printSideBySide();
    List<String> errors = new ArrayList<>();
    errors.addAll(standby1.serverLogErrors());
    errors.addAll(standby2.serverLogErrors());
    say("");
    if (!errors.isEmpty()) {
      say("The standbys' server logs show errors (a failed DDL was applied?):");
      errors.forEach(e -> say("  %s", e));
      return false;
    }
    say("Converged: both standbys have the database company and the foreign table employee, and not the failed DDL;");
    say("their schemas equal the primary's, and their server logs show no ERROR.");
    say("The %d DDL (%d took effect, %d failed) ran on the primary in %.2f s; the standbys matched it %.2f s after "
        + "the last one (total %.1f s).", succeeded + failed, succeeded, failed, (ddlEnd - ddlStart) / 1e9, lag,
        seconds(t0));
    return true;
  }

  /** {@code producer install}: ddlcast's event trigger on the primary, as an operator installs it. */
  private void installHelper() {
    StringWriter text = new StringWriter();
    int code = Cli.run(new ProducerMain(), new String[] {"install", "--primary-url", primary.jdbcUrl("postgres")},
        Map.of(), new PrintWriter(text), new PrintWriter(text));
    if (code != 0) {
      throw new IllegalStateException("producer install failed: " + text);
    }
    say("Installed ddlcast's helper (event trigger) in the primary's databases and template1");
  }

  private void startPipeline() {
    boolean pgdataVisible = primary.pgdata() != null;
    ProducerConfig producerConfig = ProducerConfig.validate(new ProducerConfig.Raw(
        kafka.bootstrapServers(), Topics.DEFAULT_TOPIC, pgdataVisible ? primary.pgdata() : null,
        pgdataVisible ? null : primary.logDirectory(), primary.jdbcUrl("postgres"), pgdataVisible ? null : "primary",
        1, -1, StartFrom.EARLIEST, Duration.ofMillis(50)));
    ProducerService producer = track(new ProducerService(producerConfig));
    producer.start();
    List<ApplierService> appliers = new ArrayList<>();
    for (PostgresServer standby : List.of(standby1, standby2)) {
      ApplierService applier = track(new ApplierService(ApplierConfig.validate(new ApplierConfig.Raw(
          kafka.bootstrapServers(), Topics.DEFAULT_TOPIC, standby.name(), standby.jdbcUrl("postgres"), 4))));
      applier.start();
      appliers.add(applier);
    }
    Await.until("the producer and both appliers to be ready", Duration.ofSeconds(60), () -> {
      failIfDead(producer.failure().orElse(null));
      appliers.forEach(a -> failIfDead(a.failure().orElse(null)));
      return producer.isReady() && appliers.stream().allMatch(ApplierService::isReady);
    });
  }

  private static void failIfDead(Throwable failure) {
    if (failure != null) {
      throw new IllegalStateException("a pipeline component failed: " + failure.getMessage(), failure);
    }
  }

  private void runOnPrimary(String database, String sql) {
    try {
      primary.execute(database, sql);
      succeeded++;
      say("  ok      [%s] %s", database, sql);
    } catch (RuntimeException e) {
      failed++;
      Throwable cause = e.getCause() instanceof SQLException sql2 ? sql2 : e;
      say("  ERROR   [%s] %s%n          -> %s (this one must not reach the standbys)", database, sql,
          cause.getMessage());
    }
  }

  private void printSideBySide() {
    List<PostgresServer> servers = List.of(primary, standby1, standby2);
    String format = "  %-34s %-18s %-18s %-18s";
    say(format, "", "primary", "standby1", "standby2");
    row(format, "database company", servers, s -> s.databases().contains("company") ? "yes" : "no");
    row(format, "foreign table employee columns", servers, s -> String.join(",", s.query("company",
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'employee' ORDER BY ordinal_position")));
    row(format, "failed DDL's employee_bad", servers, s -> s.query("company",
        "SELECT count(*) FROM pg_class WHERE relname = 'employee_bad'").get(0).equals("0") ? "absent" : "PRESENT");
    row(format, "rows read from shared employee.csv", servers,
        s -> s.query("company", "SELECT count(*) FROM employee").get(0));
    SchemaSnapshot reference = SchemaSnapshot.of(primary);
    row(format, "schema equals the primary's", servers,
        s -> s == primary ? "-" : (SchemaSnapshot.of(s).equals(reference) ? "yes" : "NO"));
  }

  private void row(String format, String label, List<PostgresServer> servers, Function<PostgresServer, String> cell) {
    Object[] values = new Object[servers.size() + 1];
    values[0] = label;
    for (int i = 0; i < servers.size(); i++) {
      values[i + 1] = cell.apply(servers.get(i));
    }
    say(format, values);
  }

  /** A directory all three servers can read: the demo's stand-in for SequoiaDB's shared storage. */
  private static Path sharedStorage() throws IOException {
    Path dir = Files.createTempDirectory("ddlcast-demo-shared-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path csv = dir.resolve("employee.csv");
    Files.writeString(csv, "empno,ename,age\n1,Alice,30\n2,Bob,41\n3,Carol,28\n");
    Files.setPosixFilePermissions(csv, PosixFilePermissions.fromString("rw-r--r--"));
    return dir;
  }

  void printConnections() {
    say("");
    say("Everything keeps running. Connect with:");
    for (PostgresServer s : List.of(primary, standby1, standby2)) {
      say("  %-9s psql -h %s -p %d -U %s company     (JDBC: %s)", s.name(), s.host(), s.port(), s.superuser(),
          s.jdbcUrl("company"));
    }
    say("  Kafka     --bootstrap-servers %s  (topic %s)", kafka.bootstrapServers(), Topics.DEFAULT_TOPIC);
    if (primary.pgdata() != null) {
      say("  primary's data directory: %s (csvlog under %s)", primary.pgdata(), primary.logDirectory());
    }
    say("Run DDL on the primary and watch it reach the standbys. Ctrl-C stops everything.");
  }

  void awaitInterrupt() throws InterruptedException {
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      close();
      forever.countDown();
    }));
    forever.await();
  }

  private <T extends AutoCloseable> T track(T resource) {
    started.add(resource);
    return resource;
  }

  private void say(String format, Object... args) {
    out.println(args.length == 0 ? format : String.format(format, args));
    out.flush();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** Stops what was started, newest first. */
  @Override
  public synchronized void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        out.println("stopping " + started.get(i) + ": " + e.getMessage());
      }
    }
    started.clear();
    if (shared != null) {
      try (var files = Files.walk(shared)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp dir left behind is harmless
      }
    }
  }
}
