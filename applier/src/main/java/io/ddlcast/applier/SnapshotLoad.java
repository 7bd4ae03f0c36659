package io.ddlcast.applier;

import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.jdbc.PgUrl;
import io.ddlcast.common.kafka.KafkaCluster;
import io.ddlcast.common.kafka.TopicReader;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.snapshot.Baseline;
import io.ddlcast.common.snapshot.UnreadableBaselineException;
import io.ddlcast.common.sql.DumpScript;
import io.ddlcast.common.sql.Secrets;
import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.common.trust.Verdict;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code applier run --from-snapshot}: a new standby starts from the latest baseline on {@code <topic>.snapshots}
 * instead of replaying the whole topic, as a streaming replica starts from {@code pg_basebackup}. It loads the
 * globals and each database's schema script through JDBC, statement by statement ({@link DumpScript}: psql's
 * {@code \connect} is followed, {@code \restrict} honoured, nothing else a client would run), then sets the standby's
 * consumer group to the baseline's offsets, so the applier replays only the events after it.
 *
 * <p>Only for a new standby: a group with committed offsets is refused, since the standby already holds a history
 * and loading a baseline over it would run everything twice. What exists on any fresh cluster is altered, not
 * created: the bootstrap superuser and other existing roles skip their {@code CREATE ROLE} (pg_dumpall writes the
 * attributes in a separate {@code ALTER ROLE}), and {@code postgres} and {@code template1} skip their
 * {@code CREATE DATABASE}. The scripts run with the applier's superuser rights, as a {@code pg_dump} restore does:
 * with {@code --trusted-keys} only a baseline signed by a trusted key is loaded.
 */
