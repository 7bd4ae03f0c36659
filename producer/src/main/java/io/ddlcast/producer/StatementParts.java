package io.ddlcast.producer;

import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.sql.SqlLexer;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements of one logged string, in order, each classified. PostgreSQL logs {@code psql -c "a; b; c"} as one
 * record holding the whole string if any part is DDL; only the DDL parts may reach a standby, each as its own
 * event, and DML between them never does.
 */
final class StatementParts {
  /** What a part is, for replication. */
  enum Kind {
    /** DDL on objects of a database: the event trigger reports it. */
    DDL,
    /** DDL on cluster-wide objects (roles, databases, tablespaces, membership): no event trigger fires. */
    GLOBAL,
    /** BEGIN, COMMIT, ROLLBACK, SAVEPOINT, PREPARE TRANSACTION, ... */
    TRANSACTION,
    /** Anything else: DML, queries, SET, DO, CALL: never replicated itself. */
    OTHER
  }

  /** One statement of the string: its position among the parts (1-based), text and classification. */
  record Part(int index, String text, SqlCommand command, Kind kind) {}

  private StatementParts() {}

  static List<Part> of(String sql) {
    List<String> texts = SqlLexer.split(sql);
    List<Part> parts = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      SqlCommand command = SqlCommand.of(texts.get(i));
      parts.add(new Part(i + 1, texts.get(i), command, kindOf(command)));
    }
    return parts;
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
