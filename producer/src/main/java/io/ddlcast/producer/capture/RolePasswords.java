package io.ddlcast.producer.capture;

import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.common.sql.SqlLexer.Kind;
import io.ddlcast.common.sql.SqlLexer.Token;
import io.ddlcast.common.sql.SqlText;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps clear-text role passwords out of the topic. A {@code CREATE/ALTER ROLE|USER|GROUP ... PASSWORD 'clear'}
 * statement is held with a placeholder instead of the password from the moment it is read; when it is published,
 * the placeholder becomes the verifier PostgreSQL stored for the role ({@code SCRAM-SHA-256$...}), as
 * {@code pg_dumpall} ships it, so the password works on the standby and is never in Kafka. A statement that already
 * carries a verifier is left as it is, and so is {@code PASSWORD NULL}.
 *
 * <p>The password is found on the statement's tokens ({@link SqlText}, {@link SqlLexer}), not in its text: the
 * string token right after the keyword {@code PASSWORD} (comments between them are skipped), in whatever form it is
 * written ({@code '..'}, {@code E'..'}, {@code U&'..' UESCAPE '!'}, {@code $tag$..$tag$}, continued on the next
 * line), and exactly that token's characters are replaced. The tokens are read as with
 * {@code standard_conforming_strings} on; {@link SqlLexer#dependsOnStandardConformingStrings} tells when a
 * statement could read otherwise with it off.
 */
public final class RolePasswords {
  public static final String PLACEHOLDER = "'ddlcast:stored-verifier'";
  private static final Pattern VERIFIER = Pattern.compile("'(SCRAM-SHA-256\\$[^']+|md5[0-9a-f]{32})'");
  private static final Pattern MD5 = Pattern.compile("'md5[0-9a-f]{32}'");

  private static final Set<String> ROLE_COMMANDS =
      Set.of("CREATE ROLE", "CREATE USER", "CREATE GROUP", "ALTER ROLE", "ALTER USER", "ALTER GROUP");

  private RolePasswords() {}

  /** The role a statement sets a clear-text password for, or null (the first such role of a string of several). */
  public static String roleWithClearPassword(String sql) {
    for (SqlText statement : SqlLexer.statements(sql)) {
      String role = roleWithClearPassword(statement, SqlCommand.of(statement));
      if (role != null) {
        return role;
      }
    }
    return null;
  }

  /** The same, for a statement already lexed. */
  public static String roleWithClearPassword(SqlText sql, SqlCommand command) {
    if (!ROLE_COMMANDS.contains(command.tag()) || clearPasswords(sql).isEmpty()) {
      return null;
    }
    List<Token> tokens = sql.tokens(3);
    return tokens.size() == 3 ? tokens.get(2).identifier() : null;
  }

  /** The statement with its clear-text password replaced by the placeholder. */
  public static String withPlaceholder(String sql) {
    return replacePasswords(sql, false, PLACEHOLDER);
  }

  /**
   * The same for a statement already lexed, as it ships: {@code text} is the statement's own text, or the string
   * it was found in (then the statement is at its {@link SqlText#offset()} there). Reads the statement's tokens,
   * lexes nothing again.
   */
  public static String withPlaceholder(String text, SqlText sql) {
    int offset = text.equals(sql.text()) ? 0 : sql.offset();
    if (!text.startsWith(sql.text(), offset)) {
      return withPlaceholder(text);
    }
    if (!ROLE_COMMANDS.contains(SqlCommand.of(sql).tag())) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int copied = 0;
    for (Token literal : clearPasswords(sql)) {
      out.append(text, copied, offset + literal.start()).append(PLACEHOLDER);
      copied = offset + literal.end();
    }
    return out.append(text, copied, text.length()).toString();
  }

  /**
   * Replaces the placeholder with the stored verifier, or with NULL when there is none (the role has none, or needs
   * none): the placeholder where it is a role's password, not the same text anywhere else in the statement. A
   * NULL takes the place of {@code ENCRYPTED} too, which only a string may follow.
   */
  public static String withVerifier(String sql, String verifier) {
    String value = verifier == null ? "NULL" : "'" + verifier.replace("'", "''") + "'";
    return sql.contains(PLACEHOLDER) ? replacePasswords(sql, true, value) : sql;
  }

  /**
   * The statement without the clause that sets the placeholder as a role's password ({@code [ENCRYPTED] PASSWORD
   * ...}): for a role that needs none, since it is dropped before anything could log in with it.
   */
  public static String withoutPassword(String sql) {
    return sql.contains(PLACEHOLDER) ? replacePasswords(sql, true, null) : sql;
  }

  /** True when a role's password in the statement is the placeholder (lexes it only if it holds the text). */
  public static boolean hasPlaceholder(String sql) {
    return sql.contains(PLACEHOLDER) && !replacePasswords(sql, true, "").equals(sql);
  }

  /**
   * The statement with every role password in it (clear, placeholder or verifier) as {@code NULL}: what else it
   * holds shows ({@link SecretLiterals}).
   */
  public static String withoutPasswordLiterals(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    int copied = 0;
    for (SqlText statement : SqlLexer.statements(sql)) {
      if (!ROLE_COMMANDS.contains(SqlCommand.of(statement).tag())) {
        continue;
      }
      Token previous = null;
      Token token;
      for (int i = 0; (token = statement.token(i)) != null; i++) {
        if (token.kind() == Kind.STRING && previous != null && previous.is("PASSWORD")) {
          out.append(sql, copied, statement.offset() + token.start()).append("NULL");
          copied = statement.offset() + token.end();
        }
        previous = token;
      }
    }
    return out.append(sql, copied, sql.length()).toString();
  }

  /** True for CREATE/ALTER ROLE, USER, GROUP: the statements whose password this class handles. */
  public static boolean isRoleCommand(SqlCommand command) {
    return ROLE_COMMANDS.contains(command.tag());
  }

  /** The role a statement gives an md5 verifier as its password ({@code PASSWORD 'md5...'}), or null. */
  public static String roleWithMd5Verifier(String sql) {
    for (SqlText statement : SqlLexer.statements(sql)) {
      if (!ROLE_COMMANDS.contains(SqlCommand.of(statement).tag())) {
        continue;
      }
      Token previous = null;
      Token token;
      for (int i = 0; (token = statement.token(i)) != null; i++) {
        if (token.kind() == Kind.STRING && previous != null && previous.is("PASSWORD")
            && MD5.matcher(token.text()).matches()) {
          List<Token> name = statement.tokens(3);
          return name.size() == 3 ? name.get(2).identifier() : "?";
        }
        previous = token;
      }
    }
    return null;
  }

  /** The role statements' clear passwords (or their placeholders) replaced by {@code value}. */
  private static String replacePasswords(String sql, boolean placeholders, String value) {
    StringBuilder out = new StringBuilder(sql.length());
    int copied = 0;
    for (SqlText statement : SqlLexer.statements(sql)) {
      if (!ROLE_COMMANDS.contains(SqlCommand.of(statement).tag())) {
        continue;
      }
      Token encrypted = null;
      Token previous = null;
      Token token;
      for (int i = 0; (token = statement.token(i)) != null; i++) {
        if (isClearPassword(token, previous) && (!placeholders || token.text().equals(PLACEHOLDER))) {
          // ENCRYPTED PASSWORD NULL is a syntax error: the keyword goes with the string it qualified
          Token from = value == null ? (encrypted != null ? encrypted : previous)
              : value.equals("NULL") && encrypted != null ? encrypted : token;
          out.append(sql, copied, statement.offset() + from.start());
          if (value == null) {
            out.setLength(out.toString().stripTrailing().length());
          } else {
            out.append(from == token ? value : "PASSWORD " + value);
          }
          copied = statement.offset() + token.end();
        }
        encrypted = token.is("PASSWORD") && previous != null && previous.is("ENCRYPTED") ? previous : null;
        previous = token;
      }
    }
    return out.append(sql, copied, sql.length()).toString();
  }

  /** The string tokens that directly follow the keyword PASSWORD and are not verifiers, in order. */
  private static List<Token> clearPasswords(SqlText sql) {
    List<Token> literals = new ArrayList<>(1);
    Token previous = null;
    Token token;
    for (int i = 0; (token = sql.token(i)) != null; i++) {
      if (isClearPassword(token, previous)) {
        literals.add(token);
      }
      previous = token;
    }
    return literals;
  }

  private static boolean isClearPassword(Token token, Token previous) {
    return token.kind() == Kind.STRING && previous != null && previous.is("PASSWORD")
        && !VERIFIER.matcher(token.text()).matches();
  }
}
