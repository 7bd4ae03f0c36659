package io.ddlcast.applier;

import io.ddlcast.common.cli.Problems;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Where {@code applier run --until} stops a standby: after one event ({@link AfterEvent}, its id as status shows it:
 * {@code 6742f0a1.2b4c:17}, or {@code 6742f0a1.2b4c:17/2} for a part of a multi-statement string), or after the last
 * event the primary logged at or before a moment ({@link AtTime}, ISO-8601 with its zone: {@code
 * 2026-12-02T10:15:30Z}, {@code 2026-12-02T11:15:30.250+01:00}). A time without a zone is refused: which moment it
 * means would be a guess. {@link UntilStop} applies the rule to the records.
 */
sealed interface UntilPoint permits UntilPoint.AfterEvent, UntilPoint.AtTime {
  /** What a log or status line calls the point. */
  String describe();

  /** Stop after the event with this id, in its partition. */
  record AfterEvent(String eventId) implements UntilPoint {
    @Override
    public String describe() {
      return "event " + eventId;
    }
  }

  /** Stop after the last event whose primary log time is at or before {@code time}, on every partition. */
  record AtTime(Instant time) implements UntilPoint {
    @Override
    public String describe() {
      return time.toString();
    }
  }

  /** An event id as the producer writes it: session id, log line, and the part of a multi-statement string. */
  Pattern EVENT_ID = Pattern.compile("[0-9a-f]{1,16}\\.[0-9a-f]{1,16}:[0-9]{1,19}(/[0-9]{1,9})?");

  /** {@code --until}'s value, or null (and a problem) when it is not an event id or a time with its zone. */
  static UntilPoint parse(String value, Problems problems) {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    if (EVENT_ID.matcher(v).matches()) {
      return new AfterEvent(v);
    }
    if (v.length() > 10 && Character.isDigit(v.charAt(0)) && v.indexOf('T', 1) > 0) {
      try {
        return new AtTime(OffsetDateTime.parse(v).toInstant());
      } catch (DateTimeParseException e) {
        problems.invalid("--until", value, "not an ISO-8601 time with a zone (2026-12-02T10:15:30Z, "
            + "2026-12-02T11:15:30+01:00): " + e.getMessage());
        return null;
      }
    }
    problems.invalid("--until", value, "must be an event id as status shows it (6742f0a1.2b4c:17) or an ISO-8601 "
        + "time with a zone (2026-12-02T10:15:30Z)");
    return null;
  }
}
