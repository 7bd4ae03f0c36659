package io.ddlcast.bench;

import io.ddlcast.common.catalog.CatalogObject;
import io.ddlcast.common.catalog.SchemaCatalog;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaCluster;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.testkit.EmbeddedKafka;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.LocalPostgres;
import io.ddlcast.testkit.PostgresOptions;
import io.ddlcast.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * How long {@code ddlcast verify} takes on a database of about 10,000 objects (the figure in README's Verify
 * section): two local clusters get the same schema (per unit a table of three columns with its primary key and its
 * index, a second index, a view, a function), then {@code SchemaCatalog.database} is timed on one (median of five),
 * and the whole {@code verify} (the applier jar as a process: JVM start, the wait on an up-to-date empty topic, the
 * globals and both listings, the diff) against an embedded broker (median of three), with its phases as its
 * {@code --verbose} log times them.
 *
 * <p>{@code java -cp bench/target/ddlcast-bench.jar io.ddlcast.bench.VerifyTimingMain [UNITS]} (default 1,250
 * units: about 10,000 objects).
 */
public final class VerifyTimingMain {
  private VerifyTimingMain() {}

  public static void main(String[] args) throws Exception {
    int units = args.length > 0 ? Integer.parseInt(args[0]) : 1_250;
    String script = "DO $$BEGIN FOR i IN 1.." + units + " LOOP "
        + "EXECUTE format('CREATE TABLE t%s (id integer PRIMARY KEY, v text DEFAULT %L, w integer)', i, 'x' || i); "
        + "EXECUTE format('CREATE INDEX t%s_w ON t%s (w)', i, i); "
        + "EXECUTE format('CREATE VIEW v%s AS SELECT id, v FROM t%s WHERE w > 0', i, i); "
        + "EXECUTE format('CREATE FUNCTION f%s(integer) RETURNS integer LANGUAGE sql AS ''SELECT $1 + %s''', i, i); "
        + "END LOOP; END$$";
    Path logs = Files.createTempDirectory("ddlcast-verify-timing");
    try (EmbeddedKafka kafka = EmbeddedKafka.launch();
        LocalPostgres primary = LocalPostgres.create("verify-primary", PostgresOptions.standby());
        LocalPostgres standby = LocalPostgres.create("verify-standby", PostgresOptions.standby())) {
      for (PostgresServer server : List.of(primary, standby)) {
        server.execute("postgres", "CREATE DATABASE many");
        server.execute("many", script);
      }
      List<Long> listing = new ArrayList<>();
      Map<String, Integer> kinds = new TreeMap<>();
      for (int run = 0; run < 5; run++) {
        try (Connection c = primary.connect("many")) {
          long started = System.nanoTime();
          List<CatalogObject> objects = SchemaCatalog.database(c);
          listing.add((System.nanoTime() - started) / 1_000_000);
          kinds.clear();
          objects.forEach(o -> kinds.merge(o.kind(), 1, Integer::sum));
        }
      }
      createTopic(kafka.bootstrapServers());
      List<Long> whole = new ArrayList<>();
      for (int run = 0; run < 3; run++) {
        whole.add(verify(kafka, primary, standby, logs.resolve("verify-" + run + ".log")));
      }
      int total = kinds.values().stream().mapToInt(Integer::intValue).sum();
      System.out.printf("objects: %d %s%n", total, kinds);
      System.out.printf("SchemaCatalog.database: median %d ms of %s%n", median(listing), listing);
      System.out.printf("verify (whole command, JVM start included): median %d ms of %s%n", median(whole), whole);
    }
  }

  private static void createTopic(String bootstrap) throws Exception {
    try (Admin admin = KafkaCluster.admin(KafkaAccess.plaintext(bootstrap), "ddlcast-verify-timing")) {
      admin.createTopics(List.of(new NewTopic(Topics.DEFAULT_TOPIC, Optional.of(1), Optional.empty())))
          .all().get(30, TimeUnit.SECONDS);
    }
  }

  private static long verify(EmbeddedKafka kafka, PostgresServer primary, PostgresServer standby, Path log) {
    long started = System.nanoTime();
    try (JavaProcess run = JavaProcess.startJar(Jars.applier(), List.of(), List.of("verify", "--bootstrap-servers",
        kafka.bootstrapServers(), "--standby-name", "timing", "--primary-url", primary.jdbcUrl("postgres"),
        "--standby-url", standby.jdbcUrl("postgres"), "--verbose"), Map.of(), log)) {
      int code = run.waitFor(Duration.ofMinutes(5));
      long millis = (System.nanoTime() - started) / 1_000_000;
      if (code != 0) {
        throw new IllegalStateException("verify exited with " + code + ":\n" + run.output());
      }
      run.output().lines().filter(l -> l.contains("VerifyCommand - ")).forEach(System.out::println); // phases
      return millis;
    }
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
