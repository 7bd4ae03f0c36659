package io.ddlcast.common.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * A small lexer for PostgreSQL statement text: enough to read leading keywords and identifiers, and to find the
 * statement boundaries of a multi-statement string. It understands what can hide a keyword or a semicolon:
 * {@code -- line comments}, nested {@code /* block comments *}{@code /}, {@code 'strings'} with {@code ''},
 * {@code E'escape strings'} with backslashes, {@code $tag$ dollar quoting $tag$}, and {@code "quoted identifiers"}.
 */
public final class SqlLexer {
  /** Token kinds. WORD is an unquoted identifier or keyword; QUOTED is a double-quoted identifier. */
  public enum Kind {
    WORD,
    QUOTED,
    STRING,
    NUMBER,
    SYMBOL
  }

  /** A token with its text exactly as written and its character range in the input. */
  public record Token(Kind kind, String text, int start, int end) {
    /** Keyword form: upper-case text of a WORD, else null. */
    public String keyword() {
      return kind == Kind.WORD ? text.toUpperCase(Locale.ROOT) : null;
    }

    public boolean is(String keyword) {
      return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    /**
     * The identifier this token names, as PostgreSQL stores it: unquoted words are folded to lower case (ASCII
     * only, as PostgreSQL does for multi-byte encodings), quoted ones are taken literally with {@code ""} undone.
     */
    public String identifier() {
      return switch (kind) {
        case WORD -> asciiLower(text);
        case QUOTED -> text.length() >= 2 && text.endsWith("\"")
            ? text.substring(1, text.length() - 1).replace("\"\"", "\"")
            : text.substring(1).replace("\"\"", "\""); // unterminated: what there is
        default -> text;
      };
    }
  }

  /** Tokens kept per statement by {@link #statements}: what the readers of a statement's head look at. */
  public static final int KEPT_TOKENS = 80;

  private static final LongAdder LEXED = new LongAdder();

  private final String sql;
  private int pos;

  public SqlLexer(String sql) {
    this.sql = sql;
  }

  /** The first {@code max} tokens of the text (fewer if it is shorter). */
  public static List<Token> tokens(String sql, int max) {
    SqlLexer lexer = new SqlLexer(sql);
    List<Token> tokens = new ArrayList<>();
    Token token;
    while (tokens.size() < max && (token = lexer.next()) != null) {
      tokens.add(token);
    }
    return tokens;
  }

  /**
   * The statements of a multi-statement string, split at top-level semicolons, each trimmed, empty ones dropped.
   * Semicolons inside strings, comments, quoted identifiers and dollar-quoted bodies do not split. Bodies of
   * {@code BEGIN ATOMIC ... END} (SQL-standard function bodies) contain semicolons too: inside one, splitting waits
   * for its END.
   */
  public static List<String> split(String sql) {
    return statements(sql).stream().map(SqlText::text).toList();
  }

  /**
   * The statements of a string as {@link #split} finds them, each with the tokens this one pass read: the first
   * {@value #KEPT_TOKENS} of each statement are kept, so that reading a statement's command and names lexes
   * nothing again.
   */
  public static List<SqlText> statements(String sql) {
    List<SqlText> statements = new ArrayList<>();
    SqlLexer lexer = new SqlLexer(sql);
    List<Token> kept = new ArrayList<>();
    int statementStart = 0;
    int atomicDepth = 0;
    Token previous = null;
    Token token;
    while ((token = lexer.next()) != null) {
      if (token.is("ATOMIC") && previous != null && previous.is("BEGIN")) {
        atomicDepth++;
      } else if (atomicDepth > 0 && token.is("END")) {
        atomicDepth--;
      } else if (atomicDepth > 0 && token.is("CASE")) {
        atomicDepth++; // CASE ... END inside an atomic body
      } else if (atomicDepth == 0 && token.kind() == Kind.SYMBOL && token.text().equals(";")) {
        addStatement(statements, sql, statementStart, token.start(), kept);
        statementStart = token.end();
        kept = new ArrayList<>();
        previous = token;
        continue;
      }
      if (kept.size() <= KEPT_TOKENS) { // one more than kept: tells whether the statement goes on
        kept.add(token);
      }
      previous = token;
    }
    addStatement(statements, sql, statementStart, sql.length(), kept);
    return statements;
  }

  private static void addStatement(List<SqlText> statements, String sql, int start, int end, List<Token> tokens) {
    if (tokens.isEmpty()) {
      return;
    }
    String part = sql.substring(start, end);
    String text = part.strip();
    int shift = start + part.indexOf(text);
    List<Token> leading = new ArrayList<>(Math.min(tokens.size(), KEPT_TOKENS));
    for (Token t : tokens.subList(0, Math.min(tokens.size(), KEPT_TOKENS))) {
      leading.add(new Token(t.kind(), t.text(), t.start() - shift, t.end() - shift));
    }
    SqlLexer rest = null;
    if (tokens.size() > KEPT_TOKENS) {
      rest = new SqlLexer(text);
      rest.pos = leading.get(leading.size() - 1).end();
    }
    statements.add(new SqlText(text, leading, rest));
  }

  /** The next token, or null at the end. Comments and whitespace are skipped. */
  public Token next() {
    int from = pos;
    Token token = scan();
    LEXED.add(pos - from);
    return token;
  }

  /**
   * Characters read by every lexer of this JVM so far: for tests that check a text is lexed once, and benchmarks.
   */
  public static long charactersLexed() {
    return LEXED.sum();
  }

  private Token scan() {
    skipSpaceAndComments();
    if (pos >= sql.length()) {
      return null;
    }
    int start = pos;
    char c = sql.charAt(pos);
    if ((c == 'E' || c == 'e') && peek(1) == '\'') {
      pos++;
      readString(true);
      return token(Kind.STRING, start);
    }
    if (c == '\'') {
      readString(false);
      return token(Kind.STRING, start);
    }
    if (c == '"') {
      readQuotedIdentifier();
      return token(Kind.QUOTED, start);
    }
    if (c == '$') {
      String tag = dollarTag();
      if (tag != null) {
        int close = sql.indexOf(tag, pos + tag.length());
        pos = close < 0 ? sql.length() : close + tag.length();
        return token(Kind.STRING, start);
      }
    }
    if (isIdentStart(c)) {
      while (pos < sql.length() && isIdentPart(sql.charAt(pos))) {
        pos++;
      }
      return token(Kind.WORD, start);
    }
    if (Character.isDigit(c)) {
      while (pos < sql.length() && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '.')) {
        pos++;
      }
      return token(Kind.NUMBER, start);
    }
    pos++;
    return token(Kind.SYMBOL, start);
  }

  private Token token(Kind kind, int start) {
    return new Token(kind, sql.substring(start, pos), start, pos);
  }

  private void skipSpaceAndComments() {
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (c == '-' && peek(1) == '-') {
        int eol = sql.indexOf('\n', pos);
        pos = eol < 0 ? sql.length() : eol + 1;
      } else if (c == '/' && peek(1) == '*') {
        skipBlockComment();
      } else {
        return;
      }
    }
  }

  private void skipBlockComment() {
    int depth = 0;
    while (pos < sql.length()) {
      if (sql.startsWith("/*", pos)) {
        depth++;
        pos += 2;
      } else if (sql.startsWith("*/", pos)) {
        depth--;
        pos += 2;
        if (depth == 0) {
          return;
        }
      } else {
        pos++;
      }
    }
  }

  private void readString(boolean backslashEscapes) {
    pos++; // opening quote
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (backslashEscapes && c == '\\') {
        pos = Math.min(pos + 2, sql.length());
      } else if (c == '\'') {
        if (peek(1) == '\'') {
          pos += 2;
        } else {
          pos++;
          return;
        }
      } else {
        pos++;
      }
    }
  }

  private void readQuotedIdentifier() {
    pos++;
    while (pos < sql.length()) {
      if (sql.charAt(pos) == '"') {
        if (peek(1) == '"') {
          pos += 2;
        } else {
          pos++;
          return;
        }
      } else {
        pos++;
      }
    }
  }

  /** At a '$': the full opening tag ({@code $$} or {@code $name$}) if this is dollar quoting, else null. */
  private String dollarTag() {
    int i = pos + 1;
    while (i < sql.length() && isIdentPart(sql.charAt(i)) && sql.charAt(i) != '$') {
      if (i == pos + 1 && Character.isDigit(sql.charAt(i))) {
        return null; // $1 is a parameter
      }
      i++;
    }
    if (i < sql.length() && sql.charAt(i) == '$') {
      return sql.substring(pos, i + 1);
    }
    return null;
  }

  private char peek(int ahead) {
    int i = pos + ahead;
    return i < sql.length() ? sql.charAt(i) : '\0';
  }

  private static boolean isIdentStart(char c) {
    return Character.isLetter(c) || c == '_' || c > 127;
  }

  private static boolean isIdentPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127;
  }

  static String asciiLower(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
    }
    return out.toString();
  }
}
