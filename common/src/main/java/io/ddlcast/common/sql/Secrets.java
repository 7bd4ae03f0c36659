package io.ddlcast.common.sql;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in statement text before it is logged or printed: role passwords ({@code PASSWORD 'x'}), options
 * of user mappings and servers ({@code password 'x'}), and {@code password=x} inside connection strings
 * ({@code CREATE SUBSCRIPTION ... CONNECTION '...'}). The statement shipped to standbys is not touched here.
 */
public final class Secrets {
  public static final String MASK = "'********'";

  private static final Pattern PASSWORD_LITERAL =
      Pattern.compile(
          "(?i)(\\bpassword\\s+)(E'(?:[^'\\\\]|''|\\\\.)*'|'(?:[^']|'')*'|(\\$[A-Za-z_0-9]*\\$).*?\\3)",
          Pattern.DOTALL);
  private static final Pattern CONNINFO_PASSWORD =
      Pattern.compile("(?i)(\\bpassword\\s*=\\s*)(''(?:[^']|'''')*''|[^\\s']+)");

  private Secrets() {}

  public static String mask(String sql) {
    if (sql == null) {
      return null;
    }
    String masked = PASSWORD_LITERAL.matcher(sql).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
    return CONNINFO_PASSWORD.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "********"));
  }

  /** Masked and shortened to at most {@code max} characters, for one-line log messages. */
  public static String maskAndShorten(String sql, int max) {
    String masked = mask(sql).replaceAll("\\s+", " ").strip();
    return masked.length() <= max ? masked : masked.substring(0, max - 3) + "...";
  }
}
