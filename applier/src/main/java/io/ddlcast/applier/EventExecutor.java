package io.ddlcast.applier;

import io.ddlcast.common.catalog.CatalogObject;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Supplier;

/** What the lanes run their events with: {@link StatementExecutor} on a standby; a fake in unit tests. */
interface EventExecutor extends AutoCloseable {
  /** Applies the work's event for its lane, unless the standby shows it was applied before. */
  StatementExecutor.Result execute(Work work) throws SQLException;

  /**
   * True if the work may run in a batch ({@link #executeBatch}) now: the standby's marker of its lane is known
   * and shows it not applied and nothing in doubt. False (the default): run it with {@link #execute}.
   */
  default boolean batchable(Work work) {
    return false;
  }

  /**
   * Runs {@code first}, then each work {@code next} gives until it gives null, in one standby transaction with one
   * marker update (for the last), and commits: all were applied, in order, and are returned.
   *
   * @throws RolledBack when a statement (or the commit) failed: nothing of the batch is applied (or, if the
   *     commit's outcome is unknown, the marker says what was), and the lane runs the works taken one by one
   */
  default List<Work> executeBatch(Work first, Supplier<Work> next) throws RolledBack {
    throw new UnsupportedOperationException("this executor does not run batches");
  }

  /**
   * The standby's listing of one database (with the cluster's globals if asked), as the drift alarm compares it
   * with the primary's fingerprint.
   */
  default List<CatalogObject> listing(String database, boolean globals) throws SQLException {
    throw new SQLException("this executor cannot list the standby's schema");
  }

  /** Closes the connections to the standby. */
  @Override
  void close();

  /** A batch that did not commit: the works it had taken, in order (the last is the one that failed), and why. */
  final class RolledBack extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<Work> taken;

    RolledBack(List<Work> taken, Exception cause) {
      super(cause);
      this.taken = List.copyOf(taken);
    }

    List<Work> taken() {
      return taken;
    }

    /** The SQLSTATE of the failure (null for a driver error without one, or an unexpected exception). */
    String sqlState() {
      return getCause() instanceof SQLException e ? e.getSQLState() : null;
    }
  }
}
