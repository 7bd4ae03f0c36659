package io.ddlcast.applier;

import java.sql.SQLException;

/** What the lanes run their events with: {@link StatementExecutor} on a standby; a fake in unit tests. */
interface EventExecutor extends AutoCloseable {
  /** Applies the work's event for its lane, unless the standby shows it was applied before. */
  StatementExecutor.Result execute(Work work) throws SQLException;

  /** Closes the connections to the standby. */
  @Override
  void close();
}
