package io.ddlcast.producer.primary;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.LogPosition;
import io.ddlcast.common.event.Scope;
import io.ddlcast.producer.capture.RolePasswords;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventCompleterTest {
  /**
   * A primary whose catalog holds role verifiers (every role but those in {@code missing} has the one verifier),
   * one database owner, grants, and which counts the lookups.
   */
  private static final class FakeCatalog implements PrimaryCatalog {
    final List<String> asked = new ArrayList<>();
    final Set<String> missing = new HashSet<>();
    final Map<String, String> grantors = new HashMap<>();
    final Set<String> reachable = new HashSet<>();
    boolean superuser = true;

    @Override
    public String roleVerifier(String role) throws SQLException {
      asked.add("role " + role);
      if (!superuser) {
        throw new SQLException("permission denied for table pg_authid", "42501");
      }
      return missing.contains(role) ? null : "SCRAM-SHA-256$4096:salt$key:server";
    }

    @Override
    public boolean roleExists(String role) {
      asked.add("exists " + role);
      return !missing.contains(role);
    }

    @Override
    public String databaseOwner(String database) {
      asked.add("owner " + database);
      return "app_owner";
    }

    @Override
    public String tablespaceOwner(String tablespace) {
      asked.add("tablespace owner " + tablespace);
      return "space_owner";
    }

    @Override
    public String grantor(String role, String member) {
      asked.add("grantor " + role + " " + member);
      return grantors.get(role + " " + member);
    }

    @Override
    public boolean canBecome(String login, String role) {
      asked.add("can " + login + " become " + role);
      return reachable.contains(role);
    }
  }

  private final FakeCatalog primary = new FakeCatalog();
  private final EventCompleter completer = new EventCompleter(primary);

  /** One event through the completer, as a batch of its own (null: not published). */
  private static DdlEvent one(EventCompleter completer, DdlEvent event) throws SQLException {
    List<DdlEvent> out = completer.complete(List.of(event));
    return out.isEmpty() ? null : out.get(0);
  }

  private static DdlEvent event(String command, String key, String statement, ExecutionContext context) {
    return new DdlEvent(DdlEvent.SCHEMA_VERSION, "s:1", "p", "postgres", key, Scope.CLUSTER, "postgres", context,
        command, statement, null, new LogPosition("f.csv", 0, "s", 1));
  }

  @Test
  void aDatabaseCreatedWithoutAnOwnerClauseGetsItsOwnerFromThePrimaryEvenWhenItsNameSaysOwner() throws Exception {
    DdlEvent created = one(completer, event("CREATE DATABASE", "ownerdb", "CREATE DATABASE ownerdb", null));
    assertThat(primary.asked).containsExactly("owner ownerdb", "can postgres become app_owner");
    assertThat(created.context()).isNull(); // the login cannot become app_owner: it does not run as it
    primary.reachable.add("app_owner");
    created = one(completer, event("CREATE DATABASE", "ownerdb", "CREATE DATABASE ownerdb", null));
    assertThat(created.context()).isEqualTo(new ExecutionContext("app_owner", null, null));
    assertThat(created.statement()).isEqualTo("CREATE DATABASE ownerdb");
  }

  @Test
  void anOwnerClauseIsLeftAsWritten() throws Exception {
    DdlEvent given = event("CREATE DATABASE", "d", "CREATE DATABASE d WITH OWNER = app TEMPLATE template0", null);
    assertThat(one(completer, given)).isSameAs(given);
    assertThat(primary.asked).isEmpty();
    assertThat(EventCompleter.hasOwnerClause("CREATE DATABASE \"owner\" TEMPLATE template0")).isFalse();
    assertThat(EventCompleter.hasOwnerClause("CREATE DATABASE d LC_COLLATE 'owner'")).isFalse();
    assertThat(EventCompleter.hasOwnerClause("CREATE DATABASE d owner app")).isTrue();
  }

  @Test
  void aPasswordPlaceholderBecomesTheStoredVerifierOfTheRoleItNames() throws Exception {
    String held = RolePasswords.withPlaceholder("ALTER ROLE CURRENT_USER PASSWORD 'x'");
    DdlEvent completed = one(completer, event("ALTER ROLE", "postgres", held,
        new ExecutionContext("alice", "postgres", null)));
    assertThat(primary.asked).containsExactly("role alice");
    assertThat(completed.statement())
        .isEqualTo("ALTER ROLE CURRENT_USER PASSWORD 'SCRAM-SHA-256$4096:salt$key:server'");
  }

  @Test
  void withoutTheRightToReadVerifiersOrWithoutAPrimaryThePasswordIsNull() throws Exception {
    String held = RolePasswords.withPlaceholder("CREATE ROLE app LOGIN PASSWORD 'x'");
    primary.superuser = false;
    assertThat(one(completer, event("CREATE ROLE", "postgres", held, null)).statement())
        .isEqualTo("CREATE ROLE app LOGIN PASSWORD NULL");
    assertThat(one(new EventCompleter(null), event("CREATE ROLE", "postgres", held, null)).statement())
        .isEqualTo("CREATE ROLE app LOGIN PASSWORD NULL");
  }

  @Test
  void aPlaceholderWrittenIntoAStatementThatSetsNoPasswordIsLeftAsWritten() throws Exception {
    for (String planted : List.of("CREATE TABLE t (a text DEFAULT " + RolePasswords.PLACEHOLDER + ")",
        "CREATE ROLE app VALID UNTIL " + RolePasswords.PLACEHOLDER,
        "; ALTER ROLE app IN DATABASE d SET x.y = " + RolePasswords.PLACEHOLDER)) {
      DdlEvent given = event("CREATE TABLE", "postgres", planted, null);
      assertThat(one(completer, given)).isSameAs(given);
      assertThat(one(new EventCompleter(null), given)).isSameAs(given);
    }
    assertThat(primary.asked).isEmpty();
  }

  @Test
  void aHeldStatementAfterAnEmptyOneStillNamesItsRole() throws Exception {
    String held = RolePasswords.withPlaceholder(" ; ALTER ROLE app PASSWORD 'x';");
    assertThat(held).isEqualTo(" ; ALTER ROLE app PASSWORD " + RolePasswords.PLACEHOLDER + ";");
    assertThat(one(completer, event("ALTER ROLE", "postgres", held, null)).statement())
        .isEqualTo(" ; ALTER ROLE app PASSWORD 'SCRAM-SHA-256$4096:salt$key:server';");
    assertThat(primary.asked).containsExactly("role app");
  }

  @Test
  void aRoleRenamedInTheSameBatchIsLookedUpByItsNewName() throws Exception {
    primary.missing.add("a");
    List<DdlEvent> out = completer.complete(List.of(
        event("CREATE ROLE", "postgres", RolePasswords.withPlaceholder("CREATE ROLE a LOGIN PASSWORD 'x'"), null),
        event("ALTER ROLE", "postgres", "ALTER ROLE a RENAME TO \"B\";", null),
        event("ALTER ROLE", "postgres", "ALTER ROLE \"B\" RENAME TO c", null)));
    assertThat(out).extracting(DdlEvent::statement).containsExactly(
        "CREATE ROLE a LOGIN PASSWORD 'SCRAM-SHA-256$4096:salt$key:server'", "ALTER ROLE a RENAME TO \"B\";",
        "ALTER ROLE \"B\" RENAME TO c");
    assertThat(primary.asked).containsExactly("role c");
  }

  @Test
  void aRoleDroppedInTheSameBatchIsCreatedWithoutAPasswordClause() throws Exception {
    primary.missing.add("p");
    List<DdlEvent> out = completer.complete(List.of(
        event("CREATE ROLE", "postgres", RolePasswords.withPlaceholder("CREATE ROLE p ENCRYPTED PASSWORD 'foo' LOGIN"),
            null),
        event("DROP ROLE", "postgres", "DROP ROLE IF EXISTS q, p", null)));
    assertThat(out).extracting(DdlEvent::statement)
        .containsExactly("CREATE ROLE p LOGIN", "DROP ROLE IF EXISTS q, p");
    assertThat(primary.asked).isEmpty();
    assertThat(EventCompleter.drops(event("DROP ROLE", "postgres", "DROP ROLE IF EXISTS \"if\", x", null), "if"))
        .isTrue();
    assertThat(EventCompleter.drops(event("DROP ROLE", "postgres", "DROP ROLE IF EXISTS x", null), "exists"))
        .isFalse();
  }

  @Test
  void aRoleThePrimaryNoLongerHasForNoReasonInTheBatchIsPublishedWithoutItsPasswordSoLaterStatementsFindIt()
      throws Exception {
    primary.missing.add("gone");
    DdlEvent created = event("CREATE ROLE", "postgres", RolePasswords.withPlaceholder(
        "CREATE ROLE gone PASSWORD 'x'"), null);
    DdlEvent other = event("CREATE TABLE", "postgres", "CREATE TABLE t ()", null);
    assertThat(completer.complete(List.of(created, other))).extracting(DdlEvent::statement)
        .containsExactly("CREATE ROLE gone PASSWORD NULL", "CREATE TABLE t ()");
    assertThat(primary.asked).containsExactly("role gone", "exists gone");
  }

  @Test
  void aGrantWhoseRoleIsNotKnownRunsAsTheGrantorThePrimaryRecordedIfTheLoginCouldBecomeIt() throws Exception {
    primary.grantors.put("g m", "admin");
    DdlEvent grant = event("GRANT", "postgres", "GRANT g TO m WITH ADMIN OPTION", null);
    assertThat(one(completer, grant)).isSameAs(grant); // postgres cannot become admin (in this fake)
    primary.reachable.add("admin");
    assertThat(one(completer, grant).context()).isEqualTo(new ExecutionContext("admin", null, null));
    DdlEvent known = event("GRANT", "postgres", "GRANT g TO m", new ExecutionContext("u", "postgres", null));
    assertThat(one(completer, known)).isSameAs(known);
    assertThat(EventCompleter.roleAndMember("GRANT g TO \"M\";")).containsExactly("g", "M");
    for (String other : List.of("GRANT g TO m GRANTED BY x", "GRANT g, h TO m", "GRANT g TO CURRENT_USER")) {
      assertThat(EventCompleter.roleAndMember(other)).as(other).isNull();
    }
  }

  @Test
  void aTablespaceCreatedWithoutAnOwnerRunsAsItsRecordedOwner() throws Exception {
    primary.reachable.add("space_owner");
    DdlEvent created = one(completer, event("CREATE TABLESPACE", "postgres",
        "CREATE TABLESPACE fast LOCATION '/x'", null));
    assertThat(created.context()).isEqualTo(new ExecutionContext("space_owner", null, null));
    assertThat(primary.asked).containsExactly("tablespace owner fast", "can postgres become space_owner");
  }
}
