package io.ddlcast.common.sql;

import io.ddlcast.common.sql.SqlLexer.Kind;
import io.ddlcast.common.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Masks secrets in statement text before it is logged or printed. The statement shipped to standbys is not touched
 * here. Masking takes time linear in the length of the text, whatever the text is: every step is a hand-written
 * scan from left to right that never goes back further than a bounded lookahead, and none reads a character more
 * than a bounded number of times (no regular expression that could backtrack).
 *
 * <p><b>Secret literals.</b> The text is read with {@link SqlLexer}. A string token in any of its forms
 * ({@code '..'}, {@code E'..'}, {@code U&'..' UESCAPE '!'}, {@code $tag$..$tag$}, continued on the next line, ...)
 * that directly follows a secret name, with only whitespace and comments between them, becomes {@link #MASK};
 * everything else is kept byte for byte. A secret name is a WORD or a quoted identifier ({@code "password"},
 * {@code U&"p\0061ssword"}) whose name, in lower case, is
 * <ul>
 *   <li>{@code password} (role passwords, {@code ENCRYPTED PASSWORD}, and the option of user mappings and
 *       servers), {@code sslpassword}, {@code passwd}, {@code secret}, {@code token} or {@code api_key}, or</li>
 *   <li>made of {@code _}-separated words one of which is {@code secret}: {@code secret_key},
 *       {@code client_secret}, {@code aws_secret_access_key}.</li>
 * </ul>
 * The rule holds wherever the name is, not only in {@code OPTIONS (...)} and after the keyword {@code PASSWORD}:
 * anywhere else such a name directly followed by a string is a typed literal or a syntax error, and masking that
 * string in a log costs nothing.
 * Dollar-quoted bodies ({@code DO $$ ... $$}, function bodies) are read the same way, to {@value #MAX_DEPTH} levels
 * of nesting (a body nested deeper is masked whole). In comments, a secret name followed by whitespace and a
 * literal has the literal masked. When the text reads differently with {@code standard_conforming_strings} off
 * ({@link SqlLexer#dependsOnStandardConformingStrings}), the literals found either way are masked.
 *
 * <p><b>Connection strings.</b> Then, anywhere in the text, the value of {@code password=} and {@code sslpassword=}
 * in libpq keyword form (bare, or quoted as a SQL string around it needs: {@code ''x y''}, {@code \'x y\'},
 * {@code 'x y'}) becomes {@code ********}, as does the password of a URI ({@code postgresql://user:x@host}), as
 * {@code CREATE SUBSCRIPTION ... CONNECTION '...'} carries them.
 */
public final class Secrets {
  public static final String MASK = "'********'";
  private static final String HIDDEN = "********";
  /** Levels of dollar quoting read inside a dollar-quoted body; a body deeper than that is masked whole. */
  private static final int MAX_DEPTH = 4;
  private static final Set<String> SECRET_NAMES =
      Set.of("password", "sslpassword", "passwd", "secret", "token", "api_key");

  private Secrets() {}

  public static String mask(String sql) {
    if (sql == null) {
      return null;
    }
    return maskUriPasswords(maskConnectionPasswords(maskLiterals(sql)));
  }

  /** Masked and shortened to at most {@code max} characters, for one-line log messages. */
  public static String maskAndShorten(String sql, int max) {
    String masked = mask(sql).replaceAll("\\s+", " ").strip();
    if (masked.length() <= max) {
      return masked;
    }
    return max <= 3 ? masked.substring(0, Math.max(0, max)) : masked.substring(0, max - 3) + "...";
  }

  /** True for a name that is a secret by the rule above: {@code s[from, to)}, A-Z taken as a-z. */
  static boolean isSecretName(String s, int from, int to) {
    int length = to - from;
    for (String name : SECRET_NAMES) {
      if (length == name.length() && matchesIgnoringCase(s, from, name)) {
        return true;
      }
    }
    if (length < 8) {
      return false;
    }
    if (matchesIgnoringCase(s, from, "secret_") || matchesIgnoringCase(s, to - 7, "_secret")) {
      return true;
    }
    for (int i = from + 1; i + 8 < to; i++) {
      if (s.charAt(i) == '_' && matchesIgnoringCase(s, i, "_secret_")) {
        return true;
      }
    }
    return false;
  }

  private static String maskLiterals(String sql) {
    List<int[]> ranges = new LiteralFinder(sql, true).find();
    if (SqlLexer.dependsOnStandardConformingStrings(sql)) {
      ranges = union(ranges, new LiteralFinder(sql, false).find());
    }
    if (ranges.isEmpty()) {
      return sql;
    }
    StringBuilder out = new StringBuilder(sql.length());
    int copied = 0;
    for (int[] range : ranges) {
      out.append(sql, copied, range[0]).append(MASK);
      copied = range[1];
    }
    return out.append(sql, copied, sql.length()).toString();
  }

  /** Two lists of ranges in order, each without overlaps, as one such list covering both. */
  private static List<int[]> union(List<int[]> a, List<int[]> b) {
    List<int[]> all = new ArrayList<>(a.size() + b.size());
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      int[] next = j >= b.size() || (i < a.size() && a.get(i)[0] <= b.get(j)[0]) ? a.get(i++) : b.get(j++);
      int[] last = all.isEmpty() ? null : all.get(all.size() - 1);
      if (last != null && next[0] <= last[1]) {
        last[1] = Math.max(last[1], next[1]);
      } else {
        all.add(new int[] {next[0], next[1]});
      }
    }
    return all;
  }

  /** Finds the ranges of secret literals in one reading of the text (one setting of standard_conforming_strings). */
  private static final class LiteralFinder {
    private final String sql;
    private final boolean standardConformingStrings;
    private final List<int[]> ranges = new ArrayList<>();

    LiteralFinder(String sql, boolean standardConformingStrings) {
      this.sql = sql;
      this.standardConformingStrings = standardConformingStrings;
    }

    List<int[]> find() {
      read(0, sql.length(), 0);
      return ranges;
    }

    /** Reads {@code sql[from, to)} as statement text: the whole text, or a dollar-quoted body. */
    private void read(int from, int to, int depth) {
      SqlLexer lexer = new SqlLexer(sql, from, to, standardConformingStrings);
      int gap = from;
      int comments = 0;
      Token previous = null;
      Token token;
      while ((token = lexer.next()) != null) {
        if (lexer.commentsSkipped() > comments) {
          comments = lexer.commentsSkipped();
          readComments(gap, token.start());
        }
        if (token.kind() == Kind.STRING) {
          if (previous != null && namesASecret(previous)) {
            add(token.start(), token.end());
          } else if (token.text().charAt(0) == '$') {
            readDollarBody(token, depth);
          }
        } else if (token.kind() == Kind.QUOTED && token.text().indexOf('\'') >= 0 && depth + 1 <= MAX_DEPTH) {
          readQuotedText(token, depth); // an error's context quotes the statement it ran: SQL statement "..."
        }
        previous = token;
        gap = token.end();
      }
      if (lexer.commentsSkipped() > comments) {
        readComments(gap, to);
      }
    }

    /** A double-quoted text holding a literal: not a name but quoted statement text, read as such. */
    private void readQuotedText(Token token, int depth) {
      String text = token.text();
      boolean closed = text.length() >= 2 && text.endsWith("\"");
      read(token.start() + 1, closed ? token.end() - 1 : token.end(), depth + 1);
    }

    private void readDollarBody(Token token, int depth) {
      if (depth + 1 > MAX_DEPTH) {
        add(token.start(), token.end());
        return;
      }
      String text = token.text();
      int tag = text.indexOf('$', 1) + 1;
      boolean closed = text.length() >= 2 * tag && text.endsWith(text.substring(0, tag));
      read(token.start() + tag, closed ? token.end() - tag : token.end(), depth + 1);
    }

    /** Between two tokens there are only whitespace and comments: reads the comments' text. */
    private void readComments(int from, int to) {
      int i = from;
      while (i < to) {
        char c = sql.charAt(i);
        char next = i + 1 < to ? sql.charAt(i + 1) : '\0';
        if (c == '-' && next == '-') {
          int eol = i + 2;
          while (eol < to && sql.charAt(eol) != '\n' && sql.charAt(eol) != '\r') {
            eol++;
          }
          readComment(i + 2, eol);
          i = eol;
        } else if (c == '/' && next == '*') {
          int close = blockCommentClose(i, to);
          readComment(i + 2, close < 0 ? to : close);
          i = close < 0 ? to : close + 2;
        } else {
          i++;
        }
      }
    }

    /** Where the (nested) block comment opening at {@code from} closes (its {@code *}{@code /}), or -1. */
    private int blockCommentClose(int from, int to) {
      int depth = 0;
      int i = from;
      while (i + 1 < to) {
        if (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
          depth++;
          i += 2;
        } else if (sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
          if (--depth == 0) {
            return i;
          }
          i += 2;
        } else {
          i++;
        }
      }
      return -1;
    }

    /** A comment's text is not statement text: a secret name, whitespace and a literal is all it takes. */
    private void readComment(int from, int to) {
      int i = from;
      while (i < to) {
        char c = sql.charAt(i);
        if (!SqlLexer.isIdentStart(c) || (i > from && SqlLexer.isIdentPart(sql.charAt(i - 1)))) {
          i++;
          continue;
        }
        int wordEnd = i;
        while (wordEnd < to && SqlLexer.isIdentPart(sql.charAt(wordEnd))) {
          wordEnd++;
        }
        boolean secret = isSecretName(sql, i, wordEnd);
        int k = wordEnd < to && sql.charAt(wordEnd) == '"' ? wordEnd + 1 : wordEnd; // "password"
        i = wordEnd;
        if (secret) {
          while (k < to && SqlLexer.isSpace(sql.charAt(k))) {
            k++;
          }
          Token literal = SqlLexer.literalAt(sql, k, to, standardConformingStrings);
          if (literal != null) {
            add(literal.start(), literal.end());
            i = literal.end();
          }
        }
      }
    }

    private void add(int start, int end) {
      ranges.add(new int[] {start, end});
    }

    private static boolean namesASecret(Token token) {
      String name = switch (token.kind()) {
        case WORD -> token.text();
        case QUOTED -> token.identifier().toLowerCase(Locale.ROOT);
        default -> null;
      };
      return name != null && isSecretName(name, 0, name.length());
    }
  }

  /**
   * {@code password=value} and {@code sslpassword=value} in a libpq keyword connection string, whatever quoting the
   * literal around it needs: the value is {@code ''...''} (in a plain string), {@code \'...\'} (in an E'...'
   * string), {@code '...'} (in a dollar-quoted one) or bare.
   */
  private static String maskConnectionPasswords(String s) {
    StringBuilder out = null;
    int copied = 0;
    int eq = s.indexOf('=');
    while (eq >= 0) {
      int name = eq;
      while (name > copied && isRegexSpace(s.charAt(name - 1))) {
        name--;
      }
      int p = name - 8; // where "password" would start
      boolean named = p >= copied && matchesIgnoringCase(s, p, "password")
          && (isWordStart(s, p) || (p - 3 >= copied && matchesIgnoringCase(s, p - 3, "ssl") && isWordStart(s, p - 3)));
      int value = eq + 1;
      while (value < s.length() && isRegexSpace(s.charAt(value))) {
        value++;
      }
      int end = named ? conninfoValueEnd(s, value) : -1;
      if (end < 0) {
        eq = s.indexOf('=', eq + 1);
        continue;
      }
      out = out == null ? new StringBuilder(s.length()) : out;
      out.append(s, copied, value).append(HIDDEN);
      copied = end;
      eq = s.indexOf('=', end);
    }
    return out == null ? s : out.append(s, copied, s.length()).toString();
  }

  /** The end of the value at {@code v}, or -1 when there is none; the first of the four forms that fits. */
  private static int conninfoValueEnd(String s, int v) {
    int n = s.length();
    if (s.startsWith("''", v)) { // ''x y'' with '''' inside
      int lastQuad = -1;
      int q = v + 2;
      while (q < n) {
        if (s.startsWith("''''", q)) {
          lastQuad = q;
          q += 4;
        } else if (s.startsWith("''", q)) {
          return q + 2;
        } else if (s.charAt(q) == '\'') {
          break;
        } else {
          q++;
        }
      }
      if (lastQuad >= 0) {
        return lastQuad + 2;
      }
    }
    if (s.startsWith("\\'", v)) { // \'x y\' with \x inside
      int q = v + 2;
      while (q < n && (s.charAt(q) != '\\' || (q + 1 < n && s.charAt(q + 1) != '\''))) {
        q += s.charAt(q) == '\\' ? 2 : 1;
      }
      if (q + 1 < n) {
        return q + 2;
      }
    }
    if (v < n && s.charAt(v) == '\'') { // 'x y' with '' inside
      int lastPair = -1;
      int q = v + 1;
      while (q < n) {
        if (s.startsWith("''", q)) {
          lastPair = q;
          q += 2;
        } else if (s.charAt(q) == '\'') {
          return q + 1;
        } else {
          q++;
        }
      }
      if (lastPair >= 0) {
        return lastPair + 1;
      }
    }
    int q = v;
    while (q < n && !isRegexSpace(s.charAt(q)) && s.charAt(q) != '\'' && s.charAt(q) != '$') {
      q++;
    }
    return q > v ? q : -1;
  }

  /** {@code postgres[ql]://user:password@host} in a URI connection string: the password becomes the mask. */
  private static String maskUriPasswords(String s) {
    StringBuilder out = null;
    int copied = 0;
    int n = s.length();
    int slashes = s.indexOf("://");
    while (slashes >= 0) {
      boolean scheme = slashes - 10 >= copied && matchesIgnoringCase(s, slashes - 10, "postgresql")
          || slashes - 8 >= copied && matchesIgnoringCase(s, slashes - 8, "postgres");
      int j = slashes + 3;
      while (scheme && j < n && ":/@'".indexOf(s.charAt(j)) < 0 && !isRegexSpace(s.charAt(j))) {
        j++;
      }
      if (!scheme || j >= n || s.charAt(j) != ':') {
        slashes = s.indexOf("://", slashes + 1);
        continue;
      }
      int password = j + 1;
      int at = password;
      while (at < n && s.charAt(at) != '@' && s.charAt(at) != '\'' && !isRegexSpace(s.charAt(at))) {
        at++;
      }
      if (at >= n || s.charAt(at) != '@') {
        slashes = s.indexOf("://", at); // every URI that starts before here stops where this one did
        continue;
      }
      out = out == null ? new StringBuilder(n) : out;
      out.append(s, copied, password).append(HIDDEN).append('@');
      copied = at + 1;
      slashes = s.indexOf("://", copied);
    }
    return out == null ? s : out.append(s, copied, n).toString();
  }

  /** Whether {@code s} holds {@code word} (lower case) at {@code at}, A-Z matching a-z: {@code (?i)}'s rule. */
  private static boolean matchesIgnoringCase(String s, int at, String word) {
    if (at < 0 || at + word.length() > s.length()) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      char c = s.charAt(at + k);
      if ((c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isWordStart(String s, int i) {
    return i == 0 || !isWordChar(s.charAt(i - 1));
  }

  /** What {@code \b} takes for a word character. */
  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  /** What {@code \s} matches: space, tab, newline, vertical tab, form feed, carriage return. */
  private static boolean isRegexSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }
}
