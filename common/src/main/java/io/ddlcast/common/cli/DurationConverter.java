package io.ddlcast.common.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations as operators write them: {@code 0}, {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO
 * {@code PT30S}.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  public static Duration parse(String value) {
    String text = value.strip().toLowerCase(Locale.ROOT);
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = SIMPLE.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    try {
      return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new TypeConversionException("'" + value + "' is not a duration (examples: 250ms, 30s, 5m, 1h)");
    }
  }
}
