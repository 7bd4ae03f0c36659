package io.ddlcast.common.sql;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in statement text before it is logged or printed: role passwords ({@code PASSWORD 'x'}), options
 * of user mappings and servers ({@code password 'x'}), and passwords inside connection strings, in keyword form
 * ({@code password=x}) and in URI form ({@code postgresql://user:x@host}), as {@code CREATE SUBSCRIPTION ...
 * CONNECTION '...'} carries them. The statement shipped to standbys is not touched here.
 */
public final class Secrets {
  public static final String MASK = "'********'";

  /** A string literal in any of its forms: E'..', '..', $tag$..$tag$. */
  private static final String LITERAL = "(E'(?:[^'\\\\]|''|\\\\.)*'|'(?:[^']|'')*'"
      + "|(?<tag>\\$[A-Za-z_0-9]*\\$).*?\\k<tag>)";
  private static final Pattern PASSWORD_LITERAL =
      Pattern.compile("(?i)(\"?\\bpassword\\b\"?(?:\\s+|/\\*.*?\\*/)*)" + LITERAL, Pattern.DOTALL);
  /** {@code password=value} in a libpq keyword connection string, whatever quoting the literal around it needs. */
  private static final Pattern CONNINFO_PASSWORD =
      Pattern.compile("(?i)(\\bpassword\\s*=\\s*)(''(?:[^']|'''')*''|\\\\'(?:[^\\\\]|\\\\[^'])*\\\\'|'(?:[^']|'')*'"
          + "|[^\\s'$]+)");
  /** {@code postgres[ql]://user:password@host} in a URI connection string. */
  private static final Pattern URI_PASSWORD = Pattern.compile("(?i)(postgres(?:ql)?://[^:/@\\s']*:)([^@\\s']*)(@)");

  private Secrets() {}

  public static String mask(String sql) {
    if (sql == null) {
      return null;
    }
    String masked = PASSWORD_LITERAL.matcher(sql).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
    masked = CONNINFO_PASSWORD.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "********"));
    return URI_PASSWORD.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "********@"));
  }

  /** Masked and shortened to at most {@code max} characters, for one-line log messages. */
  public static String maskAndShorten(String sql, int max) {
    String masked = mask(sql).replaceAll("\\s+", " ").strip();
    if (masked.length() <= max) {
      return masked;
    }
    return max <= 3 ? masked.substring(0, Math.max(0, max)) : masked.substring(0, max - 3) + "...";
  }
}
