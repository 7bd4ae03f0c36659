package io.ddlcast.common.sql;

import io.ddlcast.common.sql.SqlLexer.Kind;
import io.ddlcast.common.sql.SqlLexer.Token;
import java.util.List;
import java.util.Set;

/**
 * What a DDL statement is, read from its leading keywords: its command tag ({@code CREATE FOREIGN TABLE}), whether
 * it acts on a database as a whole (and which), whether it cannot run inside a transaction block, whether it acts on
 * cluster-wide (global) objects, and whether it only makes sense on the instance where it ran.
 *
 * <p>The tag follows PostgreSQL's command tags with modifiers removed: {@code CREATE OR REPLACE FUNCTION} is
 * {@code CREATE FUNCTION}, {@code CREATE UNIQUE INDEX CONCURRENTLY} is {@code CREATE INDEX}.
 */
public record SqlCommand(
    String tag,
    String databaseName,
    boolean global,
    boolean nonTransactional,
    boolean temporary,
    boolean instanceLocal) {

  private static final Set<String> DDL_VERBS =
      Set.of("CREATE", "ALTER", "DROP", "COMMENT", "GRANT", "REVOKE", "SECURITY", "REFRESH", "CLUSTER", "IMPORT",
          "REASSIGN");

  /** Words between CREATE and the object type that do not change what is created. */
  private static final Set<String> CREATE_MODIFIERS =
      Set.of("OR", "REPLACE", "UNIQUE", "TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL", "TRUSTED", "PROCEDURAL",
          "RECURSIVE", "CONSTRAINT", "DEFAULT");

  /** Object types named by more than one word, longest first. */
  private static final List<String> MULTI_WORD_TYPES =
      List.of("FOREIGN DATA WRAPPER", "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY", "TEXT SEARCH PARSER",
          "TEXT SEARCH TEMPLATE", "FOREIGN TABLE", "MATERIALIZED VIEW", "EVENT TRIGGER", "USER MAPPING",
          "ACCESS METHOD", "OPERATOR CLASS", "OPERATOR FAMILY", "DEFAULT PRIVILEGES", "LARGE OBJECT");

  private static final Set<String> GLOBAL_TYPES = Set.of("ROLE", "USER", "GROUP", "TABLESPACE", "DATABASE");

  private static final Set<String> TRANSACTION_VERBS =
      Set.of("BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "PREPARE");

  private static final int LOOKAHEAD = 12;

  public static SqlCommand of(String sql) {
    return of(SqlText.of(sql));
  }

  /** The command of a statement whose tokens were already read (see {@link SqlText}). */
  public static SqlCommand of(SqlText sql) {
    List<Token> tokens = sql.tokens(LOOKAHEAD);
    if (tokens.isEmpty() || tokens.get(0).kind() != Kind.WORD) {
      return new SqlCommand("", null, false, false, false, false);
    }
    String verb = tokens.get(0).keyword();
    int i = 1;
    boolean temporary = false;
    if (verb.equals("CREATE")) {
      while (i < tokens.size() && tokens.get(i).kind() == Kind.WORD
          && CREATE_MODIFIERS.contains(tokens.get(i).keyword())
          && !(tokens.get(i).is("DEFAULT") && i + 1 < tokens.size() && tokens.get(i + 1).is("PRIVILEGES"))) {
        temporary |= tokens.get(i).is("TEMP") || tokens.get(i).is("TEMPORARY");
        i++;
      }
    }
    String type = objectType(tokens, i);
    int afterType = i + (type.isEmpty() ? 0 : type.split(" ").length);
    String tag = switch (verb) {
      case "SECURITY" -> "SECURITY LABEL";
      case "REFRESH" -> "REFRESH MATERIALIZED VIEW";
      case "IMPORT" -> "IMPORT FOREIGN SCHEMA";
      case "REASSIGN" -> "REASSIGN OWNED";
      case "GRANT", "REVOKE", "CLUSTER", "COMMENT" -> verb;
      case "START" -> "START TRANSACTION";
      case "PREPARE" -> type.equals("TRANSACTION") ? "PREPARE TRANSACTION" : "PREPARE";
      case "ROLLBACK", "COMMIT" -> type.equals("PREPARED") ? verb + " PREPARED" : verb;
      default -> type.isEmpty() ? verb : verb + " " + type;
    };
    boolean concurrently = containsWord(tokens, afterType, "CONCURRENTLY");
    String database = type.equals("DATABASE") ? databaseName(tokens, afterType) : null;
    boolean global = switch (verb) {
      case "CREATE", "ALTER", "DROP" -> GLOBAL_TYPES.contains(type);
      case "COMMENT", "SECURITY" -> onGlobalObject(tokens);
      case "GRANT", "REVOKE" -> isRoleMembershipOrGlobalGrant(sql);
      default -> false;
    };
    boolean nonTransactional =
        tag.equals("CREATE DATABASE")
            || tag.equals("DROP DATABASE")
            || tag.equals("CREATE TABLESPACE")
            || tag.equals("DROP TABLESPACE")
            || tag.equals("ALTER SYSTEM")
            || (tag.equals("ALTER DATABASE") && containsWord(tokens, afterType, "TABLESPACE"))
            || ((tag.equals("CREATE INDEX") || tag.equals("DROP INDEX")) && concurrently)
            || tag.equals("CREATE SUBSCRIPTION")
            || tag.equals("DROP SUBSCRIPTION")
            || verb.equals("VACUUM")
            || (tag.equals("ALTER TABLE") && containsWord(tokens, afterType, "DETACH") && concurrently)
            || (verb.equals("CLUSTER") && tokens.size() == 1)
            || (verb.equals("REINDEX") && (concurrently || containsWord(tokens, 1, "DATABASE")
                || containsWord(tokens, 1, "SYSTEM")));
    boolean instanceLocal = tag.equals("ALTER SYSTEM") || tag.endsWith(" SUBSCRIPTION");
    return new SqlCommand(tag, database, global, nonTransactional, temporary, instanceLocal);
  }

  /**
   * True for transaction control ({@code BEGIN}, {@code COMMIT}, {@code SAVEPOINT}, {@code PREPARE TRANSACTION},
   * ...): what a multi-statement string may hold between its statements.
   */
  public boolean isTransactionControl() {
    String verb = tag.isEmpty() ? "" : tag.split(" ", 2)[0];
    return TRANSACTION_VERBS.contains(verb) && !(verb.equals("PREPARE") && !tag.equals("PREPARE TRANSACTION"));
  }

  /** True for statements whose effect is schema (what {@code log_statement='ddl'} logs), not data or session. */
  public boolean isDdl() {
    String verb = tag.isEmpty() ? "" : tag.split(" ", 2)[0];
    return DDL_VERBS.contains(verb);
  }

  /** True for {@code CREATE/ALTER/DROP DATABASE name}. */
  public boolean isDatabaseCommand() {
    return databaseName != null;
  }

  /** {@code COMMENT ON ROLE|DATABASE|TABLESPACE ...}, {@code SECURITY LABEL [FOR p] ON ROLE ...}: shared objects. */
  private static boolean onGlobalObject(List<Token> tokens) {
    for (int k = 1; k + 1 < tokens.size(); k++) {
      if (tokens.get(k).is("ON")) {
        String type = tokens.get(k + 1).keyword();
        return type != null && GLOBAL_TYPES.contains(type);
      }
    }
    return false;
  }

  /**
   * {@code GRANT r TO u} / {@code REVOKE r FROM u} (role membership: no ON before TO/FROM), or privileges on a
   * database or tablespace: both change shared catalogs, and event triggers do not fire for them.
   */
  private static boolean isRoleMembershipOrGlobalGrant(SqlText sql) {
    Token token;
    for (int i = 0; (token = sql.token(i)) != null; i++) {
      if (token.is("TO") || token.is("FROM")) {
        return true;
      }
      if (token.is("ON")) {
        Token type = sql.token(i + 1);
        return type != null && (type.is("DATABASE") || type.is("TABLESPACE"));
      }
    }
    return false;
  }

  private static String objectType(List<Token> tokens, int from) {
    for (String candidate : MULTI_WORD_TYPES) {
      String[] words = candidate.split(" ");
      if (matches(tokens, from, words)) {
        return candidate;
      }
    }
    if (from < tokens.size() && tokens.get(from).kind() == Kind.WORD) {
      return tokens.get(from).keyword();
    }
    return "";
  }

  private static boolean matches(List<Token> tokens, int from, String[] words) {
    if (from + words.length > tokens.size()) {
      return false;
    }
    for (int k = 0; k < words.length; k++) {
      if (!tokens.get(from + k).is(words[k])) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsWord(List<Token> tokens, int from, String word) {
    for (int k = from; k < tokens.size(); k++) {
      if (tokens.get(k).is(word)) {
        return true;
      }
    }
    return false;
  }

  /** The database named after {@code DATABASE} (skipping {@code IF [NOT] EXISTS}), or null if none is readable. */
  private static String databaseName(List<Token> tokens, int from) {
    int k = from;
    if (k < tokens.size() && tokens.get(k).is("IF")) {
      k++;
      if (k < tokens.size() && tokens.get(k).is("NOT")) {
        k++;
      }
      if (k < tokens.size() && tokens.get(k).is("EXISTS")) {
        k++;
      }
    }
    if (k < tokens.size() && (tokens.get(k).kind() == Kind.WORD || tokens.get(k).kind() == Kind.QUOTED)) {
      return tokens.get(k).identifier();
    }
    return null;
  }
}
