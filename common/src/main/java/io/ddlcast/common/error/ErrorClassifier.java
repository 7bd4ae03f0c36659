package io.ddlcast.common.error;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The one place that decides whether an error is worth retrying. Rules, in order:
 *
 * <ul>
 *   <li>PostgreSQL, by SQLSTATE: class 08 (connection), 53 (insufficient resources: disk full, out of memory, too
 *       many connections; not 53400, a configuration limit the same statement exceeds again),
 *       57P01/57P02/57P03 (admin or crash shutdown, cannot connect now), 40001/40P01 (serialization failure,
 *       deadlock), 55P03 (lock not available: a lock another session holds, also when {@code lock_timeout}
 *       canceled the wait; the lock is released in time and the statement then runs), 55006 (object in use) only
 *       where other sessions hold the object ("is being accessed by other users": a database with other sessions,
 *       which end): the rest of 55006 is the
 *       statement's own session or state ("current user cannot be dropped", "cannot drop the currently open
 *       database", a replication slot), which no retry cures, and a message in another language than English
 *       ({@code lc_messages}) is permanent too: the operator is told rather than the lane retried forever;
 *       and any {@link SQLTransientException} (the applier raises one when the database an event needs does not
 *       exist on the standby yet: an earlier event in another lane creates or renames it), but never 57014
 *       (query canceled: by {@code statement_timeout}, which the same statement exceeds again, each attempt redoing
 *       its work, or by an operator's {@code pg_cancel_backend}, who wants it stopped). A driver error without
 *       SQLSTATE caused by an I/O error is a lost connection. Everything else is permanent: the statement does not
 *       fit the standby.
 *   <li>Kafka: {@link RetriableException}s and timeouts are retriable; fencing, authentication, authorization,
 *       invalid configuration or topic, unsupported version are permanent.
 *   <li>I/O errors are retriable; anything else is permanent.
 * </ul>
 */
public final class ErrorClassifier {
  private static final Set<String> RETRIABLE_STATES = Set.of("57P01", "57P02", "57P03", "40001", "40P01", "55P03");
  private static final String OBJECT_IN_USE = "55006";
  private static final String OTHER_SESSIONS = "is being accessed by other users";
  private static final String QUERY_CANCELED = "57014";

  private ErrorClassifier() {}

  public static ErrorKind classify(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return classifySql(sql);
      }
      if (t instanceof ProducerFencedException
          || t instanceof AuthenticationException
          || t instanceof AuthorizationException
          || t instanceof InvalidConfigurationException
          || t instanceof InvalidTopicException
          || t instanceof UnsupportedVersionException) {
        return ErrorKind.PERMANENT;
      }
      if (t instanceof RetriableException
          || t instanceof TimeoutException
          || t instanceof java.util.concurrent.TimeoutException // FQN: Kafka's TimeoutException is imported
          || t instanceof IOException) {
        return ErrorKind.RETRIABLE;
      }
    }
    return ErrorKind.PERMANENT;
  }

  /** SQLSTATE-based rules; see the class comment. */
  public static ErrorKind classifySql(SQLException e) {
    String state = e.getSQLState();
    if (state == null || state.isEmpty()) {
      return hasIoCause(e) || e instanceof SQLRecoverableException || e instanceof SQLTransientException
          ? ErrorKind.RETRIABLE
          : ErrorKind.PERMANENT;
    }
    if (state.startsWith("08") || (state.startsWith("53") && !state.equals("53400"))
        || RETRIABLE_STATES.contains(state)) {
      return ErrorKind.RETRIABLE;
    }
    if (state.equals(QUERY_CANCELED)) {
      return ErrorKind.PERMANENT;
    }
    if (state.equals(OBJECT_IN_USE)) {
      String message = e.getMessage();
      return message != null && message.contains(OTHER_SESSIONS) ? ErrorKind.RETRIABLE : ErrorKind.PERMANENT;
    }
    return e instanceof SQLTransientException ? ErrorKind.RETRIABLE : ErrorKind.PERMANENT;
  }

  private static boolean hasIoCause(Throwable e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }
}
