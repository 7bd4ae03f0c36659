package io.ddlcast.producer;

import io.ddlcast.common.catalog.SchemaCatalog;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.jdbc.PgUrl;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.seal.SealedStatement;
import io.ddlcast.common.seal.SecretsKey;
import io.ddlcast.common.snapshot.Baseline;
import io.ddlcast.producer.primary.PrimaryClient;
import io.ddlcast.producer.publish.Checkpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one baseline of the primary at one point of the event stream ({@link SnapshotPoint} says why the point is
 * exact): end offsets and schema digests, the dumps, the digests again, a barrier into the primary's log and the
 * producer's checkpoint past it, the end offsets again; an attempt that did not hold still is retried.
 */
final class SnapshotTaker {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotTaker.class);
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
  private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  /** Where and how: the primary, the dump tools, the Kafka cluster and topic, the source's name, attempts. */
  record Target(PgUrl primary, PgDump dump, KafkaAccess kafka, String topic, String source, int attempts,
      Duration barrierTimeout) {}

  private final Target target;
  private final SecretsKey key;

  SnapshotTaker(Target target, SecretsKey key) {
    this.target = target;
    this.key = key;
  }

  /** The baseline; throws {@link DdlcastException} when no attempt was exact or the tools failed. */
  Baseline take() throws SQLException, IOException, InterruptedException {
    String why = null;
    Path work = Files.createTempDirectory("ddlcast-snapshot-");
    try (Connection primary = target.primary().connect("ddlcast snapshot", null)) {
      for (int attempt = 1; attempt <= target.attempts(); attempt++) {
        Instant takenAt = Instant.now();
        SortedMap<Integer, Long> before = endOffsets();
        List<String> databases = databases(primary);
        Map<String, String> digestsBefore = digests(primary, databases);
        String globals = target.dump().globals(key != null);
        List<Baseline.DatabaseDump> dumps = new ArrayList<>();
        for (String database : databases) {
          dumps.add(new Baseline.DatabaseDump(database, target.dump().database(database, work)));
        }
        Map<String, String> digestsAfter = digests(primary, databases(primary));
        Checkpoint checkpoint = checkpointPast(primary);
        SortedMap<Integer, Long> after = endOffsets();
        Optional<String> notExact = SnapshotPoint.whyNotExact(new SnapshotPoint.Observation(before, after,
            digestsBefore, digestsAfter, checkpoint.tracker() != null && checkpoint.tracker().holdsDdl()));
        if (notExact.isEmpty()) {
          refuseClearSecrets(dumps);
          Baseline.Summary summary = new Baseline.Summary(ID.format(takenAt), target.source(), takenAt, before,
              key == null ? Baseline.Passwords.OMITTED : Baseline.Passwords.VERIFIERS, key != null);
          return new Baseline(summary, globals, dumps);
        }
        why = notExact.get();
        LOG.warn("snapshot attempt {} of {} is not at one point of the stream: {}; trying again", attempt,
            target.attempts(), why);
        Thread.sleep(1000L * attempt);
      }
    } finally {
      try (var files = Files.list(work)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(work);
    }
    throw new DdlcastException(ExitCode.FAILED, "no snapshot: none of " + target.attempts() + " attempts was at one "
        + "point of the stream (the last: " + why + "); take it when less DDL runs, or give more --attempts");
  }

  /** Without a key nothing secret may travel: a script that holds a secret literal stops the snapshot. */
  private void refuseClearSecrets(List<Baseline.DatabaseDump> dumps) {
    if (key != null) {
      return;
    }
    for (Baseline.DatabaseDump d : dumps) {
      if (SealedStatement.holdsSecret(d.script())) {
        throw new DdlcastException(ExitCode.FAILED, "no snapshot: the schema of database " + d.name() + " holds a "
            + "secret literal (a user mapping or server option such as password), which ddlcast never publishes "
            + "in clear: give --secrets-key (the appliers' key) to seal the snapshot");
      }
    }
  }

  private static List<String> databases(Connection primary) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = primary.createStatement(); ResultSet rs = st.executeQuery("SELECT datname FROM "
        + "pg_catalog.pg_database WHERE datallowconn AND datname <> 'template0' ORDER BY datname")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private Map<String, String> digests(Connection primary, List<String> databases) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(SnapshotPoint.GLOBALS, SchemaCatalog.digest(SchemaCatalog.globals(primary)));
    for (String database : databases) {
      try (Connection c = target.primary().withDatabase(database).connect("ddlcast snapshot", null)) {
        out.put(database, SchemaCatalog.digest(SchemaCatalog.database(c)));
      }
    }
    return out;
  }

  /**
   * Writes a barrier into the primary's csvlog, finds where it landed ({@code pg_read_binary_file}, which needs a
   * superuser), and waits for the producer's checkpoint to be past it: the producer has then read, settled and
   * published everything logged before it.
   */
  private Checkpoint checkpointPast(Connection primary) throws SQLException, InterruptedException {
    String token = UUID.randomUUID().toString();
    String file;
    long at;
    try (Statement st = primary.createStatement()) {
      file = single(st, "SELECT pg_catalog.pg_current_logfile('csvlog')");
      if (file == null) {
        throw new DdlcastException(ExitCode.FAILED, "no snapshot: the primary writes no csvlog "
            + "(pg_current_logfile('csvlog') is null)");
      }
      long start = Long.parseLong(single(st, "SELECT size FROM pg_catalog.pg_stat_file('" + file.replace("'", "''")
          + "')"));
      st.execute("DO $ddlcast$ BEGIN RAISE LOG '" + PrimaryClient.BARRIER_PREFIX + "%', 'snapshot " + token
          + "'; END $ddlcast$");
      at = find(primary, file, start, token);
    }
    String name = Path.of(file).getFileName().toString();
    long deadline = System.nanoTime() + target.barrierTimeout().toNanos();
    while (true) {
      Optional<Checkpoint> checkpoint = latestCheckpoint();
      if (checkpoint.isPresent() && SnapshotPoint.readPast(checkpoint.get().cursor(), name, at)) {
        return checkpoint.get();
      }
      if (System.nanoTime() > deadline) {
        throw new DdlcastException(ExitCode.FAILED, "no snapshot: the producer of source " + target.source()
            + " did not read past the barrier at " + name + "@" + at + " within " + target.barrierTimeout()
            .toSeconds() + " s (its checkpoint is at " + checkpoint.map(c -> c.cursor().toString()).orElse("none")
            + "): a snapshot is taken while the producer runs");
      }
      Thread.sleep(200);
    }
  }

  /** The byte offset of the barrier's token in the log file, once the logging collector has written it. */
  private static long find(Connection primary, String file, long start, String token)
      throws SQLException, InterruptedException {
    byte[] needle = token.getBytes(StandardCharsets.US_ASCII);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (PreparedStatement ps = primary.prepareStatement("SELECT pg_catalog.pg_read_binary_file(?, ?, "
        + "(pg_catalog.pg_stat_file(?)).size - ?)")) {
      while (System.nanoTime() < deadline) {
        ps.setString(1, file);
        ps.setLong(2, start);
        ps.setString(3, file);
        ps.setLong(4, start);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          byte[] tail = rs.getBytes(1);
          int index = indexOf(tail, needle);
          if (index >= 0) {
            return start + index;
          }
        }
        Thread.sleep(20);
      }
    }
    throw new DdlcastException(ExitCode.FAILED, "no snapshot: the barrier written into the primary's log did not "
        + "appear in " + file + " within 30 s (did the log rotate? try again)");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String single(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private KafkaConsumer<String, byte[]> consumer() {
    Properties props = target.kafka().clientProperties("ddlcast-snapshot");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(DdlEvent.MAX_RECORD_BYTES));
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(props);
  }

  /** The events topic's end offsets as a read_committed reader sees them (its last stable offsets). */
  private SortedMap<Integer, Long> endOffsets() {
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      List<PartitionInfo> infos = consumer.partitionsFor(target.topic(), KAFKA_TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        throw new DdlcastException(ExitCode.FAILED, "no snapshot: topic " + target.topic() + " does not exist "
            + "(start the producer first)");
      }
      List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(target.topic(), i.partition()))
          .toList();
      SortedMap<Integer, Long> out = new TreeMap<>();
      consumer.endOffsets(partitions, KAFKA_TIMEOUT).forEach((tp, end) -> out.put(tp.partition(), end));
      return out;
    }
  }

  /** The source's latest checkpoint, read from the tail of the checkpoint topic (all of it if not there). */
  private Optional<Checkpoint> latestCheckpoint() {
    TopicPartition tp = new TopicPartition(Topics.checkpointTopic(target.topic()), 0);
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      consumer.assign(List.of(tp));
      long end = consumer.endOffsets(List.of(tp), KAFKA_TIMEOUT).get(tp);
      for (long from : new long[] {Math.max(0, end - 50), 0}) {
        consumer.seek(tp, from);
        byte[] latest = null;
        while (consumer.position(tp, KAFKA_TIMEOUT) < end) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            if (r.offset() < end && target.source().equals(r.key())) {
              latest = r.value();
            }
          }
        }
        if (latest != null) {
          return Optional.of(Checkpoint.decode(latest));
        }
        if (from == 0) {
          break;
        }
      }
      return Optional.empty();
    }
  }
}
