package io.ddlcast.producer.capture;

import io.ddlcast.producer.csvlog.LogRecord;
import java.util.Locale;

/**
 * What a csvlog record is, for capture: the one place a record's kind is decided, and where a record must prove
 * it is what its message claims. Any login can write a LOG record with any message ({@code RAISE LOG}); such a
 * record always carries the context of the code that raised it, which the server's own records (log_statement,
 * log_duration, log_disconnections) never do, and the helper's records are raised by the helper's own function,
 * which is their first context frame. Read in this order:
 *
 * <pre>
 * SERVER_READY      postmaster: "database system is ready to accept connections" (every session before it ended)
 * NO_SESSION        a record of no client session (checkpointer, autovacuum, ...)
 * HELPER            ddlcast's event trigger: "ddlcast ddl_command_end|sql_drop {json}", "ddlcast error ...", raised
 *                   by the helper's function in a database whose helper is trusted ({@link HelperTrust})
 * UNREADABLE_HELPER the helper's record that cannot be read (reported, not used)
 * STATEMENT         log_statement: "statement: SQL" (simple protocol), "execute NAME: SQL" (extended protocol),
 *                   without context; when the SQL after the first ": " holds another ": ", a statement name may have
 *                   hidden where the SQL starts ({@link Classified#ambiguous})
 * ERROR             ERROR, FATAL or PANIC of the session (a raised exception is a real one: it aborts)
 * COMPLETION        log_duration: "duration: ..." without context (the command tag says what completed)
 * DISCONNECTION     log_disconnections: "disconnection: ..." without context
 * FORGED            a record whose message reads as one of the above but that the server did not write as such
 *                   (reported; as a record of its session it still shows the session's transaction id); without a
 *                   primary, every helper record ({@link Classified#perDatabase}: reported once per database)
 * UNDECODABLE       a statement or helper record whose text is not what ran: bytes that are not UTF-8, or characters
 *                   beyond ASCII from a database that is not UTF8 (reported, its DDL not replicated; as FORGED)
 * OTHER             anything else of a session (its virtual transaction id still tells where the session is)
 * </pre>
 */
public enum RecordKind {
  SERVER_READY,
  NO_SESSION,
  HELPER,
  UNREADABLE_HELPER,
  STATEMENT,
  ERROR,
  COMPLETION,
  DISCONNECTION,
  FORGED,
  UNDECODABLE,
  OTHER;

  /**
   * A record with its kind and what was read from it: the statement's SQL, the helper's report, or the problem.
   * {@code ambiguous}: an extended-protocol statement whose name may hold ": " (a client chooses it), so that the
   * SQL read after the first ": " may begin inside the name; the server runs exactly one statement per execute,
   * and only the helper's report (which carries the statement's real text) can confirm it. {@code perDatabase}:
   * the problem is its database's, the same for each of its records (a helper no primary can verify), and said once.
   */
  public record Classified(RecordKind kind, LogRecord record, String statement, HelperRecord helper, String problem,
      boolean ambiguous, boolean perDatabase) {
    Classified(RecordKind kind, LogRecord record, String statement, HelperRecord helper, String problem,
        boolean ambiguous) {
      this(kind, record, statement, helper, problem, ambiguous, false);
    }

    static Classified of(RecordKind kind, LogRecord record) {
      return new Classified(kind, record, null, null, null, false);
    }

    static Classified forged(LogRecord record, String why) {
      return new Classified(FORGED, record, null, null, "record at " + record.position() + " of session "
          + record.sessionId() + " (user " + record.user() + ") " + why + "; ignored", false);
    }
  }

  private static final String STATEMENT_PREFIX = "statement: ";
  private static final String SERVER_READY_MESSAGE = "database system is ready to accept connections";

