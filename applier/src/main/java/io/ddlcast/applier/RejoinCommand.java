package io.ddlcast.applier;

import io.ddlcast.common.catalog.CatalogObject;
import io.ddlcast.common.catalog.SchemaCatalog;
import io.ddlcast.common.catalog.SchemaDiff;
import io.ddlcast.common.catalog.Undo;
import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.generation.Generation;
import io.ddlcast.common.generation.GenerationHistory;
import io.ddlcast.common.generation.GenerationLog;
import io.ddlcast.common.jdbc.PgUrl;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaCluster;
import io.ddlcast.common.kafka.KafkaNames;
import io.ddlcast.common.kafka.Topics;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ddlcast rejoin}: makes an old primary a standby of the current generation, as {@code pg_rewind} and a
 * restart as standby do for streaming replication. What the old primary committed that never reached the topic
 * (its producer was behind, or clients wrote to it after the failover) is divergence: compared object by object
 * with the schema its successor had at the switch point ({@link Baselines}), listed, and with {@code --undo}
 * dropped in dependency order ({@link Undo}) before it follows. Its applier then starts at the switch point: the
 * consumer group of {@code --standby-name} is set to the successor generation's start.
 */
@Command(name = "rejoin", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Make an old primary a standby: list what it committed that never reached the topic (and with "
        + "--undo drop it), then set its applier to start at the switch point.")
final class RejoinCommand implements Callable<Integer> {
  @Mixin
  KafkaTarget kafka;

  @Option(names = "--standby-name", paramLabel = "NAME", required = true,
      description = "The name it runs under as a standby (its applier's --standby-name).")
  String standbyName;

  @Option(names = "--standby-url", paramLabel = "JDBC_URL", required = true,
      description = "The old primary's maintenance database, e.g. jdbc:postgresql://HOST:5432/postgres?user=postgres "
          + "(password from ~/.pgpass), as a superuser.")
  String standbyUrl;

  @Option(names = "--undo", description = "Drop what the old primary has beyond the switch point, dependents "
      + "first (without it, the divergence is only listed).")
  boolean undo;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws SQLException {
    Problems problems = new Problems();
    KafkaAccess access = kafka.validate(problems);
    KafkaNames.checkName("--standby-name", standbyName, problems);
    PgUrl url = null;
    try {
      url = PgUrl.parse(standbyUrl);
    } catch (IllegalArgumentException e) {
      problems.invalid("--standby-url", standbyUrl, e.getMessage());
    }
    problems.throwIfAny();
    Map<String, byte[]> values = GenerationLog.values(access, kafka.topic);
    GenerationHistory history = GenerationHistory.of(values);
    String source = systemIdentifier(url);
    List<Integer> published = history.generationsOf(source);
    if (published.isEmpty()) {
      throw new DdlcastException(ExitCode.NOT_MET, "the server at --standby-url (system identifier " + source
          + ") was never the source of topic " + kafka.topic + ": start an applier for it (a new standby replays "
          + "the topic), rejoin is for an old primary");
    }
    int last = published.get(published.size() - 1);
    Generation successor = history.next(last).orElseThrow(() -> new DdlcastException(ExitCode.NOT_MET,
        "the server at --standby-url is the source of the current generation " + last + "; promote another "
            + "standby first (ddlcast switchover or failover)"));
    if (history.promotion(successor.generation()).isEmpty()) {
      throw new DdlcastException(ExitCode.NOT_MET, successor.describe() + " is not promoted yet; wait for it");
    }
    System.out.println("old primary " + source + " was the source of generation " + last + "; " + successor.describe()
        + " started at offsets " + successor.start());
    Map<String, List<CatalogObject>> baselines = Baselines.read(values, successor.generation());
    Divergence divergence = compare(url, baselines);
    divergence.lines().forEach(System.out::println);
    if (divergence.isEmpty()) {
      System.out.println("no divergence: it has exactly the schema of the switch point");
    } else if (undo) {
      if (!undo(url, divergence)) {
        return ExitCode.NOT_MET.code();
      }
    } else {
      System.out.println("kept (report only): give --undo to drop what it has beyond the switch point");
    }
    setOffsets(access, successor);
    System.out.println("standby " + standbyName + " follows from the switch point: run ddlcast applier run "
        + "--standby-name " + standbyName + " --standby-url <its URL> (and its usual options)");
    return ExitCode.OK.code();
  }

  /** What the old primary has beyond, or lacks of, the switch point's schema, per database and in the globals. */
  record Divergence(Map<String, SchemaDiff> databases, List<String> extraDatabases, List<String> missingDatabases,
      SchemaDiff globals) {
    boolean isEmpty() {
      return extraDatabases.isEmpty() && missingDatabases.isEmpty() && globals.isEmpty()
          && databases.values().stream().allMatch(SchemaDiff::isEmpty);
    }

    List<String> lines() {
      List<String> out = new ArrayList<>();
      extraDatabases.forEach(d -> out.add("extra     database " + d + " (not on the new primary at the switch point)"));
      missingDatabases.forEach(d -> out.add("missing   database " + d + " (dropped here after the switch point)"));
      globals.describe().forEach(l -> out.add("cluster:  " + l));
      databases.forEach((db, diff) -> diff.describe().forEach(l -> out.add(db + ": " + l)));
      return out;
    }
  }

  private static Divergence compare(PgUrl url, Map<String, List<CatalogObject>> baselines) throws SQLException {
    List<String> databases = new ArrayList<>();
    SchemaDiff globals;
    try (Connection c = url.connect("ddlcast rejoin", null); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT datname FROM pg_catalog.pg_database "
            + "WHERE datallowconn AND NOT datistemplate ORDER BY datname")) {
      while (rs.next()) {
        databases.add(rs.getString(1));
      }
      globals = SchemaDiff.of(baselines.getOrDefault(Baselines.GLOBALS, List.of()), SchemaCatalog.globals(c));
    }
    Map<String, SchemaDiff> diffs = new LinkedHashMap<>();
    List<String> extra = new ArrayList<>();
    for (String db : databases) {
      List<CatalogObject> expected = baselines.get(db);
      if (expected == null) {
        extra.add(db);
        continue;
      }
      try (Connection c = url.withDatabase(db).connect("ddlcast rejoin", null)) {
        diffs.put(db, SchemaDiff.of(expected, SchemaCatalog.database(c)));
      }
    }
    TreeSet<String> missing = new TreeSet<>(baselines.keySet());
    missing.remove(Baselines.GLOBALS);
    missing.removeAll(databases);
    return new Divergence(diffs, extra, List.copyOf(missing), globals);
  }

  /** Drops the extras, database by database; false (and nothing more done) if a database's undo failed. */
  private boolean undo(PgUrl url, Divergence divergence) throws SQLException {
    for (Map.Entry<String, SchemaDiff> e : divergence.databases().entrySet()) {
      if (e.getValue().extra().isEmpty()) {
        continue;
      }
      try (Connection c = url.withDatabase(e.getKey()).connect("ddlcast rejoin", null)) {
        Undo.Result result = Undo.run(c, e.getValue());
        result.done().forEach(s -> System.out.println(e.getKey() + ": undone: " + s));
        if (!result.failed().isEmpty()) {
          result.failed().forEach(s -> System.out.println(e.getKey() + ": cannot undo: " + s));
          System.out.println("nothing of database " + e.getKey() + " was undone (rolled back); the old primary "
              + "does not follow yet: fix it by hand, or rebuild it as a new standby");
          return false;
        }
      }
    }
    try (Connection c = url.connect("ddlcast rejoin", null); Statement st = c.createStatement()) {
      for (String db : divergence.extraDatabases()) {
        String drop = "DROP DATABASE " + quote(db);
        st.execute(drop);
        System.out.println("undone: " + drop);
      }
    }
    boolean rest = !divergence.missingDatabases().isEmpty() || !divergence.globals().isEmpty()
        || divergence.databases().values().stream().anyMatch(d -> !d.missing().isEmpty() || !d.changed().isEmpty());
    if (rest) {
      System.out.println("kept: what it lacks or has changed (and roles) cannot be undone by dropping; it stays "
          + "as listed above, and later events touching it may fail there");
    }
    return true;
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static String systemIdentifier(PgUrl url) throws SQLException {
    try (Connection c = url.connect("ddlcast rejoin", null); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT system_identifier::text FROM pg_catalog.pg_control_system()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The standby's consumer group starts at the successor generation's start (no applier may run under it). */
  private void setOffsets(KafkaAccess access, Generation successor) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
    successor.start().forEach((p, at) -> offsets.put(new TopicPartition(kafka.topic, p), new OffsetAndMetadata(at)));
    try (Admin admin = KafkaCluster.admin(access, "ddlcast-rejoin")) {
      admin.alterConsumerGroupOffsets(Topics.applierGroup(standbyName), offsets).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new DdlcastException(ExitCode.FAILED, "setting the offsets of standby " + standbyName + " failed: "
          + e.getCause().getMessage() + " (is an applier running under that name? stop it first)", e);
    } catch (TimeoutException e) {
      throw new DdlcastException(ExitCode.FAILED, "setting the offsets of standby " + standbyName + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DdlcastException(ExitCode.FAILED, "interrupted", e);
    }
  }
}
