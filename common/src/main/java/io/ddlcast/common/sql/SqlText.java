package io.ddlcast.common.sql;

import io.ddlcast.common.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * One statement's text and its tokens, lexed once. Whoever reads the statement (its command tag, the schemas it
 * names, the role whose password it sets) reads these tokens instead of lexing the text again. The leading tokens
 * come from the pass that found the statement in its string ({@link SqlLexer#statements}); a reader that looks
 * further (a long {@code GRANT} list) continues that lexing where it stopped, so no character is lexed twice.
 * Token positions are relative to {@link #text()}; {@link #offset()} is where that text starts in the string it was
 * found in. Not thread-safe: one statement, one reader at a time.
 */
public final class SqlText {
  private final String text;
  private final List<Token> tokens;
  private final int offset;
  private SqlLexer rest;

  SqlText(String text, List<Token> leading, SqlLexer rest, int offset) {
    this.text = text;
    this.tokens = leading;
    this.rest = rest;
    this.offset = offset;
  }

  /** A statement read on its own (not found in a larger string). */
  public static SqlText of(String text) {
    return of(text, true);
  }

  /**
   * A statement read on its own, its plain strings read as with {@code standard_conforming_strings} on
   * ({@code true}, as {@link #of(String)}) or off (see {@link SqlLexer#statements(String, boolean)}).
   */
  public static SqlText of(String text, boolean standardConformingStrings) {
    return new SqlText(text, new ArrayList<>(), new SqlLexer(text, standardConformingStrings), 0);
  }

  public String text() {
    return text;
  }

  /**
   * Where {@link #text()} starts in the string it was found in ({@link SqlLexer#statements}): the string's
   * {@code substring(offset, offset + text().length())} is this text. 0 for a statement read on its own.
   */
  public int offset() {
    return offset;
  }

  /** The token at {@code index} (0-based), or null when the statement has fewer. */
  public Token token(int index) {
    while (tokens.size() <= index && rest != null) {
      Token next = rest.next();
      if (next == null) {
        rest = null;
      } else {
        tokens.add(next);
      }
    }
    return index < tokens.size() ? tokens.get(index) : null;
  }

  /** The first {@code max} tokens (fewer if the statement is shorter). */
  public List<Token> tokens(int max) {
    token(max - 1);
    return List.copyOf(tokens.subList(0, Math.min(max, tokens.size())));
  }

  @Override
  public String toString() {
    return text;
  }
}
