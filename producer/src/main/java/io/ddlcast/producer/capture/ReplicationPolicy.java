package io.ddlcast.producer.capture;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.sql.SqlLexer.Token;
import io.ddlcast.common.sql.SqlText;
import io.ddlcast.producer.capture.HelperRecord.HelperObject;
import io.ddlcast.producer.capture.StatementParts.Part;
import java.util.List;

/**
 * What never reaches a standby even when it committed, and why: DDL whose text PostgreSQL does not log (inside an
 * SQL-language function), ddlcast's own objects and anything in (or on) a schema named ddlcast, whoever made it,
 * temporary objects (they exist only in their session), and
 * statements that act on the instance they run on only: {@code ALTER SYSTEM}, and subscriptions (every standby would
 * subscribe to the publisher, with the credentials in the statement). The rules are checked in that order; the first
 * that applies names the drop.
 *
 * <p>ddlcast's own sessions are not recognized here by anything a client chooses (such as its application name):
 * what ddlcast runs on the primary is either no DDL, or the helper's installation, which is not logged at all.
 */
public final class ReplicationPolicy {
  /** Why a command is not replicated. */
  public record Exclusion(DropKind kind, String reason) {}

  /** ddlcast's schema, on the primary (the helper) and on every standby (the applier's markers and functions). */
  static final String OWN_SCHEMA = "ddlcast";

  private ReplicationPolicy() {}

  /**
   * The exclusion for one DDL command, or null when it replicates. {@code helper} is the event trigger's record
   * (null when none reported the command), {@code dropped} what it reported dropped just before, and
   * {@code sqlFunction} whether the command ran inside an SQL-language function ({@code text} is then only its tag).
   */
  public static Exclusion exclusion(Part part, String text, List<String> schemas, HelperRecord helper,
      List<HelperObject> dropped, boolean sqlFunction) {
    String tag = part.command().tag();
    if (text.length() > DdlEvent.MAX_STATEMENT_CHARS) {
      return new Exclusion(DropKind.TOO_LARGE, "the statement has " + text.length() + " characters, more than an "
          + "event carries (" + DdlEvent.MAX_STATEMENT_CHARS + "): apply it to the standbys by hand");
    }
    if (sqlFunction) {
      return new Exclusion(DropKind.TEXT_NOT_LOGGED,
          "DDL (" + text + ") inside an SQL-language function: PostgreSQL does not log its text");
    }
    if (helper != null && helper.allObjectsDdlcastOwn(dropped)) {
      return new Exclusion(DropKind.NOT_REPLICATED, "ddlcast's own object");
    }
    if (schemas.contains(OWN_SCHEMA)) {
      return new Exclusion(DropKind.NOT_REPLICATED, "schema ddlcast is ddlcast's own: on a standby it holds the "
          + "applier's markers and functions");
    }
    if (tag.endsWith("EVENT TRIGGER") && text.contains("ddlcast_")) {
      return new Exclusion(DropKind.NOT_REPLICATED, "ddlcast's own event trigger");
    }
    if (helper != null ? helper.allObjectsTemporary(dropped) : part.command().temporary()) {
      return new Exclusion(DropKind.NOT_REPLICATED, "temporary object (exists only in its session)");
    }
    if (part.command().instanceLocal()) {
      return new Exclusion(DropKind.NOT_REPLICATED, tag + " changes only the instance it runs on");
    }
    return null;
  }

  /**
   * For DDL no helper record reports (statements on roles, databases, tablespaces, {@code REASSIGN OWNED}), which
   * runs on a standby as the session's login where the role it ran as is not known ({@code roleKnown} false): the
   * exclusion if it names that role, or null. {@code CURRENT_USER} and {@code CURRENT_ROLE} then name a role the
   * log does not show; {@code SESSION_USER} always names, on a standby, the applier's own login.
   */
  public static Exclusion unknownRole(Part part, boolean roleKnown) {
    SqlText sql = part.sql();
    Token token;
    for (int i = 0; (token = sql.token(i)) != null; i++) {
      boolean current = token.is("CURRENT_USER") || token.is("CURRENT_ROLE");
      if (token.is("SESSION_USER") || (current && !roleKnown)) {
        return new Exclusion(DropKind.ROLE_UNKNOWN, part.command().tag() + " names " + token.keyword()
            + (current ? ", and the role the session ran it as is not in the log (SET ROLE is not logged)"
                : ", which on a standby is the applier's own login") + ": apply it to the standbys by hand");
      }
    }
    return null;
  }
}
