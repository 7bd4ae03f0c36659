package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.PsqlRun;
import io.ddlcast.testkit.SchemaSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Statements whose context the log does not carry, each case in its own database and with its own roles, on one
 * pipeline: cluster-wide statements after an unlogged RESET ROLE or RESET SESSION AUTHORIZATION (they must not run
 * as the role of the session's last reported DDL), role passwords of a role renamed or dropped in the same
 * transaction (the verifier as of the statement), and two-phase commit (the prepared DDL goes out at its COMMIT
 * PREPARED, before the later DDL of the session that committed it). Each case is judged by its database's
 * {@code pg_dump --schema-only} and its roles as {@code pg_dumpall --globals-only} shows them, and the whole by
 * {@link SchemaSnapshot}; no cluster-wide statement may stop the standby.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolesAndPreparedIT {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final String ROLES = "SELECT r.rolname || ' ' || r.rolsuper || ' ' || r.rolcanlogin || ' '"
      + " || r.rolcreaterole || ' ' || coalesce(r.rolpassword, '-') || ' ' || coalesce((SELECT string_agg("
      + "g.rolname || ' by ' || gr.rolname, ',' ORDER BY g.rolname) FROM pg_auth_members m JOIN pg_roles g ON "
      + "g.oid = m.roleid JOIN pg_roles gr ON gr.oid = m.grantor WHERE m.member = r.oid), '')"
      + " FROM pg_authid r WHERE r.rolname LIKE '%s%%' ORDER BY 1";

  private Pipeline pipeline;
  private PostgresServer primary;
  private PostgresServer standby;
  private JavaProcess applier;

  @BeforeAll
  void start() {
    pipeline = new Pipeline("RolesAndPreparedIT", "standby1");
    primary = pipeline.primary;
    standby = pipeline.standby("standby1");
    pipeline.installHelper();
    pipeline.startProducer();
    applier = pipeline.startApplier("standby1");
  }

  @AfterAll
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private void script(String database, String sql) {
    assertThat(primary.psql(PsqlRun.script(database, sql)).exitCode()).as(sql).isZero();
  }

  /** The case's database has the primary's schema on the standby, and its roles (with verifiers) are the same. */
  private void converged(String database, String rolePrefix) {
    String roles = String.format(ROLES, rolePrefix);
    Await.until(database + " and roles " + rolePrefix + "* to reach the standby", CONVERGE,
        () -> standby.databases().contains(database)
            && standby.schemaDump(database).equals(primary.schemaDump(database))
            && standby.query("postgres", roles).equals(primary.query("postgres", roles)));
    assertThat(applier.output()).doesNotContain("STOPPED");
  }

  private List<String> roles(PostgresServer server, String rolePrefix) {
    return server.query("postgres", String.format(ROLES, rolePrefix));
  }

  @Test
  @Order(1)
  void aRoleCreatedAfterResetRoleIsNotCreatedAsTheRoleOfTheLastReportedDdl() {
    primary.execute("postgres", "CREATE DATABASE ra");
    script("ra", "CREATE ROLE ra_u; GRANT CREATE ON SCHEMA public TO ra_u; SET ROLE ra_u; CREATE TABLE t (a int);\n"
        + "RESET ROLE;\nCREATE ROLE ra_other;\n");
    converged("ra", "ra_");
    assertThat(roles(standby, "ra_")).hasSize(2);
  }

  @Test
  @Order(2)
  void aRoleDroppedAfterResetSessionAuthorizationIsDroppedAsTheSessionUser() {
    primary.execute("postgres", "CREATE DATABASE rb");
    script("rb", "CREATE ROLE rb_su SUPERUSER;\nSET SESSION AUTHORIZATION rb_su;\nCREATE TABLE x (a int);\n"
        + "DROP TABLE x;\nRESET SESSION AUTHORIZATION;\nDROP ROLE rb_su;\nCREATE ROLE rb_after;\n");
    converged("rb", "rb_");
    assertThat(roles(standby, "rb_")).hasSize(1);
  }

  @Test
  @Order(3)
  void reassignOwnedAfterResetRoleRunsAsTheSessionUser() {
    primary.execute("postgres", "CREATE DATABASE rc");
    script("rc", "CREATE ROLE rc_a; CREATE ROLE rc_b; GRANT CREATE ON SCHEMA public TO rc_a;\nSET ROLE rc_a;\n"
        + "CREATE TABLE r (a int);\nRESET ROLE;\nREASSIGN OWNED BY rc_a TO rc_b;\n");
    converged("rc", "rc_");
    assertThat(standby.query("rc", "SELECT tableowner FROM pg_tables WHERE tablename = 'r'")).containsExactly("rc_b");
  }

  @Test
  @Order(4)
  void aGrantAfterSetRoleIsRecordedAsGrantedByThatRole() {
    primary.execute("postgres", "CREATE DATABASE rd");
    script("rd", "CREATE ROLE rd_admin CREATEROLE; CREATE ROLE rd_group; GRANT rd_group TO rd_admin WITH ADMIN OPTION;"
        + "\nCREATE ROLE rd_member;\nSET ROLE rd_admin;\nGRANT rd_group TO rd_member;\nRESET ROLE;\n");
    converged("rd", "rd_");
    assertThat(roles(standby, "rd_member")).singleElement().asString().endsWith("rd_group by rd_admin");
  }

  @Test
  @Order(5)
  void aRoleRenamedInTheTransactionThatSetItsPasswordKeepsThePassword() {
    primary.execute("postgres", "CREATE DATABASE pa");
    script("pa", "BEGIN;\nCREATE ROLE pa_a LOGIN PASSWORD 'x';\nALTER ROLE pa_a RENAME TO pa_b;\nCOMMIT;\n");
    converged("pa", "pa_");
    assertThat(roles(standby, "pa_")).singleElement().asString().contains("SCRAM-SHA-256$");
  }

  @Test
  @Order(6)
  void aRoleCreatedAndDroppedInOneTransactionNeedsNoPassword() {
    primary.execute("postgres", "CREATE DATABASE pb");
    script("pb", "BEGIN;\nCREATE ROLE pb_p ENCRYPTED PASSWORD 'foo';\nDROP ROLE pb_p;\nCOMMIT;\n"
        + "CREATE ROLE pb_after;\n");
    converged("pb", "pb_");
    assertThat(roles(standby, "pb_")).hasSize(1);
    assertThat(pipeline.rawTopic()).doesNotContain("PASSWORD NULL").doesNotContain("'foo'");
  }

  @Test
  @Order(7)
  void preparedDdlGoesOutAtItsCommitPreparedBeforeTheLaterDdlOfThatSession() {
    primary.execute("postgres", "CREATE DATABASE tp");
    script("tp", "BEGIN;\nCREATE TABLE x (a int);\nPREPARE TRANSACTION 'tp_t';\n");
    script("tp", "COMMIT PREPARED 'tp_t';\nDROP TABLE x;\nCREATE TABLE y (a int);\n");
    script("tp", "BEGIN;\nCREATE TABLE z (a int);\nPREPARE TRANSACTION 'tp_r';\n");
    script("tp", "ROLLBACK PREPARED 'tp_r';\nCREATE TABLE z (b int);\n");
    converged("tp", "tp_");
    assertThat(standby.query("tp", "SELECT relname FROM pg_class WHERE relname IN ('x', 'y', 'z') ORDER BY 1"))
        .containsExactly("y", "z");
  }

  @Test
  @Order(8)
  void everythingConverged() {
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby);
    assertThat(applier.output()).doesNotContain("STOPPED");
    assertThat(standby.serverLogErrors()).as("ERRORs on the standby").isEmpty();
  }
}
