package io.ddlcast.producer.capture;

import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.common.sql.SqlText;
import java.util.ArrayList;
import java.util.List;

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
      return kind == Kind.DDL || kind == Kind.GLOBAL;
    }
  }

  private StatementParts() {}

  public static List<Part> of(String sql) {
    List<SqlText> texts = SqlLexer.statements(sql);
    List<Part> parts = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      parts.add(part(i + 1, texts.get(i)));
    }
    return parts;
  }

  /** A statement reported on its own (the inner statement of a DO block or function), as the only part. */
  public static Part single(String sql) {
    return part(1, SqlText.of(sql));
  }

  private static Part part(int index, SqlText sql) {
    SqlCommand command = SqlCommand.of(sql);
    return new Part(index, sql, command, kindOf(command));
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
