package io.ddlcast.applier;

import java.time.Duration;

/**
 * What the applier may take of a standby: connections, and how long its statements may wait for a lock or run.
 *
 * <p>A standby may have thousands of databases and PostgreSQL's {@code max_connections} is 100 by default, shared
 * with the standby's own users: the applier holds at most {@code maxConnections} sessions, and a database whose lane
 * needs one while all are in use waits for one ({@link StandbyConnections}).
 *
 * <p>{@code lockTimeout} (default 10 s): a statement that waits longer for a lock another session holds on the
 * standby (a long report holding {@code ACCESS SHARE}, an operator's {@code LOCK TABLE}) is canceled with 55P03 and
 * retried with backoff, logged with the database and event and counted ({@code ddlcast_applier_lock_waits}), rather
 * than waiting without end; while it waits, PostgreSQL queues every later query on that table behind it, so a short
 * wait that lets the readers through between attempts is kinder to the standby than a long one.
 *
 * <p>{@code statementTimeout} (default 0: none): a {@code CREATE INDEX} on a big table or an {@code ALTER TABLE} that
 * rewrites it legitimately runs for hours, and running it again after a cancel would redo all of it; an operator who
 * wants a limit sets one, and a statement canceled by it (57014) stops its database's lane, naming the option.
 */
record StandbyLimits(int maxConnections, Duration lockTimeout, Duration statementTimeout) {
  static final StandbyLimits DEFAULT = new StandbyLimits(10, Duration.ofSeconds(10), Duration.ZERO);

  /** The fewest connections: the maintenance database's, and one more during a cluster-wide statement. */
  static final int MIN_CONNECTIONS = 2;

  /** The session settings these limits make, as startup options (what {@code RESET ALL} returns to). */
  String sessionOptions() {
    return "-c lock_timeout=" + lockTimeout.toMillis() + " -c statement_timeout=" + statementTimeout.toMillis();
  }
}
