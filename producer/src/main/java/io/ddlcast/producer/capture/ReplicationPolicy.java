package io.ddlcast.producer.capture;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.sql.SqlLexer.Token;
import io.ddlcast.common.sql.SqlText;
import io.ddlcast.producer.capture.HelperRecord.HelperObject;
import io.ddlcast.producer.capture.StatementParts.Part;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What never reaches a standby even when it committed, and why: DDL whose text PostgreSQL does not log (inside an
 * SQL-language function), ddlcast's own objects and anything in (or on) a schema named ddlcast, whoever made it,
 * temporary objects (they exist only in their session) and what no standby has (see {@link HelperRecord}: relations a
 * GRANT names that are the session's temporary ones, INVALID indexes of failed concurrent builds, permanent objects
 * over temporary ones, which PostgreSQL drops with them), statements that act on the instance they run on only:
 * {@code ALTER SYSTEM}, and subscriptions (every standby would subscribe to the publisher, with the credentials in the
 * statement), data rather than schema (large objects), and what cannot be
 * replicated exactly, refused for the operator ({@link DropKind#REFUSED}: the CREATE that {@code EXPLAIN ANALYZE}
 * runs, {@code CREATE TABLE ... AS EXECUTE}, a table with a column of a temporary row type). The rules are checked in
 * that order; the first that applies names the drop. A statement that named objects a standby has and objects it
 * never had ships for the former ({@link PermanentPart}).
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
    Exclusion absent = helper == null ? null : notOnStandbys(part, helper, dropped);
    if (absent != null) {
      return absent;
    }
    if (part.command().instanceLocal()) {
      return new Exclusion(DropKind.NOT_REPLICATED, tag + " changes only the instance it runs on");
    }
    if (firstOnNames(part, "SUBSCRIPTION")) {
      return new Exclusion(DropKind.NOT_REPLICATED, tag + " of a subscription, which is not replicated");
    }
    return dataOrRefused(part, tag);
  }

  /**
   * A command on objects no standby has (temporary relations a GRANT names, what a DROP names that never reached
   * them), or that makes a permanent object over a temporary one: PostgreSQL drops that object with the temporary
   * one when the session ends, but a table whose column is of a temporary row type stays, without the column.
   */
  private static Exclusion notOnStandbys(Part part, HelperRecord helper, List<HelperObject> dropped) {
    List<PermanentPart.Target> targets = PermanentPart.grantTargets(part, helper);
    if (targets.stream().anyMatch(PermanentPart.Target::unknown)) {
      return new Exclusion(DropKind.REFUSED, "it names a relation that may be the session's temporary one (the "
          + "search_path " + helper.context().searchPath() + " places pg_temp after other schemas): apply it to "
          + "the standbys by hand if it is not");
    }
    if (!targets.isEmpty() && targets.stream().allMatch(PermanentPart.Target::temporary)) {
      return new Exclusion(DropKind.NOT_REPLICATED, "temporary object (exists only in its session)");
    }
    List<HelperObject> named = helper.named(dropped);
    if (!named.isEmpty() && named.stream().noneMatch(HelperObject::onStandbys)) {
      return new Exclusion(DropKind.NOT_REPLICATED, "never reached the standbys: " + named.stream()
          .map(o -> o.identity() + (o.notOnStandbys() != null ? " is " + o.notOnStandbys() : " is temporary"))
          .collect(Collectors.joining(", ")));
    }
    for (HelperObject o : helper.objects()) {
      if (o.onTemporary() != null && !o.isTemporary()) {
        return Boolean.TRUE.equals(o.columnOnTemporary())
            ? new Exclusion(DropKind.REFUSED, o.identity() + " has a column that depends on temporary object "
                + o.onTemporary() + ", which no standby has: PostgreSQL drops that column when the session ends; "
                + "make the table on the standbys by hand as it is then")
            : new Exclusion(DropKind.NOT_REPLICATED, o.identity() + " depends on temporary object "
                + o.onTemporary() + ": PostgreSQL drops it with that object when the session ends");
      }
    }
    return null;
  }

  /** Statements on data rather than schema, and those that cannot be replicated exactly; else null. */
  private static Exclusion dataOrRefused(Part part, String tag) {
    if (onLargeObject(part)) {
      return new Exclusion(DropKind.DATA, "large objects are data: a standby holds none, so their privileges, owner "
          + "and comment stay on the primary");
    }
    if (part.kind() == StatementParts.Kind.EXPLAINED) {
      return new Exclusion(DropKind.REFUSED, "EXPLAIN ANALYZE runs its CREATE without event triggers: the role, "
          + "search_path and objects it ran with are not known; apply the CREATE to the standbys by hand");
    }
    if (tag.equals("CREATE TABLE") && asExecute(part)) {
      return new Exclusion(DropKind.REFUSED, "CREATE TABLE ... AS EXECUTE runs the session's prepared statement, "
          + "which is not logged (PREPARE is not DDL): apply the table to the standbys by hand");
    }
    return null;
  }

  /** {@code ALTER LARGE OBJECT}, or {@code ... ON LARGE OBJECT} at the statement's first ON (GRANT, COMMENT, ...). */
  private static boolean onLargeObject(Part part) {
    if (part.command().tag().equals("ALTER LARGE OBJECT")) {
      return true;
    }
    Token token;
    for (int i = 1; (token = part.sql().token(i)) != null; i++) {
      if (token.is("ON")) {
        Token large = part.sql().token(i + 1);
        Token object = part.sql().token(i + 2);
        return large != null && large.is("LARGE") && object != null && object.is("OBJECT");
      }
    }
    return false;
  }

  /** {@code COMMENT ON SUBSCRIPTION s}, {@code SECURITY LABEL ... ON SUBSCRIPTION s}: the word after the first ON. */
  private static boolean firstOnNames(Part part, String kind) {
    Token token;
    for (int i = 1; (token = part.sql().token(i)) != null; i++) {
      if (token.is("ON")) {
        Token next = part.sql().token(i + 1);
        return next != null && next.is(kind) && (part.command().tag().equals("COMMENT")
            || part.command().tag().equals("SECURITY LABEL"));
      }
    }
    return false;
  }

  /** {@code CREATE TABLE t AS EXECUTE p}: the words AS EXECUTE, which only a CREATE TABLE AS can hold. */
  private static boolean asExecute(Part part) {
    Token token;
    for (int i = 1; (token = part.sql().token(i)) != null; i++) {
      Token next = part.sql().token(i + 1);
      if (token.is("AS") && next != null && next.is("EXECUTE")) {
        return true;
      }
    }
    return false;
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
