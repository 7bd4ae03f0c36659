package io.ddlcast.applier;

import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.common.sql.SqlLexer.Kind;
import io.ddlcast.common.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code SELECT ... INTO t ...} as the {@code CREATE TABLE t AS SELECT ...} it means (PostgreSQL turns one into the
 * other): PL/pgSQL's {@code EXECUTE}, which {@link RunAs} runs statements with, refuses SELECT INTO ("EXECUTE of
 * SELECT ... INTO is not implemented") and accepts CREATE TABLE AS.
 *
 * <pre>{@code
 * WITH s AS (SELECT 1 AS a) SELECT a INTO TEMP TABLE t FROM s
 *   -> CREATE TEMP TABLE t AS WITH s AS (SELECT 1 AS a) SELECT a FROM s
 * }</pre>
 *
 * <p>Only the outermost INTO of a statement that is a query counts (not {@code INSERT INTO}, not one inside
 * parentheses).
 */
final class SelectInto {
  private static final Set<String> NOT_A_QUERY = Set.of("INSERT", "UPDATE", "DELETE", "MERGE");
  private static final Set<String> TABLE_MODIFIERS = Set.of("GLOBAL", "LOCAL", "TEMPORARY", "TEMP", "UNLOGGED");

  private SelectInto() {}

  /** The CREATE TABLE AS a SELECT INTO statement means, or the statement itself if it is none. */
  static String asCreateTableAs(String sql) {
    List<Token> tokens = new ArrayList<>();
    SqlLexer lexer = new SqlLexer(sql);
    for (Token t = lexer.next(); t != null; t = lexer.next()) {
      tokens.add(t);
    }
    if (tokens.isEmpty() || !(tokens.get(0).is("SELECT") || tokens.get(0).is("WITH"))) {
      return sql;
    }
    int into = outermostInto(tokens);
    if (into < 0) {
      return sql;
    }
    int k = into + 1;
    StringBuilder modifiers = new StringBuilder();
    while (k < tokens.size() && TABLE_MODIFIERS.contains(String.valueOf(tokens.get(k).keyword()))) {
      modifiers.append(tokens.get(k).text()).append(' ');
      k++;
    }
    if (k < tokens.size() && tokens.get(k).is("TABLE")) {
      k++;
    }
    int nameStart = k;
    while (k < tokens.size() && isName(tokens.get(k))) {
      k++;
      if (k + 1 < tokens.size() && tokens.get(k).text().equals(".")) {
        k++;
      } else {
        break;
      }
    }
    if (k == nameStart) {
      return sql;
    }
    int nameFrom = tokens.get(nameStart).start();
    int nameTo = tokens.get(k - 1).end();
    return ("CREATE " + modifiers + "TABLE " + sql.substring(nameFrom, nameTo) + " AS "
        + sql.substring(0, tokens.get(into).start()).strip() + " " + sql.substring(nameTo).strip()).strip();
  }

  /** The index of the INTO of the outermost SELECT, or -1. */
  private static int outermostInto(List<Token> tokens) {
    int depth = 0;
    boolean select = false;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.kind() == Kind.SYMBOL && t.text().equals("(")) {
        depth++;
      } else if (t.kind() == Kind.SYMBOL && t.text().equals(")")) {
        depth--;
      } else if (depth == 0 && t.kind() == Kind.WORD) {
        if (NOT_A_QUERY.contains(t.keyword())) {
          return -1;
        }
        if (t.is("SELECT")) {
          select = true;
        } else if (t.is("INTO") && select) {
          return i;
        }
      }
    }
    return -1;
  }

  private static boolean isName(Token t) {
    return t.kind() == Kind.WORD || t.kind() == Kind.QUOTED;
  }
}
