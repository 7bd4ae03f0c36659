package io.ddlcast.producer.capture;

import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.common.sql.SqlLexer.Token;
import io.ddlcast.common.sql.SqlText;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The statements of one logged string, in order, each classified. PostgreSQL logs {@code psql -c "a; b; c"} as one
 * record holding the whole string if any part is DDL; only the DDL parts may reach a standby, each as its own
 * event, and DML between them never does. The string is lexed once, here: each part keeps its tokens
 * ({@link SqlText}), and everything that reads the part later (its event, schemas, role password) reads those.
 */
public final class StatementParts {
  /** What a part is, for replication. */
  public enum Kind {
    /** DDL on objects of a database: the event trigger reports it. */
    DDL,
    /** DDL on cluster-wide objects (roles, databases, tablespaces, membership): no event trigger fires. */
    GLOBAL,
    /** BEGIN, COMMIT, ROLLBACK, SAVEPOINT, PREPARE TRANSACTION, ... */
    TRANSACTION,
    /**
     * {@code EXPLAIN ANALYZE} of a {@code CREATE TABLE AS}, {@code CREATE MATERIALIZED VIEW} or {@code SELECT INTO}:
     * it creates the object, logged as DDL, but runs it without event triggers (no report of its role, search_path,
     * objects). Plain EXPLAIN creates nothing and is {@link #OTHER}.
     */
    EXPLAINED,
    /** Anything else: DML, queries, SET, DO, CALL: never replicated itself. */
    OTHER
  }

  /** One statement of the string: its position among the parts (1-based), lexed text and classification. */
  public record Part(int index, SqlText sql, SqlCommand command, Kind kind) {
    public String text() {
      return sql.text();
    }

    /** DDL that replicates by its text: on a database's objects or on cluster-wide ones. */
    public boolean isDdl() {
      return kind == Kind.DDL || kind == Kind.GLOBAL || kind == Kind.EXPLAINED;
    }

    /** {@code ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] name}, read by its tokens (comments may stand between). */
    public boolean isRollbackToSavepoint() {
      if (kind != Kind.TRANSACTION || !command.tag().equals("ROLLBACK")) {
        return false;
      }
      Token second = sql.token(1);
      Token to = second != null && (second.is("WORK") || second.is("TRANSACTION")) ? sql.token(2) : second;
      return to != null && to.is("TO");
    }

    /** The transaction control this part exercises, comparable between two readings of one string; else null. */
    String control() {
      return kind != Kind.TRANSACTION ? null : isRollbackToSavepoint() ? "ROLLBACK TO" : command.tag();
    }
  }

  private StatementParts() {}

  public static List<Part> of(String sql) {
    return of(sql, true);
  }

  /** The parts as read with {@code standard_conforming_strings} on ({@code true}) or off. */
  public static List<Part> of(String sql, boolean standardConformingStrings) {
    List<SqlText> texts = SqlLexer.statements(sql, standardConformingStrings);
    List<Part> parts = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      parts.add(part(i + 1, texts.get(i)));
    }
    return parts;
  }

  /**
   * Whether the string's transaction control (COMMIT, ROLLBACK, ROLLBACK TO, PREPARE TRANSACTION, BEGIN, ...) reads
   * the same with {@code standard_conforming_strings} on as with it off: {@code 'a\\'; COMMIT; '} is a string and a
   * COMMIT with it on, one string with it off. Lexes the string a second time: asked only of strings whose reading
   * depends on the setting.
   */
  public static boolean sameTransactionControlWhenOff(String sql, List<Part> parts) {
    return controls(parts).equals(controls(of(sql, false)));
  }

  private static List<String> controls(List<Part> parts) {
    return parts.stream().map(Part::control).filter(Objects::nonNull).toList();
  }

  /** A statement reported on its own (the inner statement of a DO block or function), as the only part. */
  public static Part single(String sql) {
    return part(1, SqlText.of(sql));
  }

  private static Part part(int index, SqlText sql) {
    SqlCommand command = SqlCommand.of(sql);
    return new Part(index, sql, command, sql.token(0) != null && sql.token(0).is("EXPLAIN")
        && explainExecutesDdl(sql)
        ? Kind.EXPLAINED : kindOf(command));
  }

  /**
   * {@code EXPLAIN ANALYZE [VERBOSE]} or {@code EXPLAIN (..., ANALYZE [true|on|1], ...)} of a statement that creates
   * a relation: {@code CREATE ...} (EXPLAIN takes only CREATE TABLE AS and CREATE MATERIALIZED VIEW) or a query
   * with an {@code INTO}.
   */
  static boolean explainExecutesDdl(SqlText sql) {
    int k = 1;
    boolean analyze = false;
    Token token = sql.token(k);
    if (token != null && token.text().equals("(")) {
      for (k++; (token = sql.token(k)) != null && !token.text().equals(")"); k++) {
        if (token.is("ANALYZE") || token.is("ANALYSE")) {
          Token value = sql.token(k + 1);
          analyze = value == null || !(value.is("FALSE") || value.is("OFF") || value.text().equals("0"));
        }
      }
      k++;
    } else {
      for (; (token = sql.token(k)) != null && (token.is("ANALYZE") || token.is("ANALYSE") || token.is("VERBOSE"));
          k++) {
        analyze |= !token.is("VERBOSE");
      }
    }
    Token first = sql.token(k);
    if (!analyze || first == null) {
      return false;
    }
    if (first.is("CREATE")) {
      return true;
    }
    if (!(first.is("SELECT") || first.is("WITH") || first.text().equals("("))) {
      return false;
    }
    for (int i = k; (token = sql.token(i)) != null; i++) {
      if (token.is("INTO")) {
        return true;
      }
    }
    return false;
  }

  static Kind kindOf(SqlCommand command) {
    if (command.isTransactionControl()) {
      return Kind.TRANSACTION;
    }
    if (command.isDdl()) {
      return command.global() ? Kind.GLOBAL : Kind.DDL;
    }
    return Kind.OTHER;
  }
}
