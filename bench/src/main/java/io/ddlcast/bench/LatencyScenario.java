package io.ddlcast.bench;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.InvalidEventException;
import io.ddlcast.common.kafka.TopicReader;
import io.ddlcast.common.records.EventRecords;
import io.ddlcast.testkit.Await;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 1: a steady stream of DDL on the primary, two standbys; the time from each statement's commit on the
 * primary to its apply on each standby.
 *
 * <p>Commit time: the client's clock just after the statement returned (one JDBC connection in auto-commit with
 * the simple query protocol, as {@code psql -c} sends it: the primary logs the statement's completion after its
 * commit). Applied time: the timestamp of the applier's {@code applied ID in DB (...)} log line, written by the lane
 * right after the statement and its marker committed on the standby (wall clock, millisecond resolution: a latency
 * is under-stated by less than 1 ms). Both clocks are this machine's. Event ids are matched to statements through
 * the topic (each statement's text is unique). Statements are sent on a fixed schedule; a late one does not
 * delay the schedule.
 */
final class LatencyScenario {
  private static final Pattern APPLIED = Pattern.compile("^(\\S+) .* applied (\\S+) in ", Pattern.MULTILINE);

  /** One run: every latency in ms (both standbys pooled) and what the components cost meanwhile. */
  record Result(double[] latenciesMs, ComponentCost cost) {}

  private final Broker kafka;
  private final Path logs;
  private final PrintStream out;

  LatencyScenario(Broker kafka, Path logs, PrintStream out) {
    this.kafka = kafka;
    this.logs = logs;
    this.out = out;
  }

  Result run(String runName, int perSecond, int seconds) throws Exception {
    try (Rig rig = Rig.start(kafka, runName, 2, logs)) {
      rig.primary.execute("postgres", "CREATE DATABASE bench_lat");
      rig.startProducer();
      List<String> names = List.of(runName + "-s1", runName + "-s2");
      for (int i = 0; i < 2; i++) {
        rig.startApplier(rig.standbys.get(i), names.get(i));
      }
      rig.primary.execute("bench_lat", "CREATE TABLE warmup (id int)");
      rig.awaitAll("the standbys to apply the warm-up DDL", Duration.ofSeconds(120), rig.standbys,
          s -> {
            String signature = Signature.of(s, "bench_lat");
            return signature != null && !signature.startsWith("0/");
          });

      ComponentCost.Start window = ComponentCost.start(rig);
      int count = perSecond * seconds;
      String[] sql = new String[count];
      Instant[] committed = new Instant[count];
      long intervalNanos = 1_000_000_000L / perSecond;
      String url = rig.primary.jdbcUrl("bench_lat") + "&preferQueryMode=simple";
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        c.setAutoCommit(true);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
          long due = start + i * intervalNanos;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          sql[i] = statement(i);
          st.execute(sql[i]);
          committed[i] = Instant.now();
        }
      }
      out.printf("    %d DDL sent at %d/s; waiting for both standbys%n", count, perSecond);
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < count; i++) {
        index.put(sql[i], i);
      }
      Map<String, Integer> idToIndex = Await.untilValue("all " + count + " statements on the topic",
          Duration.ofSeconds(180), () -> {
            rig.checkAlive();
            Map<String, Integer> ids = new HashMap<>();
            for (DdlEvent e : topicEvents(rig.topic)) {
              Integer i = index.get(e.statement());
              if (i != null) {
                ids.put(e.id(), i);
              }
            }
            return ids.size() == count ? ids : null;
          });
      List<Double> latencies = new ArrayList<>();
      for (String name : names) {
        Map<String, Instant> applied = Await.untilValue("standby " + name + " to apply all " + count + " DDL",
            Duration.ofSeconds(180), () -> {
              rig.checkAlive();
              Map<String, Instant> times = appliedTimes(rig.applierLog(name));
              return times.keySet().containsAll(idToIndex.keySet()) ? times : null;
            });
        for (Map.Entry<String, Integer> e : idToIndex.entrySet()) {
          Instant at = applied.get(e.getKey());
          latencies.add(Duration.between(committed[e.getValue()], at).toNanos() / 1e6);
        }
      }
      ComponentCost cost = ComponentCost.end(rig, window);
      rig.stopComponents();
      return new Result(Stats.toArray(latencies), cost);
    }
  }

  /** The i-th statement: a rotation of ordinary DDL on a small table family; every text is unique. */
  static String statement(int i) {
    int base = i - i % 5;
    return switch (i % 5) {
      case 0 -> "CREATE TABLE lat_" + i + " (id bigint PRIMARY KEY, v text NOT NULL DEFAULT '')";
      case 1 -> "CREATE INDEX lat_" + i + "_ix ON lat_" + base + " (v)";
      case 2 -> "ALTER TABLE lat_" + base + " ADD COLUMN c_" + i + " integer";
      case 3 -> "COMMENT ON TABLE lat_" + base + " IS 'latency statement " + i + "'";
      default -> "CREATE VIEW lat_v_" + i + " AS SELECT id, v FROM lat_" + base;
    };
  }

  /** Event id to the time its {@code applied} line was logged, from an applier's output file. */
  static Map<String, Instant> appliedTimes(Path applierLog) {
    Map<String, Instant> times = new HashMap<>();
    String text;
    try {
      text = Files.readString(applierLog);
    } catch (IOException e) {
      throw new BenchException("cannot read " + applierLog + ": " + e.getMessage(), e);
    }
    Matcher m = APPLIED.matcher(text);
    while (m.find()) {
      try {
        times.putIfAbsent(m.group(2), OffsetDateTime.parse(m.group(1)).toInstant());
      } catch (DateTimeParseException e) {
        throw new BenchException("the applier's log lines have no ISO timestamp (" + m.group(1) + ")", e);
      }
    }
    return times;
  }

  /** Every committed event of the run's topic. */
  private List<DdlEvent> topicEvents(String topic) {
    List<DdlEvent> events = new ArrayList<>();
    try {
      for (var r : TopicReader.readAll(kafka.bootstrapServers(), topic)) {
        if (EventRecords.isEvent(r)) {
          events.add(EventCodec.decode(r.value()));
        }
      }
    } catch (InvalidEventException e) {
      throw new BenchException("the topic holds a record that is not an event: " + e.getMessage(), e);
    }
    return events;
  }
}
