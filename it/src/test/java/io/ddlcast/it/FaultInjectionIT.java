package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresOptions;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.PsqlRun;
import io.ddlcast.testkit.SchemaSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fault-injection suite: a DDL workload over several databases and concurrent sessions, during which the
 * producer and the appliers are killed with SIGKILL at random moments and the faults ddlcast must survive are
 * injected: the broker stopped, a standby stopped, the primary restarted and crashed with transactions open, the
 * csvlog rotated every 100 kB with the producer down across several rotations, components started while what they
 * need is unreachable. At the end every standby's schema equals the primary's, the topic holds exactly one event
 * per DDL statement that committed, every standby applied each of them exactly once, and no standby logged an ERROR.
 *
 * <p>{@code -Dddlcast.faults=short} (the default, part of the test suite) or {@code full} (at least 2,000 DDL, 20
 * kills, the broker down 30 s, a standby down 60 s). The run prints its figures.
 */
class FaultInjectionIT {
  private record Plan(String name, int ddl, Duration length, int kills, Duration brokerDown, Duration standbyDown) {}

  private static final Plan SHORT =
      new Plan("short", 300, Duration.ofSeconds(50), 8, Duration.ofSeconds(5), Duration.ofSeconds(8));
  private static final Plan FULL =
      new Plan("full", 2000, Duration.ofSeconds(300), 24, Duration.ofSeconds(30), Duration.ofSeconds(60));
  private static final List<String> DATABASES = List.of("f1", "f2", "f3", "f4");
  private static final int SESSIONS = 3;

  private final Plan plan = "full".equals(System.getProperty("ddlcast.faults")) ? FULL : SHORT;
  private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
  private final AtomicLong committed = new AtomicLong();
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger producerKills = new AtomicInteger();
  private final AtomicInteger applierKills = new AtomicInteger();
  private final List<String> faults = Collections.synchronizedList(new ArrayList<>());
  private final List<Throwable> workloadErrors = Collections.synchronizedList(new ArrayList<>());
  private volatile int rotationsWhileDown;
  private final Map<String, JavaProcess> components = new ConcurrentHashMap<>();
  private volatile boolean workloadDone;
  private volatile boolean faultsDone;
  private Pipeline pipeline;

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void everyCommittedDdlReachesEveryStandbyExactlyOnceThroughCrashesAndFaults() throws Exception {
    long started = System.nanoTime();
    pipeline = new Pipeline("FaultInjectionIT", PostgresOptions.primary().withSetting("log_rotation_size", "100kB")
        .withSetting("max_prepared_transactions", "10")
        // an acknowledged commit must survive the crash below (the testkit's default is off, for speed)
        .withSetting("synchronous_commit", "on"), "standby1", "standby2");
    PostgresServer primary = pipeline.primary;
    pipeline.installHelper();
    for (String db : DATABASES) {
      primary.execute("postgres", "CREATE DATABASE " + db);
      committed.incrementAndGet();
    }
    restart("producer");
    restart("standby1");
    restart("standby2");

    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < SESSIONS; s++) {
      int session = s;
      Thread worker = new Thread(() -> {
        try {
          workload(session);
        } catch (Throwable e) {
          workloadErrors.add(e);
          throw e;
        }
      }, "workload-" + s);
      worker.start();
      threads.add(worker);
    }
    Thread chaos = new Thread(this::chaos, "chaos");
    chaos.start();
    scheduledFaults(primary);
    faultsDone = true;
    for (Thread t : threads) {
      t.join();
    }
    workloadDone = true;
    chaos.join();
    assertThat(workloadErrors).as("workload threads that failed").isEmpty();
    assertThat(rotationsWhileDown).as("csvlog rotations while the producer was down").isGreaterThanOrEqualTo(2);
    for (String name : List.of("producer", "standby1", "standby2")) {
      if (!components.get(name).isAlive()) {
        restart(name);
      }
    }

