package io.ddlcast.producer.csvlog;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * The csvlog's {@code log_time} column as an instant. PostgreSQL writes it in {@code log_timezone}, with a zone
 * abbreviation ({@code 2026-11-23 18:39:15.123 UTC}) or, for zones without one, a numeric offset
 * ({@code 2026-11-23 18:39:15.123 +0530}).
 */
public final class LogTime {
  private static final DateTimeFormatter ZONE_NAME = base().appendZoneText(TextStyle.SHORT).toFormatter(Locale.ROOT);
  private static final DateTimeFormatter ZONE_OFFSET = base().appendOffset("+HH:mm", "+00").toFormatter(Locale.ROOT);

  private LogTime() {}

  private static DateTimeFormatterBuilder base() {
    return new DateTimeFormatterBuilder()
        .appendPattern("yyyy-MM-dd HH:mm:ss")
        .optionalStart()
        .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
        .optionalEnd()
        .appendLiteral(' ');
  }

  /** The instant of a {@code log_time} value; null when it is empty or its zone cannot be read. */
  public static Instant parse(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return ZonedDateTime.parse(text, ZONE_NAME).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text, ZONE_OFFSET).toInstant();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }
}
