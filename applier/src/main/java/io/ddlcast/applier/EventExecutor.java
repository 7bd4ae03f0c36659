package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import java.sql.SQLException;
import org.apache.kafka.common.TopicPartition;

/** What the lanes run their events with: {@link StatementExecutor} on a standby; a fake in unit tests. */
interface EventExecutor extends AutoCloseable {
  /** Applies the event for its lane, unless the standby shows it was applied before. */
  StatementExecutor.Result execute(DdlEvent event, Lane lane, TopicPartition tp, long offset) throws SQLException;

  /** Closes the connections to the standby. */
  @Override
  void close();
}
