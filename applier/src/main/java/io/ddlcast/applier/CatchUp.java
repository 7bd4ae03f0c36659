package io.ddlcast.applier;

import io.ddlcast.common.status.Progress;
import java.time.Duration;

/**
 * How far a standby that is behind has come, as {@code pg_basebackup -P} shows it: one episode runs from the moment
 * the standby is behind (a rebuild from the start, a restart after an outage, a burst) until it has applied all it
 * had to. Counts are of topic records (offsets), done meaning applied, found applied, filtered or skipped; the
 * records to apply are those up to the topic's end as last seen (or the {@code --until} point), so the total grows
 * while the primary goes on publishing. The rate is the episode's average.
 */
final class CatchUp {
  private final long startDone;
  private final long startNanos;

  /** An episode that begins with {@code done} records done, at {@code nanos} ({@link System#nanoTime}). */
  CatchUp(long done, long nanos) {
    this.startDone = done;
    this.startNanos = nanos;
  }

  /** Where the episode stands with {@code done} records done of the {@code end} to reach, at {@code nanos}. */
  Progress at(long done, long end, long nanos) {
    long applied = Math.max(0, done - startDone);
    long toApply = Math.max(applied, end - startDone);
    double seconds = (nanos - startNanos) / 1e9;
    double rate = seconds <= 0 ? 0 : applied / seconds;
    Long left = rate <= 0 ? null : (long) Math.ceil((toApply - applied) / rate);
    return new Progress(applied, toApply, Math.round(rate * 10) / 10.0, left);
  }

  /** The last line's words, once caught up: {@code 5000 events applied in 42 s (119.0 events/s)}. */
  String caughtUp(long done, long nanos) {
    Progress p = at(done, done, nanos);
    return p.applied() + " events applied in " + format(Duration.ofNanos(nanos - startNanos)) + " ("
        + p.eventsPerSecond() + " events/s)";
  }

  /** The log line's words: {@code 1200 of 5000 events applied (24%), 118.5 events/s, about 33 s left}. */
  static String describe(Progress p) {
    long percent = p.toApply() == 0 ? 100 : p.applied() * 100 / p.toApply();
    return p.applied() + " of " + p.toApply() + " events applied (" + percent + "%), " + p.eventsPerSecond()
        + " events/s, " + (p.secondsLeft() == null ? "time left unknown"
            : "about " + format(Duration.ofSeconds(p.secondsLeft())) + " left");
  }

  private static String format(Duration d) {
    if (d.toHours() > 0) {
      return d.toHours() + " h " + d.toMinutesPart() + " min";
    }
    if (d.toMinutes() > 0) {
      return d.toMinutes() + " min " + d.toSecondsPart() + " s";
    }
    return d.toSeconds() + " s";
  }
}
