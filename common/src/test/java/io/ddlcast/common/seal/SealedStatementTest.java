package io.ddlcast.common.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.LogPosition;
import io.ddlcast.common.event.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SealedStatementTest {
  private static final String MAPPING =
      "CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password 'TopSecret42')";
  private final SecretsKey key = SecretsKey.generate();

  private static DdlEvent event(String id, String database, String statement) {
    return new DdlEvent(DdlEvent.SCHEMA_VERSION, id, "primary1", database, database, Scope.DATABASE, "postgres",
        null, "CREATE USER MAPPING", statement, Instant.parse("2026-12-01T20:00:00Z"),
        new LogPosition("f.csv", 10, "s", 1));
  }

  @Test
  void aStatementWithASecretShipsMaskedWithItsSealedWhole() throws Exception {
    DdlEvent sealed = SealedStatement.seal(event("s:1", "app", MAPPING), key);
    assertThat(sealed.statement()).isEqualTo(
        "CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password '********')");
    assertThat(sealed.schema()).isEqualTo(DdlEvent.SEALED_SCHEMA_VERSION);
    assertThat(EventCodec.toJson(sealed)).doesNotContain("TopSecret42").contains("\"sealed\":");
    assertThat(SealedStatement.open(EventCodec.decode(EventCodec.encode(sealed)), key)).isEqualTo(MAPPING);
  }

  @Test
  void aStatementWithoutASecretIsLeftAsItIs() throws Exception {
    DdlEvent plain = event("s:1", "app", "CREATE TABLE t (password text DEFAULT '')");
    assertThat(SealedStatement.seal(plain, key)).isSameAs(plain);
    assertThat(SealedStatement.open(plain, null)).isEqualTo(plain.statement());
  }

  @Test
  void aSealedStatementMovedToAnotherEventDoesNotOpen() {
    DdlEvent sealed = SealedStatement.seal(event("s:1", "app", MAPPING), key);
    DdlEvent moved = event("s:2", "app", sealed.statement()).withSealed(sealed.statement(), sealed.sealed());
    assertThatThrownBy(() -> SealedStatement.open(moved, key)).isInstanceOf(SealException.class);
    DdlEvent otherDatabase = event("s:1", "other", sealed.statement()).withSealed(sealed.statement(),
        sealed.sealed());
    assertThatThrownBy(() -> SealedStatement.open(otherDatabase, key)).isInstanceOf(SealException.class);
  }

  @Test
  void theMaskedTextMustBeTheOpenedOneMasked() {
    DdlEvent sealed = SealedStatement.seal(event("s:1", "app", MAPPING), key);
    // what the operator sees and what would run disagree: DROP shown, CREATE sealed
    DdlEvent lying = sealed.withStatement("DROP USER MAPPING FOR app SERVER remote", null);
    assertThatThrownBy(() -> SealedStatement.open(lying, key)).isInstanceOf(SealException.class)
        .hasMessageContaining("does not mask to the event's statement");
  }

  @Test
  void aSealedEventWithoutAKeyOrUnderAnotherKeyIsRefused() {
    DdlEvent sealed = SealedStatement.seal(event("s:1", "app", MAPPING), key);
    assertThatThrownBy(() -> SealedStatement.open(sealed, null)).isInstanceOf(SealException.class)
        .hasMessageContaining("no --secrets-key");
    assertThatThrownBy(() -> SealedStatement.open(sealed, SecretsKey.generate())).isInstanceOf(SealException.class)
        .hasMessageContaining("another secrets key");
  }

  @Test
  void aVersionOneEventCannotCarryASealedStatement() {
    DdlEvent sealed = SealedStatement.seal(event("s:1", "app", MAPPING), key);
    String json = EventCodec.toJson(sealed).replace("\"schema\":2", "\"schema\":1");
    assertThatThrownBy(() -> EventCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("'sealed'");
  }
}
