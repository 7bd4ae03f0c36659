package io.ddlcast.producer.capture;

import java.util.Locale;

/**
 * Why a DDL statement seen in the log is not published: the kind every drop carries, for the metric's label
 * ({@code ddlcast_producer_records_dropped_total{reason}}), the log level, {@code scan}'s decision and the
 * checkpoint. The reason's words are for people; code reads the kind.
 */
public enum DropKind {
  /** The transaction rolled back (ROLLBACK, a savepoint rolled back, the session ended or was terminated). */
  ROLLED_BACK("rolled_back", false),
  /** The statement failed on the primary. */
  FAILED("failed", false),
  /** Only the primary could say whether it committed, and it could not be asked: the operator decides. */
  UNDECIDED("undecided", true),
  /** Never replicated by rule: temporary objects, ddlcast's own, instance-local statements. */
  NOT_REPLICATED("not_replicated", false),
  /**
   * Data, not schema: large objects ({@code GRANT/REVOKE/ALTER/COMMENT ...
   * ON LARGE OBJECT}), which a schema-only standby does not hold.
   */
  DATA("not_replicated", false),
  /**
   * It cannot be replicated exactly, and the standbys miss it unless the operator applies it: a permanent object
   * over a temporary one, DDL that {@code EXPLAIN ANALYZE} ran, {@code CREATE TABLE ... AS EXECUTE}.
   */
  REFUSED("refused", true),
  /** DDL whose text PostgreSQL does not log (inside an SQL-language function): the operator must apply it. */
  TEXT_NOT_LOGGED("not_replicated", true),
  /** Larger than an event can carry: the operator must apply it. */
  TOO_LARGE("too_large", true),
  /**
   * Its text may not mean on a standby what it meant on the primary (a backslash in a string, read under a
   * {@code standard_conforming_strings} that is off or unknown): refused, the operator must apply it.
   */
  UNSAFE("unsafe", true),
  /**
   * It names the role it ran as ({@code CURRENT_USER}, {@code SESSION_USER}) where the log does not tell which role
   * that was (an unlogged {@code SET ROLE} may have changed it): refused, the operator must apply it.
   */
  ROLE_UNKNOWN("undecided", true),
  /**
   * It holds a secret literal (a password option of a user mapping or server, a connection string's password) and
   * the producer has no {@code --secrets-key} to seal it with: never published in clear, the operator must apply it.
   */
  UNSEALED("unsealed", true);

  private final String label;
  private final boolean needsOperator;

  DropKind(String label, boolean needsOperator) {
    this.label = label;
    this.needsOperator = needsOperator;
  }

  /** The metric's label value: few and fixed. */
  public String label() {
    return label;
  }

  /** True when a standby misses something unless someone acts: logged as a warning, not as information. */
  public boolean needsOperator() {
    return needsOperator;
  }

  /** The name as the checkpoint stores it. */
  public String stored() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads {@link #stored()}; throws IllegalArgumentException for an unknown kind. */
  public static DropKind ofStored(String stored) {
    return valueOf(stored.toUpperCase(Locale.ROOT));
  }

  /**
   * The kind of a drop read from a checkpoint written before drops carried their kind (ddlcast 0.1.0 up to the
   * stage split), from the reason's words as that version wrote them. Nothing else reads a reason.
   */
  public static DropKind ofLegacyReason(String reason) {
    if (reason.startsWith("rolled back") || reason.startsWith("the session ended with its transaction open")
        || reason.startsWith("the session was terminated")) {
      return ROLLED_BACK;
    }
    if (reason.startsWith("failed")) {
      return FAILED;
    }
    if (reason.startsWith("undecided")) {
      return UNDECIDED;
    }
    return reason.startsWith("DDL (") ? TEXT_NOT_LOGGED : NOT_REPLICATED;
  }
}
