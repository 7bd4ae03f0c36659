package io.ddlcast.producer.capture;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.seal.SealException;
import io.ddlcast.common.seal.SealedStatement;
import io.ddlcast.common.seal.SecretsKey;
import io.ddlcast.common.sql.Secrets;
import io.ddlcast.common.sql.SqlLexer.Kind;
import io.ddlcast.common.sql.SqlLexer.Token;
import io.ddlcast.producer.capture.ReplicationPolicy.Exclusion;
import io.ddlcast.producer.capture.StatementParts.Part;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Keeps clear-text secrets off every topic. PostgreSQL logs {@code USER MAPPING ... OPTIONS (password '...')},
 * {@code SERVER ... OPTIONS (password '...')} and any option named like a secret as written; a statement holding
 * one ({@link SealedStatement#holdsSecret}: what {@code Secrets.mask} hides, role passwords aside, which
 * {@link RolePasswords} turns into the stored verifier) leaves the capture stage either sealed under the
 * {@code --secrets-key} ({@link SealedStatement}: the event's statement masked, the whole one sealed for the
 * appliers), so that the checkpoint that holds it while its transaction is open, the topic and the dead letters see
 * only the masked text, or, without a key, excluded ({@link DropKind#UNSEALED}): never shipped in clear.
 *
 * <p>A role statement whose clear password became the placeholder is sealed only once the placeholder is the
 * verifier ({@link #completed}); one that holds another secret besides is refused, since the placeholder cannot be
 * completed inside a sealed statement. With a key, verifiers travel sealed too; without one, a SCRAM verifier
 * ships as {@code pg_dumpall} ships it, and an md5 verifier (with which a client can log in) ships with a warning.
 */
public final class SecretLiterals {
  private final SecretsKey key;

  /** {@code key}: null when the producer has no --secrets-key. */
  public SecretLiterals(SecretsKey key) {
    this.key = key;
  }

  /** No key: statements with secret literals are excluded. */
  public static SecretLiterals withoutKey() {
    return new SecretLiterals(null);
  }

  public boolean sealing() {
    return key != null;
  }

  /** True when the statement holds a secret other than a role's password. */
  public static boolean holdsClearSecret(String statement) {
    return mayHoldSecret(statement) && SealedStatement.holdsSecret(RolePasswords.withoutPasswordLiterals(statement));
  }

  /**
   * The same for a statement whose part is lexed already ({@code part}): a role statement without comments is read
   * from its tokens (its strings besides the password: a {@code SET} value may be a connection string), lexing
   * nothing again; any other statement as text.
   */
  static boolean holdsClearSecret(String statement, Part part) {
    if (!mayHoldSecret(statement)) {
      return false;
    }
    if (!RolePasswords.isRoleCommand(part.command()) || statement.contains("--") || statement.contains("/*")) {
      return holdsClearSecret(statement);
    }
    Token previous = null;
    Token token;
    for (int i = 0; (token = part.sql().token(i)) != null; i++) {
      boolean password = previous != null && previous.is("PASSWORD");
      if (token.kind() == Kind.STRING && !password && SealedStatement.holdsSecret(token.text())) {
        return true;
      }
      if (token.kind() == Kind.STRING && previous != null && !password && !previous.is("UNTIL")
          && previous.kind() == Kind.WORD && SealedStatement.holdsSecret(previous.text() + " " + token.text())) {
        return true;
      }
      previous = token;
    }
    return false;
  }

  /**
   * False when the text cannot hold what {@code Secrets.mask} hides: none of the words of its secret names and
   * connection strings, no URI, no {@code U&} identifier (which may spell a name in escapes). Most DDL is not lexed
   * again for secrets.
   */
  static boolean mayHoldSecret(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    return lower.contains("pass") || lower.contains("secret") || lower.contains("token")
        || lower.contains("api_key") || lower.contains("://") || lower.contains("u&");
  }

  /** True when a secret literal of the statement is the mask itself: a text a checkpoint held masked. */
  static boolean holdsMaskedSecret(String statement) {
    if (!statement.contains(Secrets.MASK)) {
      return false;
    }
    String probe = RolePasswords.withoutPasswordLiterals(statement);
    return probe.contains(Secrets.MASK) && SealedStatement.holdsSecret(probe.replace(Secrets.MASK, "'x'"));
  }

  /** Why a captured event (clear, as built from {@code part}) must not ship, or null. */
  public Exclusion exclusion(DdlEvent event, Part part) {
    return exclusion(event, holdsClearSecret(event.statement(), part));
  }

  /** The same for an event read on its own. */
  public Exclusion exclusion(DdlEvent event) {
    return exclusion(event, holdsClearSecret(event.statement()));
  }

  private Exclusion exclusion(DdlEvent event, boolean clearSecret) {
    if (holdsMaskedSecret(event.statement())) {
      return new Exclusion(key == null ? DropKind.UNSEALED : DropKind.REFUSED, "a secret literal of it reads "
          + Secrets.MASK + ": the checkpoint of a producer without --secrets-key held it masked (or the primary ran "
          + "it so); apply it to the standbys by hand");
    }
    if (!clearSecret) {
      return null;
    }
    if (key == null) {
      return new Exclusion(DropKind.UNSEALED, "it holds a secret literal (a password or other secret option, a "
          + "connection string's password), which ddlcast never publishes in clear: give the producer and the "
          + "appliers --secrets-key, or apply it to the standbys by hand");
    }
    if (RolePasswords.hasPlaceholder(event.statement())) {
      return new Exclusion(DropKind.REFUSED, "it sets a role's password and holds another secret literal: apply "
          + "it to the standbys by hand");
    }
    return null;
  }

  /** The captured event as it waits and ships: sealed when it holds a secret and a key is set. */
  public DdlEvent captured(DdlEvent event) {
    if (key == null || !mayHoldSecret(event.statement()) || RolePasswords.hasPlaceholder(event.statement())) {
      return event;
    }
    return SealedStatement.seal(event, key);
  }

  /** The event once its verifier is in (as published): sealed when it holds one and a key is set. */
  public DdlEvent completed(DdlEvent event) {
    return key == null || !mayHoldSecret(event.statement()) ? event : SealedStatement.seal(event, key);
  }

  /** A statement text the checkpoint holds, sealed for the statement record {@code id}. */
  public String sealText(String text, String id) {
    return key.seal(text, ("ddlcast-cursor:" + id).getBytes(StandardCharsets.UTF_8));
  }

  /** What {@link #sealText} sealed; a checkpoint that does not open under this key stops the producer. */
  public String openText(String sealed, String id) {
    try {
      return key.open(sealed, ("ddlcast-cursor:" + id).getBytes(StandardCharsets.UTF_8));
    } catch (SealException e) {
      throw new IllegalArgumentException("the statement of " + id + " in the checkpoint does not open under "
          + "--secrets-key: " + e.getMessage(), e);
    }
  }

  /** The role the event gives an md5 verifier (a usable credential: warned about), or null. */
  public String md5Role(DdlEvent event) {
    String statement = event.statement();
    if (event.sealed() != null && key != null) {
      try {
        statement = SealedStatement.open(event, key);
      } catch (SealException e) {
        throw new IllegalStateException("an event this producer sealed does not open: " + e.getMessage(), e);
      }
    }
    return statement.contains("md5") ? RolePasswords.roleWithMd5Verifier(statement) : null;
  }
}
