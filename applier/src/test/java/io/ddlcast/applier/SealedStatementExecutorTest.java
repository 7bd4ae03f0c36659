package io.ddlcast.applier;

import static io.ddlcast.applier.TestEvents.TP;
import static io.ddlcast.applier.TestEvents.inDatabase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.error.ErrorClassifier;
import io.ddlcast.common.error.ErrorKind;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.jdbc.PgUrl;
import io.ddlcast.common.seal.SealedStatement;
import io.ddlcast.common.seal.SecretsKey;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A sealed event runs its opened statement; without the key, or altered, it stops its lane, naming why. */
class SealedStatementExecutorTest {
  private static final String MAPPING =
      "CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password 'MapSecret-1')";
  private final SecretsKey key = SecretsKey.generate();
  private final FakeStandby standby = new FakeStandby();

  private StatementExecutor executor(SecretsKey with) {
    return new StatementExecutor(new StandbyConnections(
        PgUrl.parse("jdbc:postgresql://standby:5432/postgres?user=ddlcast"), standby::open), Map.of(), with);
  }

  private DdlEvent sealed() {
    return SealedStatement.seal(inDatabase("app", 3, "CREATE USER MAPPING", MAPPING,
        new ExecutionContext("app", null, "public")), key);
  }

  @Test
  void theOpenedStatementRunsWithItsMarker() throws SQLException {
    assertThat(executor(key).execute(new Work(TP, 3, Lane.database("app"), sealed(), null)))
        .isEqualTo(StatementExecutor.Result.APPLIED);
    assertThat(standby.log("app")).anyMatch(s -> s.sql().equals(MAPPING));
  }

  @Test
  void withoutTheKeyTheLaneStopsPermanentlyAndNothingRuns() {
    assertThatThrownBy(() -> executor(null).execute(new Work(TP, 3, Lane.database("app"), sealed(), null)))
        .isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(ErrorClassifier.classifySql(e)).isEqualTo(ErrorKind.PERMANENT);
          assertThat(e.getMessage()).contains("no --secrets-key").doesNotContain("MapSecret-1");
        });
    assertThat(standby.log("app")).noneMatch(s -> s.sql().contains("USER MAPPING"));
  }

  @Test
  void anAlteredEventIsRefused() {
    DdlEvent altered = sealed().withStatement("DROP USER MAPPING FOR app SERVER remote", null);
    assertThatThrownBy(() -> executor(key).execute(new Work(TP, 3, Lane.database("app"), altered, null)))
        .isInstanceOf(SQLException.class).hasMessageContaining("does not mask to the event's statement");
    assertThat(standby.log("app")).noneMatch(s -> s.sql().contains("USER MAPPING"));
  }

  @Test
  void theStandbysErrorQuotingTheStatementIsMaskedBeforeAnyoneSeesIt() {
    standby.fail(MAPPING, "42710");
    DdlEvent event = sealed();
    assertThatThrownBy(() -> executor(key).execute(new Work(TP, 3, Lane.database("app"), event, null)))
        .isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("42710");
          assertThat(e.getMessage()).doesNotContain("MapSecret-1").contains("password '********'");
          assertThat(StatementExecutor.errorMessage(e, event)).doesNotContain("MapSecret-1");
        });
  }
}
