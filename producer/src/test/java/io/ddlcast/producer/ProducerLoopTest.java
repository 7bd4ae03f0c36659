package io.ddlcast.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.catalog.SchemaFingerprint;
import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventFilter;
import io.ddlcast.producer.capture.EventFactory;
import io.ddlcast.producer.capture.HelperTrust;
import io.ddlcast.producer.csvlog.Csvlog;
import io.ddlcast.producer.csvlog.LogFollower;
import io.ddlcast.producer.csvlog.LogSource;
import io.ddlcast.producer.primary.EventCompleter;
import io.ddlcast.producer.publish.Checkpoint;
import io.ddlcast.producer.publish.CheckpointTooLargeException;
import io.ddlcast.producer.publish.EventPublisher;
import io.ddlcast.producer.publish.EventSink;
import io.ddlcast.producer.settle.SessionTracker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop's rounds on a real csvlog file, with a sink in place of Kafka and no primary. */
class ProducerLoopTest {
  private static final String FILE = "postgresql-2026-12-01_000000.csv";

  /** Kafka as the loop sees it: transactions that commit (or fail as told), the last committed checkpoint. */
  private static final class FakeSink implements EventSink {
    final List<List<DdlEvent>> committed = new ArrayList<>();
    Checkpoint lastCheckpoint;
    int starts;
    RuntimeException failNext;
    int tooLarge;
    byte[] stored;

    @Override
    public Optional<Checkpoint> start() {
      starts++;
      return stored != null ? Optional.of(Checkpoint.decode(stored)) : Optional.ofNullable(lastCheckpoint);
    }

    @Override
    public void publish(List<DdlEvent> events, Checkpoint checkpoint) {
      if (failNext != null) {
        RuntimeException failure = failNext;
        failNext = null;
        throw failure;
      }
      if (tooLarge > 0) {
        tooLarge--;
        throw new CheckpointTooLargeException(EventPublisher.MAX_RECORD_BYTES + 1, EventPublisher.MAX_RECORD_BYTES);
      }
      committed.add(List.copyOf(events));
      lastCheckpoint = Checkpoint.decode(checkpoint.encode());
    }

    final List<SchemaFingerprint> fingerprints = new ArrayList<>();

    @Override
    public void publishFingerprints(List<SchemaFingerprint> published) {
      fingerprints.addAll(published);
    }

    List<String> statements() {
      return committed.stream().flatMap(List::stream).map(DdlEvent::statement).toList();
    }

    @Override
    public void close() {}
  }

  @TempDir
  Path dir;

  private final FakeSink sink = new FakeSink();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<String> newDatabases = new ArrayList<>();
  private long line;

  private ProducerLoop loop(EventFilter.Options filters) {
    LogSource source = LogSource.ofLogDir(dir);
    ProducerMetrics metrics = new ProducerMetrics(registry, source);
    OutcomeRouter router = new OutcomeRouter(EventFilter.of(filters, new Problems()), metrics, newDatabases::add);
    ProducerLoop.Stages stages = new ProducerLoop.Stages(source, new LogFollower(source, null, 1 << 20),
        new SessionTracker(new EventFactory("p1"), false, HelperTrust.FRAMES_ONLY), null, null,
        new EventCompleter(null), sink, router, newDatabases::add);
    ProducerLoop loop = new ProducerLoop(stages, metrics, "p1", "k:9092", StartFrom.EARLIEST, () -> true);
    assertThat(loop.restore(true)).isTrue();
    return loop;
  }