final class SnapshotLoad {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotLoad.class);
  private static final String APP = "ddlcast-applier-snapshot";

  private final ApplierConfig config;
  private final ApplierTrust trust;
  private int statements;
  private int skipped;

  SnapshotLoad(ApplierConfig config, ApplierTrust trust) {
    this.config = config;
    this.trust = trust;
  }

  /** Loads the latest baseline and sets the offsets; throws {@link DdlcastException} when it must not or cannot. */
  void run() {
    if (!config.filter().isEmpty()) {
      throw new DdlcastException(ExitCode.USAGE, "--from-snapshot loads the whole primary and cannot apply the "
          + "filters (" + config.filter().describe() + "): rebuild a filtered standby by replay");
    }
    String group = Topics.applierGroup(config.standbyName());
    try (Admin admin = KafkaCluster.admin(config.kafka(), "ddlcast-applier-snapshot-admin")) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      committed.values().removeIf(o -> o == null);
      if (!committed.isEmpty()) {
        throw new DdlcastException(ExitCode.USAGE, "--from-snapshot is for a new standby: standby "
            + config.standbyName() + " already has committed offsets (group " + group + ": " + describe(committed)
            + "); start it without --from-snapshot to continue from them, or rebuild it under a new --standby-name");
      }
      Baseline baseline = latest();
      long started = System.nanoTime();
      LOG.info("standby {} loads {} (role passwords {})", config.standbyName(), baseline.summary().describe(),
          baseline.summary().passwords() == Baseline.Passwords.VERIFIERS ? "as verifiers" : "left out");
      loadGlobals(baseline.globals());
      for (Baseline.DatabaseDump dump : baseline.databases()) {
        loadDatabase(dump);
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
      baseline.summary().offsets().forEach((p, at) -> offsets.put(new TopicPartition(config.topic(), p),
          new OffsetAndMetadata(at)));
      admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
      LOG.info("standby {} loaded {}: the globals and {} database(s) ({}), {} statements ({} skipped: they exist) "
          + "in {} ms; it continues from offsets {} of topic {}", config.standbyName(), baseline.summary().id(),
          baseline.databases().size(), String.join(", ", baseline.databases().stream()
              .map(Baseline.DatabaseDump::name).toList()), statements, skipped,
          (System.nanoTime() - started) / 1_000_000, baseline.summary().offsets(), config.topic());
    } catch (ExecutionException | TimeoutException e) {
      throw new DdlcastException(ExitCode.FAILED, "--from-snapshot: Kafka did not answer for group " + group + ": "
          + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DdlcastException(ExitCode.FAILED, "interrupted", e);
    }
  }

  /** The newest baseline (by the time it was taken) of a source this applier serves, checked and opened. */
  private Baseline latest() {
    String topic = Topics.snapshotsTopic(config.topic());
    Optional<ConsumerRecord<String, byte[]>> newest = TopicReader.latestByKey(config.kafka(), topic).values()
        .stream()
        .filter(r -> trust.sources().isEmpty() || trust.sources().contains(r.key()))
        .max(Comparator.comparing(r -> takenAt(r)));
    if (newest.isEmpty()) {
      throw new DdlcastException(ExitCode.USAGE, "--from-snapshot: topic " + topic + " holds no snapshot"
          + (trust.sources().isEmpty() ? "" : " of sources " + trust.sources()) + ": take one with ddlcast "
          + "producer snapshot, or start without --from-snapshot to replay the topic");
    }
    ConsumerRecord<String, byte[]> record = newest.get();
    if (trust.events() != null) {
      Verdict verdict = trust.events().verify(record.topic(), record.key(), record.value(), record.headers());
      if (!verdict.accepted()) {
        throw new DdlcastException(ExitCode.FAILED, "--from-snapshot: the latest snapshot (" + topic + " offset "
            + record.offset() + ") is refused: " + verdict.reason());
      }
    }
    try {
      return Baseline.decode(record.value(), config.secretsKey());
    } catch (UnreadableBaselineException e) {
      throw new DdlcastException(ExitCode.FAILED, "--from-snapshot: the latest snapshot (" + topic + " offset "
          + record.offset() + ") cannot be loaded: " + e.getMessage(), e);
    }
  }

  private static String takenAt(ConsumerRecord<String, byte[]> record) {
    try {
      return Baseline.summary(record.value()).takenAt().toString();
    } catch (UnreadableBaselineException e) {
      return ""; // never the newest; named if it is the only one
    }
  }

  private void loadGlobals(String script) {
    PgUrl url = config.standby();
    try (Connection c = url.connect(APP, null); Statement st = c.createStatement()) {
      for (DumpScript.Step step : steps(script, "the globals")) {
        if (!(step instanceof DumpScript.Sql sql)) {
          throw new DdlcastException(ExitCode.FAILED, "--from-snapshot: the globals script connects to a database");
        }
        List<SqlLexer.Token> head = SqlLexer.tokens(sql.text(), 3);
        if (starts(head, "CREATE", "TABLESPACE")) {
          throw new DdlcastException(ExitCode.FAILED, "--from-snapshot: the snapshot holds a tablespace ("
              + head.get(2).text() + "), which --from-snapshot does not map (--tablespace-map): rebuild this "
              + "standby by replay");
        }
        boolean bareCreate = SqlLexer.tokens(sql.text(), 4).size() == 3;
        if (starts(head, "CREATE", "ROLE") && bareCreate
            && exists(c, "pg_catalog.pg_roles", "rolname", head.get(2).identifier())) {
          skipped++;
          LOG.info("role {} exists on the standby: altered, not created", head.get(2).identifier());
          continue;
        }
        run(st, sql.text(), "the globals");
      }
    } catch (SQLException e) {
      throw connectionFailed(e);
    }
  }

  private void loadDatabase(Baseline.DatabaseDump dump) {
    String where = "database " + dump.name();
    Connection current = null;
    try {
      current = config.standby().connect(APP, null);
      boolean maintenance = true;
      for (DumpScript.Step step : steps(dump.script(), where)) {
        if (step instanceof DumpScript.Connect to) {
          if (!to.database().equals(dump.name())) {
            throw new DdlcastException(ExitCode.FAILED, "--from-snapshot: the script of " + where + " connects to "
                + "database " + to.database());
          }
          current.close();
          current = config.standby().withDatabase(dump.name()).connect(APP, null);
          maintenance = false;
          continue;
        }
        String text = ((DumpScript.Sql) step).text();
        List<SqlLexer.Token> head = SqlLexer.tokens(text, 3);
        if (maintenance && starts(head, "CREATE", "DATABASE")) {
          if (head.size() < 3 || !dump.name().equals(head.get(2).identifier())) {
            throw new DdlcastException(ExitCode.FAILED, "--from-snapshot: the script of " + where + " creates "
                + "another database: " + Secrets.mask(text));
          }
          if (exists(current, "pg_catalog.pg_database", "datname", dump.name())) {
            skipped++;
            LOG.info("database {} exists on the standby: filled, not created", dump.name());
            continue;
          }
        }
        try (Statement st = current.createStatement()) {
          run(st, text, where);
        }
      }
    } catch (SQLException e) {
      throw connectionFailed(e);
    } finally {
      if (current != null) {
        try {
          current.close();
        } catch (SQLException ignored) {
          // closing after a failure: the failure is what is reported
        }
      }
    }
  }

  private static List<DumpScript.Step> steps(String script, String where) {
    try {
      return DumpScript.parse(script);
    } catch (IllegalArgumentException e) {
      throw new DdlcastException(ExitCode.FAILED, "--from-snapshot: the script of " + where + " is refused: "
          + e.getMessage());
    }
  }

  private void run(Statement st, String sql, String where) {
    try {
      st.execute(sql);
      statements++;
    } catch (SQLException e) {
      throw new DdlcastException(ExitCode.FAILED, "--from-snapshot: loading " + where + " failed at statement "
          + (statements + 1) + ": SQLSTATE " + e.getSQLState() + ": " + Secrets.mask(String.valueOf(e.getMessage()))
          + "\n  " + Secrets.maskAndShorten(sql, 500) + "\nNo offsets were set: the standby holds part of the "
          + "snapshot. Recreate it (initdb), fix the cause, and start again.", e);
    }
  }

  private static boolean starts(List<SqlLexer.Token> head, String first, String second) {
    return head.size() >= 2 && head.get(0).is(first) && head.get(1).is(second);
  }

  private static boolean exists(Connection c, String catalog, String column, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + catalog + " WHERE " + column + " = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private DdlcastException connectionFailed(SQLException e) {
    return new DdlcastException(ExitCode.FAILED, "--from-snapshot: standby " + config.standby() + ": SQLSTATE "
        + e.getSQLState() + ": " + e.getMessage(), e);
  }

  private static String describe(Map<TopicPartition, OffsetAndMetadata> offsets) {
    StringBuilder out = new StringBuilder();
    offsets.forEach((tp, o) -> out.append(out.length() == 0 ? "" : ", ").append(tp.partition()).append('=')
        .append(o.offset()));
    return out.toString();
  }
}
