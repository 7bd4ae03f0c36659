package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.PsqlResult;
import io.ddlcast.testkit.PsqlRun;
import io.ddlcast.testkit.SchemaSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * DDL no one on the team wrote: PostgreSQL 15's own regression test files, each in its own database after
 * {@code test_setup.sql}, as {@code pg_regress} runs them (its environment: {@code PGTZ}, {@code PGDATESTYLE}),
 * on a real primary with two real standbys. Like PostgreSQL's {@code 027_stream_regress.pl} does for streaming
 * replication, it then compares each standby with the primary: {@code pg_dump --schema-only} of every database
 * and {@code pg_dumpall --globals-only}; and it wants no ERROR in a standby's server log and no event that failed
 * or was skipped. The files and their schedule are in {@code it/src/test/resources/regress/pg15} (origin and
 * version in the README there); {@code -Dddlcast.regress=full} runs every scheduled file, the default only those
 * marked {@code ci}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegressionSuiteIT {
  static final Path FILES = Pipeline.ROOT.resolve("it/src/test/resources/regress/pg15");
  private static final Pattern SCHEDULED = Pattern.compile("^(ci|full)\\s+([a-z0-9_.]+)\\s*(?:#.*)?$");
  private static final Pattern DURATION_RECORD = Pattern.compile(",LOG,00000,\"duration: ");
  private static final Pattern ERROR_RECORD = Pattern.compile(",ERROR,[0-9A-Z]{5},\"");

  private Pipeline pipeline;
  private PostgresServer primary;
  private Path data;

  @BeforeAll
  void start() throws Exception {
    pipeline = new Pipeline("RegressionSuiteIT", "standby1", "standby2");
    primary = pipeline.primary;
    data = readableCopyOfData();
    pipeline.installHelper();
    pipeline.startProducer();
    // -Dddlcast.regress.applier-args=--on-error=skip lists every failing event in one run (the test still fails)
    String[] applierArgs = System.getProperty("ddlcast.regress.applier-args", "").isBlank() ? new String[0]
        : System.getProperty("ddlcast.regress.applier-args").strip().split("\\s+");
    pipeline.startApplier("standby1", applierArgs);
    pipeline.startApplier("standby2", applierArgs);
  }

  @AfterAll
  void stop() throws IOException {
    if (pipeline != null) {
      pipeline.close();
    }
    if (data != null) {
      try (Stream<Path> files = Files.walk(data)) {
        for (Path file : files.sorted((a, b) -> b.compareTo(a)).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /** The shape of many regression files: a role makes objects, they are dropped, the role is dropped. */
  @Test
  @Order(1)
  void aRoleThatRanDdlOnTheStandbyCanBeDroppedThere() {
    primary.execute("postgres", "CREATE DATABASE roles_then_drop");
    PsqlResult ran = primary.psql(PsqlRun.script("roles_then_drop", """
        CREATE ROLE regress_maker;
        GRANT CREATE ON SCHEMA public TO regress_maker;
        SET ROLE regress_maker;
        CREATE TABLE made (a int);
        RESET ROLE;
        CREATE ROLE regress_heir;
        REASSIGN OWNED BY regress_maker TO regress_heir;
        REVOKE CREATE ON SCHEMA public FROM regress_maker;
        DROP ROLE regress_maker;
        DROP TABLE made;
        DROP ROLE regress_heir;
        """));
    assertThat(ran.output()).doesNotContain("ERROR");
    SchemaSnapshot.awaitConverged(Duration.ofSeconds(60), primary, pipeline.standby("standby1"),
        pipeline.standby("standby2"));
    assertNothingFailed();
  }

  private void assertNothingFailed() {
    for (String standby : List.of("standby1", "standby2")) {
      assertThat(pipeline.standby(standby).serverLogErrors()).as("ERRORs on " + standby).isEmpty();
      assertThat(pipeline.applierOutput(standby).lines().filter(l -> l.contains(" ERROR ")
          || l.contains("WARN ApplyLane - skipped")).toList()).as("applier log of " + standby).isEmpty();
    }
  }

  @Test
  @Order(2)
  void everyRegressionFileConvergesOnBothStandbys() throws Exception {
    List<String> files = scheduled(System.getProperty("ddlcast.regress", "ci").toLowerCase(Locale.ROOT));
    long started = System.nanoTime();
    Map<String, String> databases = new TreeMap<>();
    for (String file : files) {
      String database = "regress_" + file.replace('.', '_');
      databases.put(database, file);
      assertThat(primary.psql(PsqlRun.command("postgres", "CREATE DATABASE " + database)).exitCode())
          .as("CREATE DATABASE " + database).isZero();
      run(database, "test_setup");
      run(database, file);
    }
    // the end of the run, as the producer sees it: its event on the topic means everything before it was published
    primary.execute("postgres", "CREATE TABLE regress_end_of_run ()");
    Await.until("the end of the run on the topic", Duration.ofMinutes(10), () -> {
      if (!pipeline.producerAlive()) { // say so now, not after ten minutes
        throw new AssertionError("the producer exited before it published the end of the run");
      }
      return pipeline.topicEvents().stream().anyMatch(e -> e.statement().contains("regress_end_of_run"));
    });
    long ranMillis = (System.nanoTime() - started) / 1_000_000;
    Pipeline.CommandRun waited = pipeline.applierCommand("wait", "--standbys", "standby1,standby2", "--now",
        "--timeout", "100s");
    for (int round = 0; round < 8 && waited.exitCode() != 0
        && !waited.output().toLowerCase(Locale.ROOT).contains("stopped"); round++) {
      waited = pipeline.applierCommand("wait", "--standbys", "standby1,standby2", "--now", "--timeout", "100s");
    }
    long convergedMillis = (System.nanoTime() - started) / 1_000_000;
    Map<String, String> expected = new TreeMap<>();
    for (String database : databases.keySet()) {
      expected.put(database, primary.schemaDump(database));
    }
    List<String> differences = new ArrayList<>();
    if (!primary.globalsDump().equals(pipeline.standby("standby1").globalsDump())
        || !primary.globalsDump().equals(pipeline.standby("standby2").globalsDump())) {
      differences.add("globals differ:\n" + firstDifferences(primary.globalsDump(),
          pipeline.standby("standby1").globalsDump()));
    }
    for (String standby : List.of("standby1", "standby2")) {
      differences.addAll(differences(pipeline.standby(standby), databases, expected));
    }
    Pipeline.CommandRun status = pipeline.applierCommand("status", "--json");
    Figures figures = figures(files.size(), ranMillis, convergedMillis);
    System.out.println("regression-suite replay: " + figures);
    Files.writeString(Pipeline.ROOT.resolve("it/target/it-logs/RegressionSuiteIT/figures.txt"),
        figures + "\n" + String.join("\n", differences) + "\n");
    assertThat(differences).as("databases whose schema differs on a standby").isEmpty();
    assertThat(waited.exitCode()).as("applier wait: " + waited.output()).isZero();
    assertNothingFailed();
    JsonNode report = EventCodec.mapper().readTree(status.output().substring(status.output().indexOf('{')));
    assertThat(report.findValues("stopped")).as("stopped databases in status").isNotEmpty()
        .allMatch(JsonNode::isEmpty);
  }

  private void run(String database, String file) throws IOException {
    String script = Files.readString(FILES.resolve("sql").resolve(file + ".sql"));
    primary.psql(PsqlRun.script(database, script)
        .withEnv("PG_ABS_SRCDIR", data.toString())
        .withEnv("PG_ABS_BUILDDIR", data.toString())
        .withEnv("PG_LIBDIR", data.toString())
        .withEnv("PG_DLSUFFIX", ".so")
        .withEnv("PGTZ", "PST8PDT")
        .withEnv("PGDATESTYLE", "Postgres, MDY")
        .withEnv("PGAPPNAME", "pg_regress/" + file));
  }

  /** The scheduled files of a set ({@code ci}: those marked ci; {@code full}: all), in schedule order. */
  static List<String> scheduled(String set) throws IOException {
    List<String> files = new ArrayList<>();
    for (String line : Files.readAllLines(FILES.resolve("schedule"))) {
      Matcher m = SCHEDULED.matcher(line.strip());
      if (m.matches() && (set.equals("full") || m.group(1).equals(set))) {
        files.add(m.group(2));
      }
    }
    return files;
  }

  private static List<String> differences(PostgresServer standby, Map<String, String> databases,
      Map<String, String> expectedDumps) {
    List<String> differences = new ArrayList<>();
    for (String database : databases.keySet()) {
      if (!standby.databases().contains(database)) {
        differences.add(standby.name() + ": database " + database + " is missing");
        continue;
      }
      String expected = expectedDumps.get(database);
      String actual = standby.schemaDump(database);
      if (!expected.equals(actual)) {
        differences.add(standby.name() + ": " + databases.get(database) + ".sql differs:\n"
            + firstDifferences(expected, actual));
      }
    }
    return differences;
  }

  private static String firstDifferences(String expected, String actual) {
    List<String> a = expected.lines().toList();
    List<String> b = actual.lines().toList();
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (String line : a) {
      if (!b.contains(line) && shown++ < 15) {
        out.append("  - ").append(line).append('\n');
      }
    }
    shown = 0;
    for (String line : b) {
      if (!a.contains(line) && shown++ < 15) {
        out.append("  + ").append(line).append('\n');
      }
    }
    return out.toString();
  }

  /** What the run did, in numbers, for the closing note and the README. */
  record Figures(int files, long statements, long failedOnPrimary, long ddlEvents, long droppedFailed,
                 long droppedOther, long ranMillis, long convergedMillis) {
    @Override
    public String toString() {
      return files + " files, " + statements + " statements (" + failedOnPrimary + " failed on the primary), "
          + ddlEvents + " DDL events, " + droppedFailed + " DDL statements dropped as failed or rolled back, "
          + droppedOther + " dropped for other reasons (temporary objects, ...); the producer had published all of it "
          + ranMillis + " ms after the start, both standbys had applied it all " + convergedMillis + " ms after it";
    }
  }

  private Figures figures(int files, long ranMillis, long convergedMillis) throws IOException {
    long statements = 0;
    long errors = 0;
    List<String> args = new ArrayList<>(List.of("scan"));
    try (Stream<Path> logs = Files.list(primary.logDirectory())) {
      for (Path log : logs.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
        String text = Files.readString(log);
        statements += DURATION_RECORD.matcher(text).results().count();
        errors += ERROR_RECORD.matcher(text).results().count();
        args.add(log.toString());
      }
    }
    long published = 0;
    long droppedFailed = 0;
    long droppedOther = 0;
    Path out = Pipeline.ROOT.resolve("it/target/it-logs/RegressionSuiteIT/scan.log");
    try (JavaProcess scan = JavaProcess.startJar(Pipeline.PRODUCER_JAR, List.of("-Xmx512m"), args, Map.of(), out)) {
      assertThat(scan.waitFor(Duration.ofSeconds(300))).as("producer scan").isZero();
      for (String line : scan.output().split("\n")) {
        if (!line.startsWith("{")) {
          continue;
        }
        JsonNode decision = EventCodec.mapper().readTree(line);
        String kind = decision.path("decision").asText();
        String reason = decision.path("reason").asText();
        if (kind.equals("publish")) {
          published++;
        } else if (kind.equals("drop") && (reason.contains("failed") || reason.contains("rolled back"))) {
          droppedFailed++;
        } else if (kind.equals("drop")) {
          droppedOther++;
        }
      }
    }
    long events = pipeline.topicEvents().size();
    return new Figures(files, statements + errors, errors, Math.max(events, published), droppedFailed,
        droppedOther, ranMillis, convergedMillis);
  }

  /** A copy of the regression data files that the server's OS user can read (COPY FROM a file runs there). */
  private static Path readableCopyOfData() throws IOException {
    Path dir = Files.createTempDirectory("ddlcast-regress-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Path target = dir.resolve("data");
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(FILES.resolve("data"))) {
      for (Path file : files.toList()) {
        Path copy = target.resolve(file.getFileName());
        Files.copy(file, copy);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return dir;
  }
}
