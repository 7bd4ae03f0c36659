package io.ddlcast.producer.primary;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.Scope;
import io.ddlcast.common.sql.SqlLexer.Kind;
import io.ddlcast.common.sql.SqlLexer.Token;
import io.ddlcast.common.sql.SqlText;
import io.ddlcast.producer.capture.RolePasswords;
import io.ddlcast.producer.capture.SecretLiterals;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the log could not give an event, read from the primary just before it is published:
 *
 * <ul>
 *   <li>the stored verifier of a role whose clear-text password was replaced by a placeholder
 *       ({@link RolePasswords}), as of the statement: the role is followed through the renames that come after it in
 *       the same batch (its transaction, and what committed with it), and a role the batch drops needs no password
 *       (the clause goes).
 *       Where the primary has no role of that name any more and the batch does not say why (a later rename or drop
 *       not read yet: the producer lags, e.g. catching up after a restart), the verifier as of the statement cannot
 *       be known: the event is published with {@code PASSWORD NULL} and a warning naming the role. When the later
 *       statement is a drop (a temporary role), the standby ends exactly as the primary; when it is a rename, the
 *       standby's role lacks its password, which the warning says to set by hand. Not publishing the role at all
 *       (as before) made every later statement naming it fail, and so stopped every standby's cluster-wide
 *       statements (measured: the regression suite's {@code create_role} whenever the producer lagged);
 *   <li>the role a cluster-wide statement made the owner or grantor by running as it, which the log does not show
 *       (an unlogged SET ROLE): the owner of a database or tablespace created without an {@code OWNER} clause, and
 *       the grantor of a role granted without {@code GRANTED BY} when the event does not know its role. The
 *       statement then runs as that role, exactly as on the primary, if the session's login could become it (SET
 *       ROLE); otherwise it keeps its context: it never runs with more rights than its session had.
 * </ul>
 *
 * <p>Without a primary connection the placeholder becomes {@code NULL} (reported) and the owner is the applier's
 * default.
 */
public final class EventCompleter {
  private static final Logger LOG = LoggerFactory.getLogger(EventCompleter.class);
  private static final Set<String> ROLE_TAGS = Set.of("ROLE", "USER", "GROUP");
  private static final Set<String> NOT_A_ROLE_NAME =
      Set.of("GROUP", "PUBLIC", "CURRENT_USER", "CURRENT_ROLE", "SESSION_USER", "ALL");
  private static final Set<String> GRANT_OPTIONS = Set.of("WITH", "ADMIN", "INHERIT", "SET", "OPTION", "TRUE",
      "FALSE");

  private final PrimaryCatalog primary;
  private final SecretLiterals secrets;

  /** {@code primary}: null when no --primary-url is given. Without a secrets key. */
  public EventCompleter(PrimaryCatalog primary) {
    this(primary, SecretLiterals.withoutKey());
  }

  /** {@code secrets}: seals a completed event that holds a verifier, when the producer has a key. */
  public EventCompleter(PrimaryCatalog primary, SecretLiterals secrets) {
    this.primary = primary;
    this.secrets = secrets;
  }

