package io.ddlcast.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ErrorClassifierTest {

  private static ErrorKind sqlState(String state) {
    return ErrorClassifier.classify(new SQLException("server said no", state));
  }

  // --- PostgreSQL, by SQLSTATE ---

  @Test
  void connectionFailure08006IsRetriable() {
    assertThat(sqlState("08006")).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void cannotConnect08001IsRetriable() {
    assertThat(sqlState("08001")).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void tooManyConnections53300IsRetriable() {
    assertThat(sqlState("53300")).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void adminShutdown57P01IsRetriable() {
    assertThat(sqlState("57P01")).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void crashShutdown57P02IsRetriable() {
    assertThat(sqlState("57P02")).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void cannotConnectNow57P03IsRetriable() {
    assertThat(sqlState("57P03")).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void serializationFailure40001IsRetriable() {
    assertThat(sqlState("40001")).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void deadlock40P01IsRetriable() {
    assertThat(sqlState("40P01")).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void lockNotAvailable55P03IsRetriable() {
    assertThat(sqlState("55P03")).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void aWaitCanceledByLockTimeoutIsRetriable() {
    // what PostgreSQL 15 raises when lock_timeout ends the wait (measured on the standby of ManyDatabasesIT)
    assertThat(ErrorClassifier.classify(new SQLException("ERROR: canceling statement due to lock timeout",
        "55P03"))).isEqualTo(ErrorKind.RETRIABLE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ERROR: canceling statement due to statement timeout",
      "ERROR: canceling statement due to user request"})
  void queryCanceled57014IsPermanentEvenAsATransientException(String message) {
    assertThat(ErrorClassifier.classify(new SQLException(message, "57014"))).isEqualTo(ErrorKind.PERMANENT);
    assertThat(ErrorClassifier.classify(new SQLTransientConnectionException(message, "57014")))
        .isEqualTo(ErrorKind.PERMANENT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ERROR: database \"shop\" is being accessed by other users\n  Detail: There is 1 other "
      + "session using the database.", "ERROR: source database \"template1\" is being accessed by other users"})
  void objectInUse55006ByOtherSessionsIsRetriable(String message) {
    assertThat(ErrorClassifier.classify(new SQLException(message, "55006"))).isEqualTo(ErrorKind.RETRIABLE);
  }

  /** What retrying cannot cure: the standby's own session holds it (DROP ROLE of the role it runs as). */
  @ParameterizedTest
  @ValueSource(strings = {"ERROR: current user cannot be dropped", "ERROR: session user cannot be dropped",
      "ERROR: cannot drop the currently open database",
      "ERROR: cannot DROP TABLE \"t\" because it is being used by active queries in this session",
      "ERROR: database \"d\" is used by an active logical replication slot", "server said no"})
  void objectInUse55006ThatRetryingCannotCureIsPermanent(String message) {
    assertThat(ErrorClassifier.classify(new SQLException(message, "55006"))).isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void configurationLimitExceeded53400IsPermanent() {
    assertThat(sqlState("53400")).isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void aTransientExceptionIsRetriableWhateverItsState() {
    SQLException e = new SQLTransientConnectionException("database \"x\" does not exist (yet)", "3D000");
    assertThat(ErrorClassifier.classify(e)).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void databaseDoesNotExistFromAStatementIsPermanent() {
    // e.g. DROP DATABASE x on a standby without x: retrying cannot help
    SQLException e = new SQLException("ERROR: database \"x\" does not exist", "3D000");
    assertThat(ErrorClassifier.classify(e)).isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void duplicateTable42P07IsPermanent() {
    assertThat(sqlState("42P07")).isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void syntaxError42601IsPermanent() {
    assertThat(sqlState("42601")).isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void insufficientPrivilege42501IsPermanent() {
    assertThat(sqlState("42501")).isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void uniqueViolation23505IsPermanent() {
    assertThat(sqlState("23505")).isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void internalErrorXX000IsPermanent() {
    assertThat(sqlState("XX000")).isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void invalidPassword28P01IsPermanent() {
    assertThat(sqlState("28P01")).isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void sqlExceptionWithoutStateCausedByIoErrorIsRetriable() {
    SQLException e = new SQLException("An I/O error occurred", (String) null, new IOException("reset by peer"));
    assertThat(ErrorClassifier.classify(e)).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void sqlExceptionWithoutStateCausedByConnectExceptionIsRetriable() {
    SQLException e = new SQLException("refused", "", new ConnectException("Connection refused"));
    assertThat(ErrorClassifier.classify(e)).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void sqlExceptionWithoutStateOrIoCauseIsPermanent() {
    SQLException e = new SQLException("something else", (String) null, new IllegalStateException("x"));
    assertThat(ErrorClassifier.classify(e)).isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void recoverableSqlExceptionWithoutStateIsRetriable() {
    assertThat(ErrorClassifier.classify(new SQLRecoverableException("gone"))).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void transientSqlExceptionWithoutStateIsRetriable() {
    assertThat(ErrorClassifier.classify(new SQLTransientConnectionException("pool empty")))
        .isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void sqlStateDecidesEvenWithAnIoCause() {
    SQLException e = new SQLException("syntax error", "42601", new IOException("irrelevant"));
    assertThat(ErrorClassifier.classify(e)).isEqualTo(ErrorKind.PERMANENT);
  }

  // --- Kafka ---

  @Test
  void kafkaTimeoutIsRetriable() {
    assertThat(ErrorClassifier.classify(new TimeoutException("metadata not available")))
        .isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void kafkaRetriableExceptionSubclassIsRetriable() {
    assertThat(ErrorClassifier.classify(new NotLeaderOrFollowerException("moved")))
        .isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void producerFencedIsPermanent() {
    assertThat(ErrorClassifier.classify(new ProducerFencedException("fenced"))).isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void authorizationFailureIsPermanent() {
    assertThat(ErrorClassifier.classify(new TopicAuthorizationException("denied")))
        .isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void authenticationFailureIsPermanent() {
    assertThat(ErrorClassifier.classify(new SaslAuthenticationException("bad login")))
        .isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void unsupportedVersionIsPermanent() {
    assertThat(ErrorClassifier.classify(new UnsupportedVersionException("old broker")))
        .isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void plainKafkaExceptionIsPermanent() {
    assertThat(ErrorClassifier.classify(new KafkaException("other"))).isEqualTo(ErrorKind.PERMANENT);
  }

  // --- other ---

  @Test
  void ioExceptionIsRetriable() {
    assertThat(ErrorClassifier.classify(new IOException("disk"))).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void concurrentTimeoutIsRetriable() {
    assertThat(ErrorClassifier.classify(new java.util.concurrent.TimeoutException())) // FQN: Kafka's is imported
        .isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void anythingElseIsPermanent() {
    assertThat(ErrorClassifier.classify(new IllegalStateException("bug"))).isEqualTo(ErrorKind.PERMANENT);
  }

  // --- cause chains ---

  @Test
  void wrappedRetriableSqlExceptionIsRetriable() {
    RuntimeException e = new RuntimeException("apply failed", new SQLException("connection lost", "08006"));
    assertThat(ErrorClassifier.classify(e)).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void wrappedPermanentSqlExceptionIsPermanent() {
    RuntimeException e = new RuntimeException("apply failed", new SQLException("exists", "42P07"));
    assertThat(ErrorClassifier.classify(e)).isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void kafkaTimeoutInsideExecutionExceptionIsRetriable() {
    ExecutionException e = new ExecutionException(new TimeoutException("expired"));
    assertThat(ErrorClassifier.classify(e)).isEqualTo(ErrorKind.RETRIABLE);
  }

  @Test
  void fencingInsideKafkaExceptionIsPermanent() {
    KafkaException e = new KafkaException("send failed", new ProducerFencedException("fenced"));
    assertThat(ErrorClassifier.classify(e)).isEqualTo(ErrorKind.PERMANENT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"08000", "08003", "08P01", "53100", "53200"})
  void wholeConnectionAndResourceClassesAreRetriable(String state) {
    assertThat(sqlState(state)).isEqualTo(ErrorKind.RETRIABLE);
  }
}
