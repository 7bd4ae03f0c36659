package io.ddlcast.common.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * A small lexer for PostgreSQL statement text: enough to read leading keywords and identifiers, and to find the
 * statement boundaries of a multi-statement string. It understands what can hide a keyword or a semicolon:
 * {@code -- line comments}, nested {@code /* block comments *}{@code /}, {@code 'strings'} with {@code ''},
 * {@code E'escape strings'} with backslashes, {@code U&'unicode strings'} (with {@code UESCAPE '!'}),
 * {@code B'..'}, {@code X'..'} and {@code N'..'} strings, strings continued on the next line
 * ({@code 'a'<newline>'b'} is one string), {@code $tag$ dollar quoting $tag$}, and {@code "quoted identifiers"}
 * (also {@code U&"..."}). Whitespace is PostgreSQL's: space, tab, newline, carriage return, form feed and vertical
 * tab; any other character above 127 is part of an identifier, as PostgreSQL reads it.
 *
 * <p>Plain {@code '...'} strings are read as with {@code standard_conforming_strings = on} (the default), where a
 * backslash is an ordinary character; {@link #statements(String, boolean)} and {@link SqlText#of(String, boolean)}
 * read them as with {@code off}, where it escapes the next character as in {@code E'...'}, and
 * {@link #dependsOnStandardConformingStrings} tells whether the two can differ for a text.
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
     * only, as PostgreSQL does for multi-byte encodings), quoted ones are taken literally with {@code ""} undone,
     * and the escapes of a {@code U&"..."} identifier decoded.
     */
    public String identifier() {
      return switch (kind) {
        case WORD -> asciiLower(text);
        case QUOTED -> isUnicode(text) ? UnicodeEscapes.identifier(text)
            : text.length() >= 2 && text.endsWith("\"")
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
  /** Where the text ends for this lexer: the string's length, or the end of the part it reads. */
  private final int end;
  private final boolean standardConformingStrings;
  /** Whether a string may be continued on the next line, or followed by UESCAPE: not for a lone literal. */
  private final boolean lookahead;
  private int pos;
  /** Set once a backslash was read inside a plain '...' string (see {@link #dependsOnStandardConformingStrings}). */
  private boolean backslashInPlainString;
  /** Comments skipped so far (some perhaps twice, looking ahead for UESCAPE). */
  private int comments;

  public SqlLexer(String sql) {
    this(sql, true);
  }

  /** A lexer reading plain strings as with {@code standard_conforming_strings} on ({@code true}) or off. */
  public SqlLexer(String sql, boolean standardConformingStrings) {
    this(sql, 0, sql.length(), standardConformingStrings, true);
  }

  /** A lexer reading only {@code sql[from, to)}: a dollar-quoted body or a comment; token positions are in sql. */
  SqlLexer(String sql, int from, int to, boolean standardConformingStrings) {
    this(sql, from, to, standardConformingStrings, true);
  }

  private SqlLexer(String sql, int from, int to, boolean standardConformingStrings, boolean lookahead) {
    this.sql = sql;
    this.pos = from;
    this.end = to;
    this.standardConformingStrings = standardConformingStrings;
    this.lookahead = lookahead;
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
   * Semicolons inside strings, comments, quoted identifiers and dollar-quoted bodies do not split, nor inside
   * parentheses (the actions of {@code CREATE RULE ... DO ALSO (a; b)}; psql and pgjdbc do not split there either).
   * Bodies of {@code BEGIN ATOMIC ... END} (SQL-standard function bodies) contain semicolons too: inside one,
   * splitting waits for its END ({@code CASE ... END} inside it nests).
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
    return statements(sql, true);
  }

  /**
   * The statements of a string as PostgreSQL reads them with {@code standard_conforming_strings} on
   * ({@code true}, the default, as {@link #statements(String)}) or off (a backslash in a plain {@code '...'}
   * string escapes the next character). The statements' own readers go on with the same setting.
   */
  public static List<SqlText> statements(String sql, boolean standardConformingStrings) {
    List<SqlText> statements = new ArrayList<>();
    SqlLexer lexer = new SqlLexer(sql, standardConformingStrings);
    List<Token> kept = new ArrayList<>();
    int statementStart = 0;
    int atomicDepth = 0;
    int parenDepth = 0;
    Token previous = null;
    Token token;
    while ((token = lexer.next()) != null) {
      if (token.kind() == Kind.SYMBOL && token.text().equals("(")) {
        parenDepth++;
      } else if (token.kind() == Kind.SYMBOL && token.text().equals(")")) {
        parenDepth = Math.max(0, parenDepth - 1); // a stray ')' is the server's syntax error, not a reason to merge
      } else if (token.is("ATOMIC") && previous != null && previous.is("BEGIN")) {
        atomicDepth++;
      } else if (atomicDepth > 0 && token.is("END")) {
        atomicDepth--;
      } else if (atomicDepth > 0 && token.is("CASE")) {
        atomicDepth++; // CASE ... END inside an atomic body
      } else if (atomicDepth == 0 && parenDepth == 0 && token.kind() == Kind.SYMBOL && token.text().equals(";")) {
        addStatement(statements, sql, statementStart, token.start(), kept, standardConformingStrings);
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
    addStatement(statements, sql, statementStart, sql.length(), kept, standardConformingStrings);
    return statements;
  }

  private static void addStatement(List<SqlText> statements, String sql, int start, int end, List<Token> tokens,
      boolean standardConformingStrings) {
    if (tokens.isEmpty()) {
      return;
    }
    int from = start;
    int to = end;
    while (from < to && isSpace(sql.charAt(from))) {
      from++;
    }
    while (to > from && isSpace(sql.charAt(to - 1))) {
      to--;
    }
    String text = sql.substring(from, to);
    int shift = from;
    List<Token> leading = new ArrayList<>(Math.min(tokens.size(), KEPT_TOKENS));
    for (Token t : tokens.subList(0, Math.min(tokens.size(), KEPT_TOKENS))) {
      leading.add(new Token(t.kind(), t.text(), t.start() - shift, t.end() - shift));
    }
    SqlLexer rest = null;
    if (tokens.size() > KEPT_TOKENS) {
      rest = new SqlLexer(text, standardConformingStrings);
      rest.pos = leading.get(leading.size() - 1).end();
    }
    statements.add(new SqlText(text, leading, rest, shift));
  }

  /**
   * True when {@code sql} may read differently with {@code standard_conforming_strings} off than with on (the
   * default): exactly when, read with on, a plain {@code '...'} string (not {@code E'...'}, {@code U&'...'},
   * {@code B'...'}, {@code X'...'} nor dollar-quoted) holds a backslash. Linear, and it stops at the first one.
   *
   * <p>Why exactly then: the setting changes one thing only, how a plain string reads a backslash (with on it is an
   * ordinary character, with off it escapes the next one, as in {@code E'...'}). Comments, quoted identifiers,
   * dollar quoting, {@code E'...'}, bit strings and every token outside a string read the same either way. So the
   * two lexings go character for character alike, and agree token for token, up to the first backslash inside a
   * plain string; if there is none, they agree on the whole text. If there is one, the text does read differently:
   * that string's value differs (with off the backslash is gone and the next character is taken as escaped), and
   * where the string ends may too ({@code 'it\'s; DROP TABLE t'} is one string with off, a string and a statement
   * with on). A {@code U&'...'} string is read alike by both; with off PostgreSQL rejects the whole text (unsafe use
   * of a string constant with Unicode escapes), so nothing in it runs. The setting in force is the session's when the
   * text was sent: a {@code SET} inside a multi-statement string does not change how the rest of that string is read.
   */
  public static boolean dependsOnStandardConformingStrings(String sql) {
    if (sql.indexOf('\\') < 0) {
      return false;
    }
    SqlLexer lexer = new SqlLexer(sql, true);
    while (!lexer.backslashInPlainString && lexer.next() != null) {
      // read on to the first backslash in a plain string
    }
    return lexer.backslashInPlainString;
  }

  /**
   * The string literal starting exactly at {@code at}, read no further than {@code to}, or null when none starts
   * there: one literal on its own (no continuation on the next line, no UESCAPE), as inside a comment.
   */
  static Token literalAt(String sql, int at, int to, boolean standardConformingStrings) {
    if (at >= to) {
      return null;
    }
    SqlLexer lexer = new SqlLexer(sql, at, to, standardConformingStrings, false);
    Token token = lexer.quoted();
    if (token != null) {
      LEXED.add(lexer.pos - at);
    }
    return token != null && token.kind() == Kind.STRING ? token : null;
  }

  /** The next token, or null at the end. Comments and whitespace are skipped. */
  public Token next() {
    int from = pos;
    Token token = scan();
    LEXED.add(pos - from);
    return token;
  }

  /** How many comments this lexer skipped so far: a reader of comments looks between tokens only if it grew. */
  int commentsSkipped() {
    return comments;
  }

  /**
   * Characters read by every lexer of this JVM so far: for tests that check a text is lexed once, and benchmarks.
   */
  public static long charactersLexed() {
    return LEXED.sum();
  }

  private Token scan() {
    skipSpaceAndComments();
    if (pos >= end) {
      return null;
    }
    int start = pos;
    Token quoted = quoted();
    if (quoted != null) {
      return quoted;
    }
    char c = sql.charAt(pos);
    if (isIdentStart(c)) {
      while (pos < end && isIdentPart(sql.charAt(pos))) {
        pos++;
      }
      return token(Kind.WORD, start);
    }
    if (Character.isDigit(c)) {
      while (pos < end && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '.')) {
        pos++;
      }
      return token(Kind.NUMBER, start);
    }
    pos++;
    return token(Kind.SYMBOL, start);
  }

  /** At pos: a string in any of its forms, or a quoted identifier, read whole; else null and pos unchanged. */
  private Token quoted() {
    int start = pos;
    char c = sql.charAt(pos);
    char next = peek(1);
    if (c == '\'') {
      readStrings(!standardConformingStrings, true);
      return token(Kind.STRING, start);
    }
    if (c == '"') {
      readQuotedIdentifier();
      return token(Kind.QUOTED, start);
    }
    if (next == '\'' && (c == 'E' || c == 'e' || c == 'B' || c == 'b' || c == 'X' || c == 'x' || c == 'N'
        || c == 'n')) {
      pos++;
      boolean national = c == 'N' || c == 'n'; // N'..' is a plain string; B'..' and X'..' take no escapes
      readStrings(c == 'E' || c == 'e' || (national && !standardConformingStrings), national);
      return token(Kind.STRING, start);
    }
    if ((c == 'U' || c == 'u') && next == '&' && (peek(2) == '\'' || peek(2) == '"')) {
      pos += 2;
      boolean identifier = sql.charAt(pos) == '"';
      if (identifier) {
        readQuotedIdentifier();
      } else {
        readStrings(false, false); // PostgreSQL refuses U&'..' with standard_conforming_strings off
      }
      readUescape();
      return token(identifier ? Kind.QUOTED : Kind.STRING, start);
    }
    if (c == '$') {
      String tag = dollarTag();
      if (tag != null) {
        int close = find(tag, pos + tag.length());
        pos = close < 0 ? end : close + tag.length();
        return token(Kind.STRING, start);
      }
    }
    return null;
  }

  private Token token(Kind kind, int start) {
    return new Token(kind, sql.substring(start, pos), start, pos);
  }

  private void skipSpaceAndComments() {
    while (pos < end) {
      char c = sql.charAt(pos);
      if (isSpace(c)) {
        pos++;
      } else if (c == '-' && peek(1) == '-') {
        pos = endOfLine(pos + 2);
        comments++;
      } else if (c == '/' && peek(1) == '*') {
        skipBlockComment();
        comments++;
      } else {
        return;
      }
    }
  }

  /** The first newline ({@code \n} or {@code \r}, either ends a line comment) from {@code from}, or the end. */
  private int endOfLine(int from) {
    int i = from;
    while (i < end && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
      i++;
    }
    return i;
  }

  private void skipBlockComment() {
    int depth = 0;
    while (pos < end) {
      if (sql.charAt(pos) == '/' && peek(1) == '*') {
        depth++;
        pos += 2;
      } else if (sql.charAt(pos) == '*' && peek(1) == '/') {
        depth--;
        pos += 2;
        if (depth == 0) {
          return;
        }
      } else {
        pos++;
      }
    }
    pos = Math.min(pos, end);
  }

  /**
   * At an opening quote: the string, and the strings continuing it. PostgreSQL reads {@code 'a'}, whitespace with at
   * least one newline (and {@code --} comments), then {@code 'b'} as the one string {@code 'ab'}, read alike.
   */
  private void readStrings(boolean backslashEscapes, boolean plain) {
    while (readString(backslashEscapes, plain) && lookahead) {
      int continued = continuation();
      if (continued < 0) {
        return;
      }
      pos = continued;
    }
  }

  /** Reads one quoted string from its opening quote; true when it was closed. */
  private boolean readString(boolean backslashEscapes, boolean plain) {
    pos++; // opening quote
    while (pos < end) {
      char c = sql.charAt(pos);
      if (c == '\\' && plain) {
        backslashInPlainString |= !backslashEscapes;
      }
      if (backslashEscapes && c == '\\') {
        pos = Math.min(pos + 2, end);
      } else if (c == '\'') {
        if (peek(1) == '\'') {
          pos += 2;
        } else {
          pos++;
          return true;
        }
      } else {
        pos++;
      }
    }
    return false;
  }

  /** After a closed string: where the quote of its continuation is, or -1 when it is not continued. */
  private int continuation() {
    boolean newline = false;
    int i = pos;
    while (i < end) {
      char c = sql.charAt(i);
      if (c == '\n' || c == '\r') {
        newline = true;
        i++;
      } else if (isSpace(c)) {
        i++;
      } else if (c == '-' && i + 1 < end && sql.charAt(i + 1) == '-') {
        i = endOfLine(i + 2);
      } else {
        return c == '\'' && newline ? i : -1;
      }
    }
    return -1;
  }

  /** After a U&amp; string or identifier: its {@code UESCAPE 'c'} clause, if it has one, joins the token. */
  private void readUescape() {
    if (!lookahead) {
      return;
    }
    int after = pos;
    skipSpaceAndComments();
    if (sql.regionMatches(true, pos, "UESCAPE", 0, 7) && pos + 7 <= end
        && (pos + 7 == end || !isIdentPart(sql.charAt(pos + 7)))) {
      pos += 7;
      skipSpaceAndComments();
      if (pos < end && sql.charAt(pos) == '\'') {
        readStrings(!standardConformingStrings, true);
        return;
      }
      if (pos < end && (sql.charAt(pos) == 'E' || sql.charAt(pos) == 'e') && peek(1) == '\'') {
        pos++;
        readStrings(true, false);
        return;
      }
    }
    pos = after;
  }

  private void readQuotedIdentifier() {
    pos++;
    while (pos < end) {
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

  /**
   * At a '$': the full opening tag ({@code $$} or {@code $name$}) if this is dollar quoting, else null. A tag is an
   * identifier without {@code $}: it may start with any letter, {@code _} or character above 127, not with an ASCII
   * digit ({@code $1} is a parameter).
   */
  private String dollarTag() {
    int i = pos + 1;
    while (i < end && isIdentPart(sql.charAt(i)) && sql.charAt(i) != '$') {
      if (i == pos + 1 && sql.charAt(i) >= '0' && sql.charAt(i) <= '9') {
        return null; // $1 is a parameter
      }
      i++;
    }
    if (i < end && sql.charAt(i) == '$') {
      return sql.substring(pos, i + 1);
    }
    return null;
  }

  /** Where {@code s} first occurs in the text from {@code from} on, or -1: no further than this lexer's end. */
  private int find(String s, int from) {
    if (end == sql.length()) {
      return sql.indexOf(s, from);
    }
    for (int i = from; i + s.length() <= end; i++) { // a part of the text: look no further than its end
      if (sql.charAt(i) == s.charAt(0) && sql.startsWith(s, i)) {
        return i;
      }
    }
    return -1;
  }

  private char peek(int ahead) {
    int i = pos + ahead;
    return i < end ? sql.charAt(i) : '\0';
  }

  /** PostgreSQL's whitespace: space, tab, newline, carriage return, form feed, vertical tab. */
  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
  }

  static boolean isIdentStart(char c) {
    return Character.isLetter(c) || c == '_' || c > 127;
  }

  static boolean isIdentPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127;
  }

  private static boolean isUnicode(String text) {
    return text.length() > 2 && (text.charAt(0) == 'U' || text.charAt(0) == 'u') && text.charAt(1) == '&';
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
