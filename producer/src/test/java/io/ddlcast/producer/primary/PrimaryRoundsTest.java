package io.ddlcast.producer.primary;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.producer.capture.EventFactory;
import io.ddlcast.producer.capture.HelperTrust;
import io.ddlcast.producer.capture.Xid;
import io.ddlcast.producer.csvlog.CsvlogParser;
import io.ddlcast.producer.settle.SessionTracker;
import io.ddlcast.producer.settle.XactStatus;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PrimaryRoundsTest {
  private static final long MS = 1_000_000L;

  /** A primary that knows nothing of the transactions asked about (its commit log truncated past them). */
  private static final class Amnesiac implements PrimaryRounds.Primary {
    int statusQueries;

    @Override
    public Map<Xid, XactStatus> xactStatus(Collection<Xid> xids) {
      statusQueries++;
      Map<Xid, XactStatus> unknown = new HashMap<>();
      xids.forEach(x -> unknown.put(x, XactStatus.UNKNOWN));
      return unknown;
    }

    @Override
    public Set<String> ended(Collection<String> vxids) {
      return Set.of();
    }

    @Override
    public void emitBarrier(String token) {
    }

    @Override
    public String describe() {
      return "amnesiac";
    }
  }

  private final AtomicLong clock = new AtomicLong(1_000 * MS);
  private final Amnesiac primary = new Amnesiac();
  private final SessionTracker tracker = new SessionTracker(new EventFactory("p1"), true, HelperTrust.FRAMES_ONLY);

  /** The savepoint fixture's first {@code count} records: its COMMIT is the 13th of 14. */
  private void feed(int count) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/csvlog/capture/10-savepoint-rollback.csv")) {
      byte[] bytes = in.readAllBytes();
      CsvlogParser.parse("10-savepoint-rollback", 0, bytes, bytes.length).records().subList(0, count)
          .forEach(tracker::accept);
    }
  }

  /** Turns every millisecond for {@code millis}, as a loop reading a busy log does; the status queries made. */
  private int turnsFor(PrimaryRounds rounds, long millis) {
    for (long t = 0; t < millis; t++) {
      rounds.turn(() -> new PrimaryRounds.Reading(List.of(), true));
      clock.addAndGet(MS);
    }
    return primary.statusQueries;
  }

  @Test
  void answersThatStayUnknownAreAskedForAtMostEveryMinimumIntervalThoughWanted() throws IOException {
    feed(14); // the commit waits for the primary's word on its savepoints, which stays unknown
    assertThat(tracker.wantsAnswers()).isTrue();
    PrimaryRounds rounds = new PrimaryRounds(primary, tracker, Duration.ofSeconds(1), () -> { }, clock::get);
    assertThat(turnsFor(rounds, 1_000)).isEqualTo(10); // sooner than the poll interval, not at every turn
    assertThat(tracker.wantsAnswers()).isTrue();
  }

  @Test
  void anOpenTransactionIsAskedAboutAtThePollInterval() throws IOException {
    feed(12); // its transaction is open, nothing waits for the answer
    assertThat(tracker.wantsAnswers()).isFalse();
    PrimaryRounds rounds = new PrimaryRounds(primary, tracker, Duration.ofMillis(200), () -> { }, clock::get);
    assertThat(turnsFor(rounds, 1_000)).isEqualTo(5);
  }
}
