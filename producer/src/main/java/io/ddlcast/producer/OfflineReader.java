package io.ddlcast.producer;

import io.ddlcast.producer.capture.EventFactory;
import io.ddlcast.producer.capture.HelperTrust;
import io.ddlcast.producer.capture.StatementParts;
import io.ddlcast.producer.csvlog.CsvlogParser;
import io.ddlcast.producer.csvlog.LogFollower;
import io.ddlcast.producer.csvlog.LogRecord;
import io.ddlcast.producer.csvlog.LogSource;
import io.ddlcast.producer.settle.Outcome;
import io.ddlcast.producer.settle.SessionTracker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The producer's reading stack ({@link LogFollower} → {@link CsvlogParser} → {@link SessionTracker}) driven offline,
 * on one thread, without Kafka or the primary: what the benchmark measures, and nothing else. It adds no logic of
 * its own; the classes are the ones {@link ProducerLoop} runs, with the same batch size.
 */
public final class OfflineReader {

  /** What one read of a log directory produced. */
  public record Totals(long records, long bytes, long published, long dropped, long problems) {}

  private OfflineReader() {}

  /**
   * Reads every csv file of {@code logDir} (oldest first, as the producer follows them), hands each record to a
   * session tracker, and returns the totals. Decisions that would need the primary are counted as dropped.
   */
  public static Totals readDirectory(Path logDir) throws IOException {
    LogFollower follower = new LogFollower(LogSource.ofLogDir(logDir), null, ProducerLoop.MAX_BATCH_BYTES);
    SessionTracker tracker = new SessionTracker(new EventFactory("offline"), false, HelperTrust.FRAMES_ONLY);
    long records = 0;
    long bytes = 0;
    long published = 0;
    long dropped = 0;
    long problems = 0;
    try (follower) {
      while (true) {
        LogFollower.Batch batch = follower.poll();
        problems += batch.problems().size();
        for (LogRecord record : batch.records()) {
          records++;
          bytes += record.length();
          for (Outcome outcome : tracker.accept(record)) {
            if (outcome instanceof Outcome.Publish) {
              published++;
            } else {
              dropped++;
            }
          }
          problems += tracker.drainProblems().size();
        }
        if (batch.isEmpty() && !batch.more()) {
          return new Totals(records, bytes, published, dropped, problems);
        }
      }
    }
  }

  /** {@link CsvlogParser#parse} of {@code buf[0..len)}: the number of complete records (for JMH). */
  public static int parseRecords(byte[] buf, int len) {
    return CsvlogParser.parse("bench.csv", 0, buf, len).records().size();
  }

  /** {@link StatementParts#of}: the statements of one logged string, each classified; their count (for JMH). */
  public static int statementParts(String sql) {
    List<StatementParts.Part> parts = StatementParts.of(sql);
    return parts.size();
  }
}