  /**
   * The batch as it is published, in order, every event completed. A failure to read the primary is thrown (the
   * batch is tried again).
   */
  public List<DdlEvent> complete(List<DdlEvent> batch) throws SQLException {
    List<DdlEvent> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      DdlEvent completed = complete(batch.get(i), batch.subList(i + 1, batch.size()));
      String md5 = secrets.md5Role(completed);
      if (md5 != null) {
        LOG.warn("{} gives role {} an md5 verifier, with which a client can log in as it (unlike a SCRAM one): "
            + "{}; set password_encryption = 'scram-sha-256' on the primary and set the password again",
            completed.id(), md5, secrets.sealing() ? "it travels sealed" : "it travels in clear without --secrets-key");
      }
      out.add(secrets.completed(completed));
    }
    return out;
  }

  /** One event as it is published, {@code later} the events published after it with it. */
  DdlEvent complete(DdlEvent event, List<DdlEvent> later) throws SQLException {
    String statement = event.statement();
    ExecutionContext context = event.context();
    if (RolePasswords.hasPlaceholder(statement)) {
      Password password = password(event, later);
      statement = password.needed() ? RolePasswords.withVerifier(statement, password.verifier())
          : RolePasswords.withoutPassword(statement);
    }
    String recorded = primary == null ? null : recordedRole(event, statement);
    if (recorded != null) {
      context = new ExecutionContext(recorded, null, null);
    }
    if (statement.equals(event.statement()) && Objects.equals(context, event.context())) {
      return event;
    }
    return event.withStatement(statement, context);
  }

  /** The verifier to ship ({@code null}: the role has none, or it cannot be known), or none needed at all. */
  private record Password(String verifier, boolean needed) {
    Password(String verifier) {
      this(verifier, true);
    }
  }

  private Password password(DdlEvent event, List<DdlEvent> later) throws SQLException {
    if (primary == null) {
      LOG.warn("role password in {} not replicated: reading it needs --primary-url (a superuser)", event.id());
      return new Password(null);
    }
    String role = resolveRole(RolePasswords.roleWithClearPassword(event.statement()), event);
    for (DdlEvent next : later) {
      String renamed = renamedTo(next, role);
      if (renamed != null) {
        role = renamed;
      } else if (drops(next, role)) {
        return new Password(null, false); // dropped by what is published with it: it needs no password
      }
    }
    try {
      String verifier = primary.roleVerifier(role);
      if (verifier == null && !primary.roleExists(role)) {
        LOG.warn("{} ({}) published with PASSWORD NULL: the primary has no role {} any more (dropped or renamed by a "
            + "statement after it that is not published yet), so the password it set cannot be read; if the role was "
            + "renamed rather than dropped, set its password on the standbys by hand", event.id(), event.command(),
            role);
      }
      return new Password(verifier);
    } catch (SQLException e) {
      if (!"42501".equals(e.getSQLState())) {
        throw e;
      }
      LOG.warn("role password in {} not replicated: the --primary-url role cannot read pg_authid (it must be a "
          + "superuser)", event.id());
      return new Password(null);
    }
  }

  /** {@code ALTER ROLE|USER|GROUP role RENAME TO name}: the new name; else null. */
  static String renamedTo(DdlEvent event, String role) {
    if (!isRoleCommand(event, "ALTER")) {
      return null;
    }
    List<Token> tokens = tokens(event.statement(), 7);
    boolean rename = tokens.size() == 6 && tokens.get(3).is("RENAME") && tokens.get(4).is("TO")
        && isName(tokens.get(2)) && isName(tokens.get(5));
    return rename && tokens.get(2).identifier().equals(role) ? tokens.get(5).identifier() : null;
  }

  /** {@code DROP ROLE|USER|GROUP [IF EXISTS] a, b}: whether {@code role} is among them. */
  static boolean drops(DdlEvent event, String role) {
    if (!isRoleCommand(event, "DROP")) {
      return false;
    }
    SqlText sql = SqlText.of(event.statement());
    int first = sql.token(2) != null && sql.token(2).is("IF") && sql.token(3) != null && sql.token(3).is("EXISTS")
        ? 4 : 2;
    Token token;
    for (int i = first; (token = sql.token(i)) != null; i++) {
      if (isName(token) && token.identifier().equals(role)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isRoleCommand(DdlEvent event, String verb) {
    String command = event.command() == null ? "" : event.command();
    return command.startsWith(verb + " ") && ROLE_TAGS.contains(command.substring(verb.length() + 1));
  }

  private static boolean isName(Token token) {
    return token.kind() == Kind.QUOTED || (token.kind() == Kind.WORD && !NOT_A_ROLE_NAME.contains(token.keyword()));
  }

  /**
   * The role a cluster-wide statement recorded as owner or grantor by running as it, read from the primary, if the
   * session's login could become it; else null (the event keeps its context).
   */
  private String recordedRole(DdlEvent event, String statement) throws SQLException {
    String recorded = null;
    String command = event.command() == null ? "" : event.command();
    if (command.equals("CREATE DATABASE") && !hasOwnerClause(statement)) {
      recorded = primary.databaseOwner(event.key());
    } else if (command.equals("CREATE TABLESPACE") && !hasOwnerClause(statement)) {
      List<Token> tokens = SqlText.of(statement).tokens(3);
      recorded = tokens.size() == 3 ? primary.tablespaceOwner(tokens.get(2).identifier()) : null;
    } else if (command.equals("GRANT") && event.scope() == Scope.CLUSTER && event.context() == null) {
      List<String> grant = roleAndMember(statement);
      recorded = grant == null ? null : primary.grantor(grant.get(0), grant.get(1));
    }
    if (recorded == null || recorded.equals(event.user()) || event.user() == null) {
      return recorded;
    }
    if (!primary.canBecome(event.user(), recorded)) {
      LOG.warn("{} ({}): the primary records {} for it, a role its session's login {} cannot become; it runs as "
          + "its context says", event.id(), command, recorded, event.user());
      return null;
    }
    return recorded;
  }

  /** {@code GRANT role TO member [WITH ...]} of one role to one member, without GRANTED BY: the two; else null. */
  static List<String> roleAndMember(String statement) {
    List<Token> tokens = tokens(statement, 12);
    if (tokens.size() < 4 || tokens.size() == 12 || !isName(tokens.get(1)) || !tokens.get(2).is("TO")
        || !isName(tokens.get(3))) {
      return null;
    }
    for (Token option : tokens.subList(4, tokens.size())) {
      if (option.kind() != Kind.WORD || !GRANT_OPTIONS.contains(option.keyword())) {
        return null;
      }
    }
    return List.of(tokens.get(1).identifier(), tokens.get(3).identifier());
  }

  /** The statement's first tokens, up to {@code max}, without the semicolons that end it. */
  private static List<Token> tokens(String statement, int max) {
    List<Token> tokens = new ArrayList<>(SqlText.of(statement).tokens(max));
    while (!tokens.isEmpty() && tokens.get(tokens.size() - 1).kind() == Kind.SYMBOL
        && tokens.get(tokens.size() - 1).text().equals(";")) {
      tokens.remove(tokens.size() - 1);
    }
    return tokens;
  }

  /** {@code CREATE DATABASE|TABLESPACE name ... OWNER [=] role}: the keyword after the name, not a name with it. */
  static boolean hasOwnerClause(String statement) {
    SqlText sql = SqlText.of(statement);
    Token token;
    for (int i = 3; (token = sql.token(i)) != null; i++) {
      if (token.is("OWNER")) {
        return true;
      }
    }
    return false;
  }

  private static String resolveRole(String role, DdlEvent event) {
    ExecutionContext c = event.context();
    return switch (role) {
      case "current_user", "current_role" -> c != null && c.role() != null ? c.role() : event.user();
      case "session_user" -> c != null && c.sessionRole() != null ? c.sessionRole() : event.user();
      default -> role;
    };
  }
}
