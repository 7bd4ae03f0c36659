package io.ddlcast.producer.primary;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.LogPosition;
import io.ddlcast.common.event.Scope;
import io.ddlcast.producer.capture.RolePasswords;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCompleterTest {
  /** A primary whose catalog holds one role verifier and one database owner, and which counts the lookups. */
  private static final class FakeCatalog implements PrimaryCatalog {
    final List<String> asked = new ArrayList<>();
    boolean superuser = true;

    @Override
    public String roleVerifier(String role) throws SQLException {
      asked.add("role " + role);
      if (!superuser) {
        throw new SQLException("permission denied for table pg_authid", "42501");
      }
      return "SCRAM-SHA-256$4096:salt$key:server";
    }

    @Override
    public String databaseOwner(String database) {
      asked.add("owner " + database);
      return "app_owner";
    }
  }

  private final FakeCatalog primary = new FakeCatalog();
  private final EventCompleter completer = new EventCompleter(primary);

  private static DdlEvent event(String command, String key, String statement, ExecutionContext context) {
    return new DdlEvent(DdlEvent.SCHEMA_VERSION, "s:1", "p", "postgres", key, Scope.CLUSTER, "postgres", context,
        command, statement, null, new LogPosition("f.csv", 0, "s", 1));
  }

  @Test
  void aDatabaseCreatedWithoutAnOwnerClauseGetsItsOwnerFromThePrimaryEvenWhenItsNameSaysOwner() throws Exception {
    DdlEvent created = completer.complete(event("CREATE DATABASE", "ownerdb", "CREATE DATABASE ownerdb", null));
    assertThat(primary.asked).containsExactly("owner ownerdb");
    assertThat(created.context()).isEqualTo(new ExecutionContext("app_owner", null, null));
    assertThat(created.statement()).isEqualTo("CREATE DATABASE ownerdb");
  }

  @Test
  void anOwnerClauseIsLeftAsWritten() throws Exception {
    DdlEvent given = event("CREATE DATABASE", "d", "CREATE DATABASE d WITH OWNER = app TEMPLATE template0", null);
    assertThat(completer.complete(given)).isSameAs(given);
    assertThat(primary.asked).isEmpty();
    assertThat(EventCompleter.hasOwnerClause("CREATE DATABASE \"owner\" TEMPLATE template0")).isFalse();
    assertThat(EventCompleter.hasOwnerClause("CREATE DATABASE d LC_COLLATE 'owner'")).isFalse();
    assertThat(EventCompleter.hasOwnerClause("CREATE DATABASE d owner app")).isTrue();
  }

  @Test
  void aPasswordPlaceholderBecomesTheStoredVerifierOfTheRoleItNames() throws Exception {
    String held = RolePasswords.withPlaceholder("ALTER ROLE CURRENT_USER PASSWORD 'x'");
    DdlEvent completed = completer.complete(event("ALTER ROLE", "postgres", held,
        new ExecutionContext("alice", "postgres", null)));
    assertThat(primary.asked).containsExactly("role alice");
    assertThat(completed.statement())
        .isEqualTo("ALTER ROLE CURRENT_USER PASSWORD 'SCRAM-SHA-256$4096:salt$key:server'");
  }

  @Test
  void withoutTheRightToReadVerifiersOrWithoutAPrimaryThePasswordIsNull() throws Exception {
    String held = RolePasswords.withPlaceholder("CREATE ROLE app LOGIN PASSWORD 'x'");
    primary.superuser = false;
    assertThat(completer.complete(event("CREATE ROLE", "postgres", held, null)).statement())
        .isEqualTo("CREATE ROLE app LOGIN PASSWORD NULL");
    assertThat(new EventCompleter(null).complete(event("CREATE ROLE", "postgres", held, null)).statement())
        .isEqualTo("CREATE ROLE app LOGIN PASSWORD NULL");
  }

  @Test
  void aPlaceholderWrittenIntoAStatementThatSetsNoPasswordIsLeftAsWritten() throws Exception {
    for (String planted : List.of("CREATE TABLE t (a text DEFAULT " + RolePasswords.PLACEHOLDER + ")",
        "CREATE ROLE app VALID UNTIL " + RolePasswords.PLACEHOLDER,
        "; ALTER ROLE app IN DATABASE d SET x.y = " + RolePasswords.PLACEHOLDER)) {
      DdlEvent given = event("CREATE TABLE", "postgres", planted, null);
      assertThat(completer.complete(given)).isSameAs(given);
      assertThat(new EventCompleter(null).complete(given)).isSameAs(given);
    }
    assertThat(primary.asked).isEmpty();
  }

  @Test
  void aHeldStatementAfterAnEmptyOneStillNamesItsRole() throws Exception {
    String held = RolePasswords.withPlaceholder(" ; ALTER ROLE app PASSWORD 'x';");
    assertThat(held).isEqualTo(" ; ALTER ROLE app PASSWORD " + RolePasswords.PLACEHOLDER + ";");
    assertThat(completer.complete(event("ALTER ROLE", "postgres", held, null)).statement())
        .isEqualTo(" ; ALTER ROLE app PASSWORD 'SCRAM-SHA-256$4096:salt$key:server';");
    assertThat(primary.asked).containsExactly("role app");
  }
}