  /** Appends an auto-commit statement that succeeds (or fails with 42P07) in database {@code db}. */
  private void statement(String db, String sql, boolean fails) throws IOException {
    String session = "s." + (++line);
    String csv = Csvlog.record(db, session, 1, "3/" + line, "LOG", "00000", "idle", "statement: " + sql, "")
        + (fails
            ? Csvlog.record(db, session, 2, "3/" + line, "ERROR", "42P07", "CREATE TABLE", "relation exists", sql)
            : Csvlog.record(db, session, 2, "3/0", "LOG", "00000", "CREATE TABLE", "duration: 0.5 ms", ""));
    Files.writeString(dir.resolve(FILE), csv, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static void drain(ProducerLoop loop) {
    for (int i = 0; i < 1000 && loop.round().more(); i++) {
      // rounds until the log is read
    }
  }

  @Test
  void aRoundPublishesWhatCommittedWithTheCheckpointAfterItAndNothingThatFailed() throws IOException {
    statement("app", "CREATE TABLE t1()", false);
    statement("app", "CREATE TABLE t1()", true);
    statement("app", "CREATE TABLE t2()", false);
    ProducerLoop loop = loop(EventFilter.Options.NONE);
    ProducerLoop.Round round = loop.round();
    assertThat(round.published()).extracting(DdlEvent::statement).containsExactly("CREATE TABLE t1()",
        "CREATE TABLE t2()");
    assertThat(round.stuck()).isFalse();
    assertThat(sink.committed).hasSize(1);
    assertThat(sink.lastCheckpoint.published()).isEqualTo(2);
    assertThat(sink.lastCheckpoint.cursor().offset()).isEqualTo(Files.size(dir.resolve(FILE)));
    assertThat(registry.scrape()).contains("ddlcast_producer_records_dropped_total{reason=\"failed\"} 1.0")
        .contains("ddlcast_producer_events_published_total 2.0");
  }

  @Test
  void eventsDecidedWithinThePublishWindowShareOneKafkaTransaction() throws Exception {
    ProducerLoop loop = loop(EventFilter.Options.NONE).publishWindow(Duration.ofMillis(300));
    statement("app", "CREATE TABLE w1()", false);
    ProducerLoop.Round first = loop.round();
    assertThat(first.published()).isEmpty();
    assertThat(first.holding()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(300));
    statement("app", "CREATE TABLE w2()", false);
    assertThat(loop.round().published()).isEmpty();
    Thread.sleep(first.holding().toMillis() + 10);
    ProducerLoop.Round closed = loop.round();
    assertThat(closed.published()).extracting(DdlEvent::statement).containsExactly("CREATE TABLE w1()",
        "CREATE TABLE w2()");
    assertThat(closed.holding()).isZero();
    assertThat(sink.committed).hasSize(1);
    assertThat(sink.lastCheckpoint.published()).isEqualTo(2);
  }

  @Test
  void aKafkaFailureResumesFromTheLastCommittedCheckpointWithoutLosingOrRepeatingAnEvent() throws IOException {
    statement("app", "CREATE TABLE a()", false);
    ProducerLoop loop = loop(EventFilter.Options.NONE);
    drain(loop);
    statement("app", "CREATE TABLE b()", false);
    statement("hr", "CREATE TABLE c()", false);
    sink.failNext = new TimeoutException("broker away");
    ProducerLoop.Round failed = loop.round();
    assertThat(failed.published()).isEmpty();
    assertThat(sink.starts).isEqualTo(2); // started again from the checkpoint after a()
    drain(loop);
    assertThat(sink.statements()).containsExactly("CREATE TABLE a()", "CREATE TABLE b()", "CREATE TABLE c()");
    assertThat(sink.lastCheckpoint.published()).isEqualTo(3);
  }

  @Test
  void aFencedProducerStopsAndSaysWhy() throws IOException {
    statement("app", "CREATE TABLE a()", false);
    ProducerLoop loop = loop(EventFilter.Options.NONE);
    sink.failNext = new ProducerFencedException("fenced");
    assertThatThrownBy(loop::round).isInstanceOf(DdlcastException.class)
        .hasMessageContaining("another producer for source p1 took over");
  }

  @Test
  void filteredEventsAreLeftOutAndCountedInTheCheckpoint() throws IOException {
    statement("scratch", "CREATE TABLE s()", false);
    statement("app", "CREATE TABLE a()", false);
    ProducerLoop loop = loop(new EventFilter.Options(null, "scratch", null, null, null, null));
    drain(loop);
    assertThat(sink.statements()).containsExactly("CREATE TABLE a()");
    assertThat(sink.lastCheckpoint.filtered()).isEqualTo(1);
  }

  @Test
  void theCheckpointFollowsTheCursorWhenNoDdlWasRead() throws IOException {
    Files.writeString(dir.resolve(FILE), Csvlog.record("s.1", 1, "3/1", "LOG", "00000", "idle", "statement: SELECT 1",
        ""), StandardCharsets.UTF_8);
    ProducerLoop loop = loop(EventFilter.Options.NONE);
    drain(loop);
    assertThat(sink.committed).containsExactly(List.of());
    assertThat(sink.lastCheckpoint.cursor().offset()).isEqualTo(Files.size(dir.resolve(FILE)));
  }

  @Test
  void aNewDatabaseIsAnnouncedOnceItsCreationIsPublished() throws IOException {
    statement("postgres", "CREATE DATABASE shop", false);
    ProducerLoop loop = loop(EventFilter.Options.NONE);
    drain(loop);
    assertThat(newDatabases).containsExactly("shop");
  }

  @Test
  void eventsWhoseCheckpointDoesNotFitWaitForOneThatDoesAndGoOutOnceInOrder() throws IOException {
    statement("app", "CREATE TABLE a()", false);
    ProducerLoop loop = loop(EventFilter.Options.NONE);
    sink.tooLarge = 2;
    assertThat(loop.round().stuck()).isFalse(); // reading goes on
    statement("app", "CREATE TABLE b()", false);
    assertThat(loop.round().published()).isEmpty();
    statement("app", "CREATE TABLE c()", false);
    drain(loop);
    assertThat(sink.statements()).containsExactly("CREATE TABLE a()", "CREATE TABLE b()", "CREATE TABLE c()");
    assertThat(sink.committed).hasSize(1);
    assertThat(sink.lastCheckpoint.published()).isEqualTo(3);
  }

  @Test
  void anUnreadableCheckpointStopsTheProducerNamingItInsteadOfRetryingOrGuessing() {
    sink.stored = "{\"v\":2,\"file\":\"postgresql-1.csv\",\"offset\":\"12\",\"published\":1}"
        .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> loop(EventFilter.Options.NONE)).isInstanceOfSatisfying(DdlcastException.class, e -> {
      assertThat(e.exitCode()).isEqualTo(ExitCode.FAILED);
      assertThat(e.getMessage()).contains("field 'offset' is \"12\", not a count")
          .contains("the producer cannot tell where it stopped");
    });
    assertThat(sink.starts).isEqualTo(1);
  }

  @Test
  void statementsLongerThanAnEventCarriesAreReportedAndWhatFollowsIsPublished() throws IOException {
    statement("app", "CREATE TABLE before()", false);
    statement("app", "COMMENT ON TABLE before IS '" + "x".repeat(DdlEvent.MAX_STATEMENT_CHARS) + "'", false);
    statement("app", "CREATE TABLE t2(); COMMENT ON TABLE t2 IS '" + "y".repeat(DdlEvent.MAX_STATEMENT_CHARS) + "'",
        false);
    statement("app", "COMMENT ON TABLE before IS '" + "z".repeat(60 << 20) + "'", false); // a 60 MB record
    statement("app", "CREATE TABLE after()", false);
    ProducerLoop loop = loop(EventFilter.Options.NONE);
    drain(loop);
    assertThat(sink.statements()).containsExactly("CREATE TABLE before()", "CREATE TABLE after()");
    assertThat(registry.scrape()).contains("ddlcast_producer_records_dropped_total{reason=\"too_large\"} 3.0");
    byte[] checkpoint = sink.lastCheckpoint.encode();
    assertThat(checkpoint.length).isLessThan(1 << 20); // nothing of them is held
    assertThat(Checkpoint.decode(checkpoint).published()).isEqualTo(2);
  }
}
