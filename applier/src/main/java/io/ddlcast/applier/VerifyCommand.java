package io.ddlcast.applier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.catalog.CatalogObject;
import io.ddlcast.common.catalog.SchemaCatalog;
import io.ddlcast.common.catalog.SchemaDiff;
import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.cli.DurationConverter;
import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.jdbc.PgUrl;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaNames;
import io.ddlcast.common.status.StatusJson;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ddlcast verify}: is a standby's schema the primary's? Schema-diff tools compare two databases but know
 * nothing of the stream, so they report lag as drift; verify first waits until the standby applied everything
 * published so far (or the event {@code --event}: then only what the standby has applied all of is compared, see
 * {@link #notCompared}), then lists both sides with {@link SchemaCatalog} (the cluster's roles, memberships,
 * databases and tablespaces, and each database's objects) and names each difference with {@link SchemaDiff}. A
 * standby still behind at {@code --timeout} is reported behind, and nothing is compared.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Compare a standby's schema with the primary's, object by object, once the standby applied "
        + "everything published so far (or --event). Exit 0 when equal, 1 with differences or when the standby is "
        + "still behind at --timeout, 2 on bad options, 3 when a server or Kafka cannot be reached.")
final class VerifyCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(VerifyCommand.class);
  private static final String APP = "ddlcast verify";

  @Mixin
  KafkaTarget kafka;

  @Option(names = "--primary-url", paramLabel = "JDBC_URL", description = "The primary's maintenance database, e.g. "
      + "jdbc:postgresql://HOST:5432/postgres?user=postgres (password from ~/.pgpass); a superuser lists all.")
  String primaryUrl;

  @Option(names = "--standby-url", paramLabel = "JDBC_URL", description = "The standby's maintenance database.")
  String standbyUrl;

  @Option(names = "--standby-name", paramLabel = "NAME", description = "The standby's name (its applier's "
      + "--standby-name): whose progress on the topic to wait for.")
  String standbyName;

  @Option(names = "--databases", paramLabel = "NAME[,NAME...]", split = ",", description = "Compare only these "
      + "databases (and, of the globals, only their database entries), e.g. those the applier's filters take.")
  List<String> databases;

  @Option(names = "--event", paramLabel = "ID", description = "Compare as of this event (an id as status shows it) "
      + "instead of everything published so far: a database with events after it the standby has not applied is "
      + "not compared.")
  String event;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
      description = "How long to wait for the standby to apply what it must first (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--json", description = "One JSON document, for scripts.")
  boolean json;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    Problems problems = new Problems();
    KafkaAccess access = kafka.validate(problems);
    PgUrl primary = url("--primary-url", primaryUrl, problems);
    PgUrl standby = url("--standby-url", standbyUrl, problems);
    if (standbyName == null) {
      problems.missing("--standby-name", "the standby's applier name, whose progress verify waits for");
    } else {
      KafkaNames.checkName("--standby-name", standbyName, problems);
    }
    if (databases != null) {
      databases.stream().filter(d -> d.isBlank()).findFirst()
          .ifPresent(d -> problems.invalid("--databases", String.join(",", databases), "a name is empty"));
    }
    if (event != null && event.isBlank()) {
      problems.invalid("--event", event, "must not be empty");
    }
    if (timeout.isNegative()) {
      problems.invalid("--timeout", timeout, "must not be negative");
    }
    problems.throwIfAny();
    reachable(primary, "primary"); // before waiting: an unreachable server is said at once, not after the wait
    reachable(standby, "standby");
    Map<Lane, Long> unapplied;
    long started = System.nanoTime();
    try {
      Optional<Map<Lane, Long>> reached = waitForStandby(access);
      if (reached.isEmpty()) {
        return ExitCode.NOT_MET.code();
      }
      unapplied = reached.get();
    } catch (KafkaException | ExecutionException | TimeoutException e) {
      throw new DdlcastException(ExitCode.FAILED, "cannot read the progress of standby " + standbyName
          + " from Kafka at " + access.bootstrapServers() + ": " + e.getMessage(), e);
    }
    LOG.debug("waited for standby {} {} ms", standbyName, (System.nanoTime() - started) / 1_000_000);
    VerifyReport report = compare(primary, standby, unapplied);
    if (json) {
      System.out.println(StatusJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report.json()));
    } else {
      report.lines().forEach(System.out::println);
    }
    return report.equal() ? ExitCode.OK.code() : ExitCode.NOT_MET.code();
  }

  private static PgUrl url(String option, String value, Problems problems) {
    if (value == null) {
      problems.missing(option, "a JDBC URL such as jdbc:postgresql://HOST:5432/postgres?user=postgres");
      return null;
    }
    try {
      return PgUrl.parse(value);
    } catch (IllegalArgumentException e) {
      problems.invalid(option, value, e.getMessage());
      return null;
    }
  }

  /**
   * Waits until the standby applied everything published when verify started (or {@code --event}); then the
   * events up to the topic's end it has not applied, by lane (empty without {@code --event}). Empty, after saying
   * so, when the standby is still behind at the timeout.
   */
  private Optional<Map<Lane, Long>> waitForStandby(KafkaAccess access)
      throws ExecutionException, InterruptedException, TimeoutException, JsonProcessingException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (TopicProgress progress = new TopicProgress(access, kafka.topic)) {
      Optional<TopicProgress.Located> located = Optional.empty();
      if (event != null) {
        located = progress.find(event);
        if (located.isEmpty()) {
          throw new DdlcastException(ExitCode.NOT_MET, "event " + event + " is not on topic " + kafka.topic);
        }
      }
      Map<TopicPartition, Long> upTo = progress.ends();
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed = progress.committed(standbyName);
        TopicProgress.Lag lag = located.isPresent() ? null : progress.lag(committed, upTo); // bounded count
        if (located.isPresent() ? located.get().appliedBy(committed) : lag.events() == 0) {
          return Optional.of(progress.unapplied(committed, progress.ends()));
        }
        if (System.nanoTime() >= deadline) {
          String why = "standby " + standbyName + " is behind after " + timeout.toSeconds() + " s: "
              + (located.isPresent() ? "it has not applied " + event : behind(progress, committed, upTo, lag))
              + (committed.isEmpty() ? "; no applier ever committed for it" : "")
              + "; not compared (lag is not drift): run verify again once it caught up (ddlcast status)";
          if (json) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode().put("equal", false).put("standby", standbyName)
                .put("behind", why);
            System.out.println(StatusJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
          } else {
            System.out.println(why);
          }
          return Optional.empty();
        }
        Thread.sleep(500);
      }
    }
  }

  /** "3 published event(s) not applied (database crm 2, cluster-wide statements (...) 1)". */
  private static String behind(TopicProgress progress, Map<TopicPartition, OffsetAndMetadata> committed,
      Map<TopicPartition, Long> upTo, TopicProgress.Lag lag) {
    if (lag.atLeast()) {
      return "at least " + lag.events() + " published event(s) not applied";
    }
    List<String> lanes = new ArrayList<>();
    progress.unapplied(committed, upTo)
        .forEach((lane, n) -> lanes.add(VerifyReport.printable(lane.describe()) + " " + n));
    return lag.events() + " published event(s) not applied (" + String.join(", ", lanes) + ")";
  }

  private VerifyReport compare(PgUrl primary, PgUrl standby, Map<Lane, Long> unapplied) {
    SortedMap<String, String> notCompared = notCompared(unapplied);
    long started = System.nanoTime();
    Sides<Cluster> clusters = both(() -> cluster(primary, "primary"), () -> cluster(standby, "standby"));
    LOG.debug("listed the globals of both sides in {} ms", (System.nanoTime() - started) / 1_000_000);
    TreeSet<String> selected = new TreeSet<>(databases == null
        ? union(clusters.primary().databases(), clusters.standby().databases())
        : databases.stream().map(String::strip).toList());
    SchemaDiff globals = null;
    if (!notCompared.containsKey(VerifyReport.CLUSTER)) {
      globals = SchemaDiff.of(selectedGlobals(clusters.primary().globals(), selected),
          selectedGlobals(clusters.standby().globals(), selected));
    }
    SortedMap<String, SchemaDiff> diffs = new TreeMap<>();
    for (String db : selected) {
      if (notCompared.containsKey("database " + db)) {
        continue;
      }
      boolean here = clusters.primary().databases().contains(db);
      boolean there = clusters.standby().databases().contains(db);
      if (!here || !there) {
        if (!here && !there) {
          notCompared.put("database " + db, "on neither server");
        } else if (globals == null) {
          notCompared.put("database " + db, "only on the " + (here ? "primary" : "standby"));
        }
        continue; // else the globals name it missing or extra
      }
      long listing = System.nanoTime();
      Sides<List<CatalogObject>> objects = both(() -> listDatabase(primary, db, "primary"),
          () -> listDatabase(standby, db, "standby"));
      LOG.debug("listed database {} on both sides ({} and {} objects) in {} ms", db, objects.primary().size(),
          objects.standby().size(), (System.nanoTime() - listing) / 1_000_000);
      diffs.put(db, SchemaDiff.of(objects.primary(), objects.standby()));
    }
    LOG.debug("compared in {} ms", (System.nanoTime() - started) / 1_000_000);
    return new VerifyReport(standbyName, globals, diffs, notCompared);
  }

  /** What a cluster holds: its databases (those one can connect to, not templates) and its globals. */
  private record Cluster(List<String> databases, List<CatalogObject> globals) {}

  private record Sides<T>(T primary, T standby) {}

  /** Both listings at once, the standby's on a second thread: each side waits on its own server. */
  private static <T> Sides<T> both(Supplier<T> onPrimary, Supplier<T> onStandby) {
    CompletableFuture<T> standbySide = CompletableFuture.supplyAsync(onStandby);
    T primarySide = onPrimary.get();
    try {
      return new Sides<>(primarySide, standbySide.join());
    } catch (CompletionException e) {
      throw e.getCause() instanceof DdlcastException known ? known : e;
    }
  }

  private static Cluster cluster(PgUrl url, String side) {
    try (Connection c = connect(url, side)) {
      return new Cluster(list(c, side), listGlobals(c, side));
    } catch (SQLException e) {
      throw failed("closing the connection to the " + side, e);
    }
  }

  /** With {@code --event}: the lanes the standby has not applied all of, which are not at the point compared. */
  private SortedMap<String, String> notCompared(Map<Lane, Long> unapplied) {
    SortedMap<String, String> out = new TreeMap<>();
    unapplied.forEach((lane, n) -> {
      String why = n + " event(s) published after " + (event == null ? "the point verified" : event)
          + " not applied yet";
      if (lane.isCluster()) {
        out.put(VerifyReport.CLUSTER, why);
      } else if (!lane.equals(Lane.NO_KEY)) {
        out.put("database " + lane.database(), why);
      }
    });
    return out;
  }

  /** The globals, of the database entries only those selected. */
  private static List<CatalogObject> selectedGlobals(List<CatalogObject> globals, TreeSet<String> selected) {
    return globals.stream().filter(o -> !o.kind().equals("database") || selected.stream()
        .anyMatch(d -> o.identity().equals(quote(d)) || o.identity().equals(d))).toList();
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static List<String> union(List<String> a, List<String> b) {
    TreeSet<String> all = new TreeSet<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  private static Connection connect(PgUrl url, String side) {
    try {
      return url.connect(APP, null);
    } catch (SQLException e) {
      throw new DdlcastException(ExitCode.FAILED, "cannot reach the " + side + " at " + url.hosts() + " (database "
          + url.database() + "): " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
    }
  }

  private static void reachable(PgUrl url, String side) {
    try (Connection c = connect(url, side)) {
      c.isValid(5);
    } catch (SQLException e) {
      throw failed("closing the connection to the " + side, e);
    }
  }

  private static List<String> list(Connection c, String side) {
    List<String> names = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT datname FROM "
        + "pg_catalog.pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      return names;
    } catch (SQLException e) {
      throw failed("listing the databases of the " + side, e);
    }
  }

  private static List<CatalogObject> listGlobals(Connection c, String side) {
    try {
      return SchemaCatalog.globals(c);
    } catch (SQLException e) {
      throw failed("listing the roles, databases and tablespaces of the " + side, e);
    }
  }

  private static List<CatalogObject> listDatabase(PgUrl url, String db, String side) {
    try (Connection c = connect(url.withDatabase(db), side)) {
      return SchemaCatalog.database(c);
    } catch (SQLException e) {
      throw failed("listing database " + db + " of the " + side, e);
    }
  }

  private static DdlcastException failed(String what, SQLException e) {
    return new DdlcastException(ExitCode.FAILED, what + " failed: " + e.getMessage() + " (SQLState "
        + e.getSQLState() + ")", e);
  }
}