  public static Classified classify(LogRecord record, HelperTrust trust) {
    if ("postmaster".equals(record.backendType()) && record.message().startsWith(SERVER_READY_MESSAGE)) {
      return Classified.of(SERVER_READY, record);
    }
    if (record.sessionId().isEmpty()) {
      return Classified.of(NO_SESSION, record);
    }
    if (mayCarryDdl(record) && (record.undecodable() || !trust.utf8(record.database()) && !ascii(record))) {
      return new Classified(UNDECODABLE, record, null, null, record.undecodable() ? null : "record at "
          + record.position() + " in database " + record.database() + ", whose encoding is not UTF8, holds "
          + "characters beyond ASCII: ddlcast reads the log as UTF-8, so the DDL in it is not replicated", false);
    }
    if (HelperRecord.claims(record)) {
      return helper(record, trust);
    }
    if (record.isError()) {
      return Classified.of(ERROR, record);
    }
    String message = record.message();
    boolean serverWritten = record.context().isEmpty() && record.query().isEmpty();
    if ("LOG".equals(record.severity()) && (message.startsWith(STATEMENT_PREFIX) || message.startsWith("execute "))) {
      return serverWritten ? statement(record) : Classified.forged(record, "reads as a statement but was raised by "
          + "code (" + firstFrame(record) + "), not logged by log_statement");
    }
    RecordKind kind = message.startsWith("duration: ") ? COMPLETION
        : message.startsWith("disconnection: ") ? DISCONNECTION : OTHER;
    if (kind != OTHER && !serverWritten) {
      return Classified.forged(record, "reads as a " + kind.name().toLowerCase(Locale.ROOT)
          + " record but was raised by code (" + firstFrame(record) + ")");
    }
    return Classified.of(kind, record);
  }

  /** True for a record that may carry DDL: a statement record, or one that reads as the helper's. */
  public static boolean mayCarryDdl(LogRecord record) {
    String message = record.message();
    return HelperRecord.claims(record) || "LOG".equals(record.severity())
        && (message.startsWith(STATEMENT_PREFIX) || message.startsWith("execute "));
  }

  private static boolean ascii(LogRecord record) {
    return record.message().chars().allMatch(c -> c < 128) && record.query().chars().allMatch(c -> c < 128)
        && record.context().chars().allMatch(c -> c < 128);
  }

  private static Classified helper(LogRecord record, HelperTrust trust) {
    if (!HelperRecord.fromHelper(record)) {
      return Classified.forged(record, "reads as ddlcast's helper but was raised by other code ("
          + firstFrame(record) + ")");
    }
    if (!trust.verifies()) {
      return new Classified(FORGED, record, null, null, "records of ddlcast's helper in database " + record.database()
          + " are not believed without --primary-url (the first at " + record.position() + "): DDL there carries "
          + "the login role only; not reported again", false, true);
    }
    if (!trust.trusts(record.database())) {
      return Classified.forged(record, "comes from a helper in database " + record.database()
          + " that is not verified as ddlcast's (its function and schema owned by a superuser; needs --primary-url)");
    }
    try {
      return new Classified(HELPER, record, null, HelperRecord.parse(record), null, false);
    } catch (IllegalArgumentException e) {
      return new Classified(UNREADABLE_HELPER, record, null, null, e.getMessage() + " at " + record.position(),
          false);
    }
  }

  private static Classified statement(LogRecord record) {
    String message = record.message();
    if (message.startsWith(STATEMENT_PREFIX)) {
      return new Classified(STATEMENT, record, message.substring(STATEMENT_PREFIX.length()), null, null, false);
    }
    int nameEnd = message.indexOf(": ", "execute ".length()); // the name may hold a colon, not followed by a blank
    if (nameEnd < 0) {
      return Classified.of(OTHER, record);
    }
    String sql = message.substring(nameEnd + 2);
    return new Classified(STATEMENT, record, sql, null, null, sql.contains(": "));
  }

  private static String firstFrame(LogRecord record) {
    String context = record.context();
    int end = context.indexOf('\n');
    return context.isEmpty() ? "no context" : end < 0 ? context : context.substring(0, end);
  }
}
