package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.jdbc.PgUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StandbyConnectionsTest {
  @Test
  void literalsMeanTheSameWhateverStandardConformingStringsIs() {
    assertThat(StandbyConnections.literal("plain")).isEqualTo("E'plain'");
    assertThat(StandbyConnections.literal("it's")).isEqualTo("E'it''s'");
    assertThat(StandbyConnections.literal("a\\b")).isEqualTo("E'a\\\\b'");
    assertThat(StandbyConnections.literal("x\\'; DROP TABLE t; --")).isEqualTo("E'x\\\\''; DROP TABLE t; --'");
  }

  private final FakeStandby standby = new FakeStandby();
  private final StandbyConnections connections = new StandbyConnections(
      PgUrl.parse("jdbc:postgresql://standby:5432/postgres?user=ddlcast"), standby::open, 3);

  private int openOnTheStandby() {
    return standby.opened().size() - standby.closed().size();
  }

  private void use(String database) throws SQLException {
    standby.database(database);
    connections.using(database);
    try {
      connections.database(database);
    } finally {
      connections.done(database);
    }
  }

  @Test
  void manyDatabasesNeverHoldMoreThanMaxConnections() throws SQLException {
    for (int k = 0; k < 50; k++) {
      use("db" + k);
      assertThat(openOnTheStandby()).isLessThanOrEqualTo(3);
    }
    assertThat(standby.opened()).hasSize(50);
    assertThat(connections.open()).isEqualTo(3);
  }

  @Test
  void theLeastRecentlyUsedIdleConnectionIsClosedFirst() throws SQLException {
    use("a");
    use("b");
    use("c");
    use("a"); // b is now the eldest
    use("d");
    assertThat(standby.closed()).containsExactly("b");
  }

  @Test
  void aDatabaseWaitsWhileEveryConnectionIsBusyAndGoesOnWhenOneIsDone() throws Exception {
    for (String db : new String[] {"a", "b", "c", "d"}) {
      standby.database(db);
    }
    connections.using("a");
    connections.using("b");
    connections.using("c");
    CompletableFuture<Connection> d = CompletableFuture.supplyAsync(() -> {
      try {
        connections.using("d");
        return connections.database("d");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(300);
    assertThat(d).isNotDone();
    assertThat(openOnTheStandby()).isZero(); // nothing opened yet: places are taken before connections open

    connections.done("b");
    assertThat(d.get(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(standby.opened()).containsExactly("d");
  }

  @Test
  void aSeparateConnectionTakesAPlaceUntilClosed() throws Exception {
    use("a");
    use("b");
    use("c");
    standby.database("x");
    try (Connection separate = connections.separate("x")) {
      assertThat(separate).isNotNull();
      assertThat(openOnTheStandby()).isEqualTo(3); // an idle one was closed to make room
    }
    assertThat(connections.open()).isEqualTo(2);
  }

  @Test
  void idleConnectionsCloseAfterTheTimeout() throws SQLException {
    use("a");
    use("b");
    connections.closeIdleFor(Duration.ZERO);
    assertThat(connections.open()).isZero();
    assertThat(standby.closed()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void sessionsStartWithTheLockAndStatementTimeouts() {
    StandbyLimits limits = new StandbyLimits(4, Duration.ofSeconds(10), Duration.ofMinutes(5));
    assertThat(StandbyConnections.connectProperties(PgUrl.parse("jdbc:postgresql://h/db"), limits)
        .getProperty("options")).endsWith("-c lock_timeout=10000 -c statement_timeout=300000");
  }
}
