package io.ddlcast.producer.primary;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.sql.SqlLexer.Token;
import io.ddlcast.common.sql.SqlText;
import io.ddlcast.producer.capture.RolePasswords;
import java.sql.SQLException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the log could not give an event, read from the primary just before it is published: the stored verifier of
 * a role whose clear-text password was replaced by a placeholder ({@link RolePasswords}), and the owner of a
 * database created without an {@code OWNER} clause (under {@code SET ROLE}, it is that role, not the login). Without
 * a primary connection the placeholder becomes {@code NULL} (reported) and the owner is the applier's default.
 */
public final class EventCompleter {
  private static final Logger LOG = LoggerFactory.getLogger(EventCompleter.class);

  private final PrimaryCatalog primary;

  /** {@code primary}: null when no --primary-url is given. */
  public EventCompleter(PrimaryCatalog primary) {
    this.primary = primary;
  }

  /** The event as it is published; a failure to read the primary is thrown (the batch is tried again). */
  public DdlEvent complete(DdlEvent event) throws SQLException {
    String statement = event.statement();
    ExecutionContext context = event.context();
    if (RolePasswords.hasPlaceholder(statement)) {
      statement = RolePasswords.withVerifier(statement, verifier(event));
    }
    if ("CREATE DATABASE".equals(event.command()) && primary != null && !hasOwnerClause(statement)) {
      String owner = primary.databaseOwner(event.key());
      if (owner != null) {
        context = new ExecutionContext(owner, null, null);
      }
    }
    if (statement.equals(event.statement()) && Objects.equals(context, event.context())) {
      return event;
    }
    return event.withStatement(statement, context);
  }

  private String verifier(DdlEvent event) throws SQLException {
    if (primary == null) {
      LOG.warn("role password in {} not replicated: reading it needs --primary-url (a superuser)", event.id());
      return null;
    }
    String role = RolePasswords.roleWithClearPassword(event.statement());
    try {
      return primary.roleVerifier(resolveRole(role, event));
    } catch (SQLException e) {
      if (!"42501".equals(e.getSQLState())) {
        throw e;
      }
      LOG.warn("role password in {} not replicated: the --primary-url role cannot read pg_authid (it must be a "
          + "superuser)", event.id());
      return null;
    }
  }

  /** {@code CREATE DATABASE name ... OWNER [=] role}: the keyword after the name, not a name that contains it. */
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
