package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.Scope;
import java.util.Objects;

/**
 * The ordered stream of a standby's events that an event belongs to: its database's (the record key, which the
 * producer sets to the database), or the cluster's for statements on cluster-wide objects. Each lane applies its
 * events in partition order, independently of the other lanes ({@link ApplyLane}); the cluster lane's events are
 * barriers ({@link EventConsumer}).
 *
 * <p>A lane is written down in two spellings, both as the first release wrote them, so that what one release
 * commits or stores the other reads:
 *
 * <pre>
 *                                       database lane   cluster lane            record without key
 * {@link #metadataKey}: commit metadata  company         NUL followed by cluster  (no key)
 * {@link #name}: marker row, results,    company         (cluster)               (no key)
 *   retry --database
 * </pre>
 *
 * @param database the database whose events the lane runs ({@code "(no key)"} for records without key); null for
 *     the cluster lane
 */
record Lane(String database) {
  /** Statements on roles, databases and tablespaces, run from the maintenance database. */
  static final Lane CLUSTER = new Lane(null);

  /** The lane of records without a key (not written by the producer: every event it publishes has one). */
  static final Lane NO_KEY = new Lane("(no key)");

  /** The cluster lane in commit metadata: no database name holds a NUL. */
  private static final String CLUSTER_METADATA_KEY = "\u0000cluster";

  /** The cluster lane where PostgreSQL text (which cannot hold a NUL) or an operator names it. */
  private static final String CLUSTER_NAME = "(cluster)";

  /** The lane rule: a cluster-wide event goes to the cluster lane, any other record to its key's. */
  static Lane of(DdlEvent event, String recordKey) {
    if (event != null && event.scope() == Scope.CLUSTER) {
      return CLUSTER;
    }
    return recordKey == null ? NO_KEY : new Lane(recordKey);
  }

  /** A database's lane. */
  static Lane database(String name) {
    return new Lane(Objects.requireNonNull(name, "database"));
  }

  boolean isCluster() {
    return database == null;
  }

  /** "database X" or "cluster-wide statements (...)", for messages. */
  String describe() {
    return isCluster() ? "cluster-wide statements (roles, databases, tablespaces)" : "database " + database;
  }

  /**
   * The lane as the standby's marker table stores it ({@code ddlcast.applied.lane}), as results on the results topic
   * name it ({@code ApplyResult.database}), and as the operator names it ({@code retry --database}):
   * {@code (cluster)} for the cluster lane, else the database.
   */
  String name() {
    return isCluster() ? CLUSTER_NAME : database;
  }

  /** The lane {@link #name} names. */
  static Lane named(String name) {
    return name.equals(CLUSTER_NAME) ? CLUSTER : database(name);
  }

  /** The lane as a key of the commit metadata ({@link OffsetLedger}): NUL + "cluster" for the cluster lane. */
  String metadataKey() {
    return isCluster() ? CLUSTER_METADATA_KEY : database;
  }

  /** The lane a commit metadata key names. */
  static Lane ofMetadataKey(String key) {
    return key.equals(CLUSTER_METADATA_KEY) ? CLUSTER : database(key);
  }

  @Override
  public String toString() {
    return name();
  }
}