    SchemaSnapshot.awaitConverged(Duration.ofMinutes(5), primary, pipeline.standby("standby1"),
        pipeline.standby("standby2"));
    List<DdlEvent> events = pipeline.topicEvents();
    assertThat(events).extracting(DdlEvent::id).doesNotHaveDuplicates();
    assertThat(events).as("events on the topic, one per committed DDL statement").hasSize((int) committed.get());
    for (String standby : List.of("standby1", "standby2")) {
      assertThat(pipeline.standby(standby).serverLogErrors()).as("ERRORs on " + standby).isEmpty();
      List<String> applied = pipeline.appliedIds(standby);
      assertThat(applied).as("events applied twice on " + standby).doesNotHaveDuplicates();
      String output = pipeline.applierOutput(standby);
      long exactlyOnce = events.stream().filter(e -> applied.contains(e.id())
          || output.contains("not running " + e.id() + " ") || output.contains("skipped " + e.id() + " ")).count();
      assertThat(exactlyOnce).as("events applied on " + standby).isEqualTo(events.size());
    }
    System.out.printf("fault injection (%s): %d DDL issued, %d committed, %d events, %d producer kills, %d applier "
            + "kills, faults: %s, %d csvlog files, %.0f s%n", plan.name(), issued.get(), committed.get(),
        events.size(), producerKills.get(), applierKills.get(), faults, logFiles(primary),
        (System.nanoTime() - started) / 1e9);
    assertThat(producerKills.get() + applierKills.get()).isGreaterThanOrEqualTo(plan.kills());
  }

  // ------------------------------------------------------------------------------------------------- workload

  private void workload(int session) {
    Random random = new Random(7 * session + 1);
    Map<String, List<String>> tables = new HashMap<>();
    long perStatement = plan.length().toNanos() / (plan.ddl() / SESSIONS);
    long next = System.nanoTime();
    for (int n = 0; issued.get() < plan.ddl() || !faultsDone; n++) {
      String db = DATABASES.get(random.nextInt(DATABASES.size()));
      List<String> mine = tables.computeIfAbsent(db, k -> new ArrayList<>());
      String name = "t" + session + "_" + n;
      gate.readLock().lock();
      try {
        run(random, db, name, mine);
      } finally {
        gate.readLock().unlock();
      }
      next += perStatement;
      sleepUntil(next);
    }
  }

  /** One step of the workload; counts what committed. */
  private void run(Random random, String db, String name, List<String> mine) {
    PostgresServer primary = pipeline.primary;
    int kind = mine.isEmpty() ? 0 : random.nextInt(8);
    try {
      switch (kind) {
        case 0, 1 -> {
          issued.incrementAndGet();
          String create = "CREATE TABLE " + name + " (id int PRIMARY KEY, v text)";
          if (primary.psql(PsqlRun.command(db, create)).exitCode() == 0) {
            committed.incrementAndGet();
            mine.add(name);
          }
        }
        case 2 -> {
          String t = mine.get(random.nextInt(mine.size()));
          jdbc(db, "ALTER TABLE " + t + " ADD COLUMN c" + random.nextInt(1_000_000) + " int", true);
        }
        case 3 -> {
          String t = mine.get(random.nextInt(mine.size()));
          jdbc(db, "CREATE INDEX ON " + t + " (v)", true);
        }
        case 4 -> { // an explicit transaction: committed or rolled back
          boolean commit = random.nextBoolean();
          issued.addAndGet(2);
          try (Connection c = primary.connect(db); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("CREATE TABLE " + name + " (a int, v text)");
            st.execute("COMMENT ON TABLE " + name + " IS 'tx'");
            if (commit) {
              c.commit();
              committed.addAndGet(2);
              mine.add(name);
            } else {
              c.rollback();
            }
          }
        }
        case 5 -> { // a savepoint rolled back inside a committed transaction
          issued.addAndGet(3);
          if (primary.psql(PsqlRun.script(db, "BEGIN; CREATE TABLE " + name + " (a int, v text); SAVEPOINT s;"
              + " CREATE TABLE " + name + "_undone (a int); ROLLBACK TO s; CREATE VIEW " + name + "_v AS SELECT a FROM "
              + name + "; COMMIT;")).exitCode() == 0) {
            committed.addAndGet(2);
            mine.add(name);
          }
        }
        case 6 -> { // fails on the primary: never shipped
          issued.incrementAndGet();
          primary.psql(PsqlRun.command(db, "CREATE TABLE " + name + " (a no_such_type)"));
        }
        default -> {
          String t = mine.remove(random.nextInt(mine.size()));
          jdbc(db, "DROP TABLE " + t + " CASCADE", true);
        }
      }
    } catch (SQLException e) {
      throw new AssertionError("workload step failed on the primary: " + e.getMessage(), e);
    }
  }

  private void jdbc(String db, String sql, boolean counts) throws SQLException {
    issued.incrementAndGet();
    try (Connection c = pipeline.primary.connect(db); Statement st = c.createStatement()) {
      st.execute(sql);
      if (counts) {
        committed.incrementAndGet();
      }
    }
  }

  // ------------------------------------------------------------------------------------------------- faults

  /** SIGKILL the producer or an applier at random moments; restart it after a random pause. */
  private void chaos() {
    Random random = new Random(99);
    long interval = plan.length().toMillis() / (plan.kills() + 2);
    // until the workload is over and the plan's kills are reached (a victim that was down already does not count)
    while (!workloadDone || producerKills.get() + applierKills.get() < plan.kills()) {
      sleep(interval / 2 + random.nextInt((int) interval));
      String victim = List.of("producer", "standby1", "standby2").get(random.nextInt(3));
      synchronized (components) {
        JavaProcess process = components.get(victim);
        if (process != null && process.isAlive()) {
          process.sigkill();
          (victim.equals("producer") ? producerKills : applierKills).incrementAndGet();
        }
        sleep(random.nextInt(1500));
        restart(victim);
      }
    }
  }

  /** The broker down, a standby down, the primary restarted and crashed, the producer down across rotations. */
  private void scheduledFaults(PostgresServer primary) throws Exception {
    Duration step = plan.length().dividedBy(6);
    sleep(step.toMillis());
    pipeline.kafka.stop();
    faults.add("broker down " + plan.brokerDown().toSeconds() + " s");
    sleep(plan.brokerDown().toMillis());
    pipeline.kafka.start();

    sleep(step.toMillis());
    PostgresServer standby1 = pipeline.standby("standby1");
    standby1.stop();
    faults.add("standby1 down " + plan.standbyDown().toSeconds() + " s");
    sleep(plan.standbyDown().toMillis());
    gate.writeLock().lock();
    try { // the other standby was not held up: it has everything while standby1 is still down
      SchemaSnapshot.awaitConverged(Duration.ofSeconds(60), primary, pipeline.standby("standby2"));
    } finally {
      gate.writeLock().unlock();
    }
    standby1.start();

    sleep(step.toMillis());
    gate.writeLock().lock();
    try {
      primary.stop();
      primary.start();
      faults.add("primary restarted");
    } finally {
      gate.writeLock().unlock();
    }

    sleep(step.toMillis() / 2);
    gate.writeLock().lock();
    try (Connection open = primary.connect("f1"); Statement st = open.createStatement();
        Connection quiet = primary.connect("f2"); Statement q = quiet.createStatement()) {
      open.setAutoCommit(false);
      st.execute("CREATE TABLE lost_in_crash (a int)"); // open at the crash: rolled back
      issued.incrementAndGet();
      q.execute("CREATE TABLE committed_before_crash (a int)"); // auto-commit over JDBC: committed, no record of it
      issued.incrementAndGet();
      committed.incrementAndGet();
      primary.kill();
      faults.add("primary crashed with a transaction open");
    } catch (SQLException expected) {
      // the connections die with the server
    } finally {
      primary.start();
      gate.writeLock().unlock();
    }

    sleep(step.toMillis() / 2);
    synchronized (components) {
      JavaProcess producer = components.get("producer");
      if (producer.isAlive()) {
        producer.sigkill();
        producerKills.incrementAndGet();
      }
      int before = logFiles(primary);
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (logFiles(primary) < before + 3 && System.nanoTime() < deadline) {
        sleep(200);
      }
      rotationsWhileDown = logFiles(primary) - before;
      faults.add("producer down across " + rotationsWhileDown + " rotations");
      restart("producer");
    }
  }

  private void restart(String name) {
    JavaProcess process = name.equals("producer") ? pipeline.startProducer() : pipeline.startApplier(name);
    components.put(name, process);
  }

  private static int logFiles(PostgresServer primary) {
    try (var files = Files.list(primary.logDirectory())) {
      return (int) files.filter(p -> p.toString().endsWith(".csv")).count();
    } catch (IOException e) {
      return 0;
    }
  }

  private static void sleepUntil(long nanos) {
    long wait = nanos - System.nanoTime();
    if (wait > 0) {
      sleep(wait / 1_000_000);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(Math.max(0, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
