package io.ddlcast.producer.capture;

import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.sql.SqlLexer.Token;
import io.ddlcast.common.sql.SqlText;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps clear-text role passwords out of the topic. A {@code CREATE/ALTER ROLE|USER|GROUP ... PASSWORD 'clear'}
 * statement is held with a placeholder instead of the password from the moment it is read; when it is published,
 * the placeholder becomes the verifier PostgreSQL stored for the role ({@code SCRAM-SHA-256$...}), as
 * {@code pg_dumpall} ships it, so the password works on the standby and is never in Kafka. A statement that already
 * carries a verifier is left as it is.
 */
public final class RolePasswords {
  public static final String PLACEHOLDER = "'ddlcast:stored-verifier'";
  private static final Pattern PASSWORD = Pattern.compile("(?i)(\\bpassword\\s*)"
      + "(E'(?:[^'\\\\]|''|\\\\.)*'|'(?:[^']|'')*'|(?<tag>\\$[A-Za-z_0-9]*\\$).*?\\k<tag>)", Pattern.DOTALL);
  private static final Pattern VERIFIER = Pattern.compile("'(SCRAM-SHA-256\\$[^']+|md5[0-9a-f]{32})'");

  private static final Set<String> ROLE_COMMANDS =
      Set.of("CREATE ROLE", "CREATE USER", "CREATE GROUP", "ALTER ROLE", "ALTER USER", "ALTER GROUP");

  private RolePasswords() {}

  /** The role a statement sets a clear-text password for, or null. */
  public static String roleWithClearPassword(String sql) {
    SqlText text = SqlText.of(sql);
    return roleWithClearPassword(text, SqlCommand.of(text));
  }

  /** The same, for a statement already lexed. */
  public static String roleWithClearPassword(SqlText sql, SqlCommand command) {
    if (!ROLE_COMMANDS.contains(command.tag())) {
      return null;
    }
    Matcher m = PASSWORD.matcher(sql.text());
    if (!m.find() || VERIFIER.matcher(m.group(2)).matches()) {
      return null;
    }
    List<Token> tokens = sql.tokens(3);
    return tokens.size() == 3 ? tokens.get(2).identifier() : null;
  }

  /** The statement with its clear-text password replaced by the placeholder. */
  public static String withPlaceholder(String sql) {
    return PASSWORD.matcher(sql).replaceFirst(m -> Matcher.quoteReplacement(m.group(1) + PLACEHOLDER));
  }

  /** Replaces the placeholder with the stored verifier, or with NULL when none could be read. */
  public static String withVerifier(String sql, String verifier) {
    String value = verifier == null ? "NULL" : "'" + verifier.replace("'", "''") + "'";
    return sql.replace(PLACEHOLDER, value);
  }

  public static boolean hasPlaceholder(String sql) {
    return sql.contains(PLACEHOLDER);
  }
}
