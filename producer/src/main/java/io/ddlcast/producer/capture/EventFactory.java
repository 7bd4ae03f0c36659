package io.ddlcast.producer.capture;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.LogPosition;
import io.ddlcast.common.event.Scope;
import io.ddlcast.common.sql.Secrets;
import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.producer.capture.HelperRecord.HelperObject;
import io.ddlcast.producer.capture.StatementParts.Part;
import io.ddlcast.producer.csvlog.LogTime;
import java.util.List;

/**
 * Builds the event for one DDL command from the part of its statement string, read once ({@link Part}).
 *
 * <p>The event's key is the database the DDL belongs to: the connected database, except for statements about a
 * database itself ({@code CREATE/ALTER/DROP DATABASE x}), keyed by {@code x} and run from the standby's maintenance
 * database so that they order with x's own DDL. A clear-text role password never enters the event: it is replaced
 * by a placeholder here ({@link RolePasswords}).
 */
public final class EventFactory {
  private static final int EXCERPT = 200;

  private final String source;
  private final SecretLiterals secrets;

  /** Without a secrets key: statements with secret literals are excluded ({@link SecretLiterals}). */
  public EventFactory(String source) {
    this(source, SecretLiterals.withoutKey());
  }

  public EventFactory(String source, SecretLiterals secrets) {
    this.source = source;
    this.secrets = secrets;
  }

  /** How events with secret literals are kept off the topics in clear. */
  public SecretLiterals secrets() {
    return secrets;
  }

  /** How a statement too long for an event is held: its start, so that reports can name it, never its whole text. */
  static String excerpt(String text) {
    return Secrets.mask(text.substring(0, EXCERPT)) + " ... [" + (text.length() - EXCERPT)
        + " more characters, not kept]";
  }

  /** Where a command was logged: its event id, log position and the csvlog's log_time. */
  public record Site(String id, LogPosition position, String logTime) {}

  /** Who ran a command: the session's database and login role, and the context it ran in (null if unknown). */
  public record Runner(String database, String user, ExecutionContext context) {}

  /**
   * The event for one DDL command. {@code text} is what ships: the part itself, or the whole string when the part
   * is all of it. Statements about a database as a whole are keyed by that database and, like every statement on
   * cluster-wide objects (roles, membership, tablespaces), have scope CLUSTER. The schemas come from the event
   * trigger's record ({@code helper}, null if none reported the command) and the objects it reported dropped just
   * before ({@link EventSchemas}).
   */
  public DdlEvent event(Site site, Runner runner, Part part, String text, HelperRecord helper,
      List<HelperObject> dropped) {
    SqlCommand command = part.command();
    Scope scope = command.global() || command.isDatabaseCommand() ? Scope.CLUSTER : Scope.DATABASE;
    String statement = text.length() > DdlEvent.MAX_STATEMENT_CHARS ? excerpt(text)
        : RolePasswords.roleWithClearPassword(part.sql(), command) != null
            ? RolePasswords.withPlaceholder(text, part.sql()) : text;
    return new DdlEvent(
        DdlEvent.SCHEMA_VERSION,
        site.id(),
        source,
        runner.database(),
        command.isDatabaseCommand() ? command.databaseName() : runner.database(),
        scope,
        runner.user(),
        runner.context(),
        command.tag(),
        statement,
        LogTime.parse(site.logTime()),
        site.position(),
        EventSchemas.of(scope, command.tag(), helper, dropped, part.sql(), runner.context()));
  }
}
