package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.kafka.TopicReader;
import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.PsqlResult;
import io.ddlcast.testkit.PsqlRun;
import io.ddlcast.testkit.SchemaSnapshot;
import java.nio.charset.StandardCharsets;
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
 * A statement runs on a standby with exactly the rights of the role that ran it on the primary, and no way back
 * to the applier's superuser: an unprivileged login {@code mallory} (CREATE on a schema she owns, nothing else)
 * replays DDL whose code tries {@code RESET SESSION AUTHORIZATION; ALTER ROLE mallory SUPERUSER} (a function in
 * CREATE TABLE AS and SELECT INTO, a volatile default in a table rewrite, index expressions, a deferred trigger
 * and a cursor WITH HOLD that would run at commit) and a {@code now()} of hers ahead of pg_catalog's on her
 * search_path. On the primary all of it runs as her and does nothing harmful. Afterwards no standby has a role
 * attribute, membership, object or owner the primary lacks, and an audit each standby keeps of its own (an event
 * trigger made directly on the standby) shows that every replayed statement ran with {@code current_user} = the
 * role it had on the primary. An event whose role the helper did not report runs as the event's login user.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String REFUSED = "whose deferred events would run at commit with the applier's rights";

  /** On a standby only: every DDL command's current_user and session_user, as the standby itself sees them. */
  private static final String AUDIT = """
      CREATE SCHEMA IF NOT EXISTS ddlcast;
      GRANT USAGE ON SCHEMA ddlcast TO PUBLIC;
      CREATE TABLE ddlcast.audit (id bigserial PRIMARY KEY, cu name NOT NULL, su name NOT NULL, tag text NOT NULL,
        object text, query text);
      CREATE FUNCTION ddlcast.audit_insert(cu name, su name, tag text, object text) RETURNS void LANGUAGE sql
        SECURITY DEFINER SET search_path = pg_catalog AS $$
        INSERT INTO ddlcast.audit (cu, su, tag, object, query) VALUES ($1, $2, $3, $4, pg_catalog.current_query()) $$;
      CREATE FUNCTION ddlcast.audit_trigger() RETURNS event_trigger LANGUAGE plpgsql SECURITY INVOKER
        SET search_path = pg_catalog AS $$
      DECLARE r record;
      BEGIN
        FOR r IN SELECT * FROM pg_catalog.pg_event_trigger_ddl_commands() LOOP
          PERFORM ddlcast.audit_insert(current_user, session_user, r.command_tag, r.object_identity);
        END LOOP;
      END $$;
      CREATE EVENT TRIGGER ddlcast_audit ON ddl_command_end EXECUTE FUNCTION ddlcast.audit_trigger();
      """;

  /** Her escape attempt: fails on the primary (she is no superuser) and must fail on every standby. */
  private static final String GRAB = """
      CREATE TABLE mallory.attempts (cu name, su name, msg text);
      CREATE FUNCTION mallory.grab() RETURNS int LANGUAGE plpgsql AS $$
      BEGIN
        BEGIN
          RESET SESSION AUTHORIZATION;
          ALTER ROLE mallory SUPERUSER;
          INSERT INTO mallory.attempts VALUES (current_user, session_user, 'ESCAPED');
        EXCEPTION WHEN OTHERS THEN
          INSERT INTO mallory.attempts VALUES (current_user, session_user, SQLERRM);
        END;
        RETURN 1;
      END $$;
      """;

  private Pipeline pipeline;
  private PostgresServer primary;
  private PostgresServer standby1;
  private PostgresServer standby2;

  @BeforeAll
  void start() {
    pipeline = new Pipeline("SecurityIT", "standby1", "standby2");
    primary = pipeline.primary;
    standby1 = pipeline.standby("standby1");
    standby2 = pipeline.standby("standby2");
    assertThat(pipeline.installHelper()).contains("installed");
    pipeline.startProducer();
    pipeline.startApplier("standby1");
    pipeline.startApplier("standby2");
    primary.execute("postgres", "CREATE ROLE mallory LOGIN");
  }

  @AfterAll
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private List<PostgresServer> standbys() {
    return List.of(standby1, standby2);
  }

  /** A database with a schema of hers, on the primary, then on the standbys with their audit. */
  private void databaseWithHerSchema(String database, String schema, String... more) {
    primary.execute("postgres", "CREATE DATABASE " + database);
    primary.execute(database, "CREATE SCHEMA " + schema + " AUTHORIZATION mallory");
    if (more.length > 0) {
      primary.execute(database, more);
    }
    for (PostgresServer standby : standbys()) {
      Await.until("schema " + schema + " in " + database + " on " + standby.name(), CONVERGE, () -> standby.databases()
          .contains(database) && !standby.query(database, "SELECT 1 FROM pg_namespace WHERE nspname = '" + schema
          + "'").isEmpty());
      standby.psql(PsqlRun.script(database, AUDIT));
      assertThat(standby.query(database, "SELECT count(*) FROM pg_event_trigger WHERE evtname = 'ddlcast_audit'"))
          .containsExactly("1");
    }
  }

  private void asMallory(String database, String script) {
    PsqlResult run = primary.psql(PsqlRun.script(database, script).as("mallory"));
    assertThat(run.output()).as("her script on the primary").doesNotContain("ERROR");
  }

  private void converged() {
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby1, standby2);
  }

  /** Role attributes and memberships of mallory, as a standby has them, equal the primary's: she gained nothing. */
  private void sheGainedNothing() {
    String attributes = "SELECT rolsuper || ' ' || rolinherit || ' ' || rolcreaterole || ' ' || rolcreatedb || ' ' "
        + "|| rolcanlogin || ' ' || rolreplication || ' ' || rolbypassrls FROM pg_roles WHERE rolname = 'mallory'";
    String memberships = "SELECT roleid::regrole::text FROM pg_auth_members WHERE member = 'mallory'::regrole";
    assertThat(primary.query("postgres", attributes)).containsExactly("false true false false true false false");
    for (PostgresServer standby : standbys()) {
      assertThat(standby.query("postgres", attributes)).as(standby.name()).isEqualTo(primary.query("postgres",
          attributes));
      assertThat(standby.query("postgres", memberships)).as(standby.name()).isEmpty();
    }
    assertThat(primary.query("postgres", memberships)).isEmpty();
  }

  /**
   * The standby's audit of replayed statements, "cu su tag object", without the applier's bookkeeping (its
   * markers' table, and the functions it makes: their REVOKE names no object).
   */
  private static List<String> audit(PostgresServer standby, String database) {
    return standby.query(database, "SELECT cu || ' ' || su || ' ' || tag || ' ' || coalesce(object, '') "
        + "FROM ddlcast.audit WHERE coalesce(object, '') NOT LIKE 'ddlcast.%' "
        + "AND NOT starts_with(query, 'REVOKE ALL ON FUNCTION ddlcast.run_as_') ORDER BY id");
  }

  @Test
  @Order(1)
  void codeTheStatementsRunCannotTakeTheAppliersRights() {
    databaseWithHerSchema("sec", "mallory");
    asMallory("sec", "SET search_path = mallory, pg_catalog;\n" + GRAB + """
        CREATE TABLE mallory.now_calls (cu name, su name);
        CREATE FUNCTION mallory.now() RETURNS timestamptz LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO mallory.now_calls VALUES (current_user, session_user);
          BEGIN ALTER ROLE mallory SUPERUSER; EXCEPTION WHEN OTHERS THEN NULL; END;
          RETURN pg_catalog.now();
        END $$;
        CREATE FUNCTION mallory.idx(int) RETURNS int LANGUAGE plpgsql IMMUTABLE
          AS $$ BEGIN PERFORM mallory.grab(); RETURN $1; END $$;
        CREATE TABLE mallory.t_ctas AS SELECT mallory.grab() AS x;
        SELECT mallory.grab() AS x INTO mallory.t_into;
        CREATE TABLE mallory.t_rows AS SELECT g AS a FROM pg_catalog.generate_series(1, 3) g;
        ALTER TABLE mallory.t_rows ADD COLUMN b int DEFAULT mallory.grab();
        CREATE INDEX t_rows_idx ON mallory.t_rows (mallory.idx(a));
        CREATE INDEX CONCURRENTLY t_rows_cic ON mallory.t_rows (mallory.idx(a));
        CREATE TABLE mallory.t_plain (a int);
        """);
    converged();

    sheGainedNothing();
    List<DdlEvent> hers = pipeline.topicEvents().stream().filter(e -> e.database().equals("sec")
        && e.statement().contains("mallory.") && !e.statement().startsWith("CREATE SCHEMA")).toList();
    assertThat(hers).hasSize(12).allSatisfy(e -> {
      assertThat(e.user()).isEqualTo("mallory");
      assertThat(e.context()).isNotNull();
      assertThat(e.context().role()).as(e.statement()).isEqualTo("mallory");
      assertThat(e.context().searchPath()).isEqualTo("mallory, pg_catalog");
    });
    for (PostgresServer standby : standbys()) {
      List<String> audit = audit(standby, "sec");
      String applier = " " + standby.superuser() + " "; // session_user inside the definer function: the login
      assertThat(audit).as("audit on " + standby.name()).isNotEmpty().allMatch(row -> row.startsWith("mallory "));
      assertThat(audit).as("audit on " + standby.name()).contains(
          "mallory" + applier + "CREATE TABLE AS mallory.t_ctas",
          "mallory" + applier + "CREATE TABLE AS mallory.t_into", "mallory" + applier + "ALTER TABLE mallory.t_rows",
          "mallory" + applier + "CREATE INDEX mallory.t_rows_idx", "mallory mallory CREATE INDEX mallory.t_rows_cic",
          "mallory" + applier + "CREATE TABLE mallory.t_plain");
      // her code ran on the standby, and was refused every time
      List<String> attempts = standby.query("sec", "SELECT DISTINCT cu || ': ' || msg FROM mallory.attempts");
      assertThat(attempts).as("attempts on " + standby.name()).isNotEmpty().allMatch(a -> a.startsWith("mallory: ")
          && (a.endsWith("within security-definer function") || a.endsWith("within security-restricted operation")));
      assertThat(standby.query("sec", "SELECT count(*) FROM mallory.t_rows")).containsExactly("3");
      assertThat(standby.query("sec", "SELECT count(*) FROM mallory.now_calls")).as("her now() called on "
          + standby.name()).containsExactly("0");
      assertThat(standby.serverLogErrors()).as("ERRORs on " + standby.name()).isEmpty();
    }
  }

  @Test
  @Order(2)
  void whatWouldRunAtCommitWithTheAppliersRightsIsClosedOrRefused() {
    databaseWithHerSchema("sec2", "mallory");
    asMallory("sec2", GRAB + """
        CREATE FUNCTION mallory.hold() RETURNS int LANGUAGE plpgsql
          AS $$ BEGIN EXECUTE 'DECLARE held CURSOR WITH HOLD FOR SELECT mallory.grab()'; RETURN 1; END $$;
        CREATE TABLE mallory.q (a int);
        CREATE FUNCTION mallory.trap() RETURNS trigger LANGUAGE plpgsql
          AS $$ BEGIN PERFORM mallory.grab(); RETURN NULL; END $$;
        CREATE CONSTRAINT TRIGGER q_trap AFTER INSERT ON mallory.q DEFERRABLE INITIALLY DEFERRED
          FOR EACH ROW EXECUTE FUNCTION mallory.trap();
        CREATE FUNCTION mallory.queue() RETURNS int LANGUAGE sql AS $$ INSERT INTO mallory.q VALUES (1) RETURNING a $$;
        CREATE TABLE mallory.t_hold AS SELECT mallory.hold() AS x;
        CREATE TABLE mallory.t_deferred AS SELECT mallory.queue() AS x;
        CREATE TABLE mallory.t_after (a int);
        """);
    assertThat(primary.query("sec2", "SELECT count(*) FROM mallory.attempts")).containsExactly("2"); // as her

    DdlEvent deferred = Await.untilValue("the CREATE TABLE of t_deferred on the topic", CONVERGE, () -> pipeline
        .topicEvents().stream().filter(e -> e.statement().contains("t_deferred")).findFirst().orElse(null));
    for (PostgresServer standby : standbys()) {
      Await.until("standby " + standby.name() + " to refuse " + deferred.id(), CONVERGE,
          () -> pipeline.applierOutput(standby.name()).contains("STOPPED database sec2 on standby " + standby.name()));
      assertThat(pipeline.applierOutput(standby.name())).contains(REFUSED);
      assertThat(standby.query("sec2", "SELECT count(*) FROM pg_class WHERE relname = 't_hold'")).containsExactly("1");
      assertThat(standby.query("sec2", "SELECT count(*) FROM mallory.attempts")).containsExactly("0"); // never ran
    }
    sheGainedNothing();

    for (PostgresServer standby : standbys()) {
      assertThat(pipeline.applierCommand("skip", "--standby", standby.name(), "--event", deferred.id()).exitCode())
          .isZero();
    }
    primary.psql(PsqlRun.command("sec2", "DROP TABLE IF EXISTS mallory.t_deferred").as("mallory"));
    converged();
    sheGainedNothing();
    for (PostgresServer standby : standbys()) {
      assertThat(audit(standby, "sec2")).as("audit on " + standby.name()).isNotEmpty()
          .allMatch(row -> row.startsWith("mallory "));
      assertThat(standby.serverLogErrors()).as("ERRORs on " + standby.name()).isNotEmpty()
          .allMatch(line -> line.contains(REFUSED));
    }
  }

  @Test
  @Order(3)
  void anEventWhoseRoleIsUnknownRunsAsItsLoginUserAndWhatItCreatesIsHers() {
    primary.execute("postgres", "CREATE DATABASE nohelper TEMPLATE template0");
    Await.until("the producer to install its helper in nohelper", CONVERGE, () -> primary.query("nohelper",
        "SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'ddlcast\\_%'").equals(List.of("3")));
    // without its event triggers the helper reports nothing: DDL there ships without role or search_path
    primary.execute("nohelper", "DROP EVENT TRIGGER ddlcast_ddl_command_end", "DROP EVENT TRIGGER ddlcast_sql_drop",
        "DROP EVENT TRIGGER ddlcast_ddl_command_start");
    // her default search_path there names a schema that is not "$user": the standby must find it the same way
    primary.execute("nohelper", "CREATE SCHEMA work AUTHORIZATION mallory");
    primary.execute("postgres", "ALTER ROLE mallory IN DATABASE nohelper SET search_path = work");
    for (PostgresServer standby : standbys()) {
      Await.until("schema work in nohelper on " + standby.name(), CONVERGE, () -> !standby.query("nohelper",
          "SELECT 1 FROM pg_namespace WHERE nspname = 'work'").isEmpty() && !standby.query("postgres",
          "SELECT 1 FROM pg_db_role_setting WHERE setrole = 'mallory'::regrole").isEmpty());
      standby.psql(PsqlRun.script("nohelper", AUDIT));
    }
    asMallory("nohelper", """
        CREATE TABLE t_unknown (a int);
        CREATE VIEW v_unknown AS SELECT a FROM t_unknown;
        """);
    converged();

    List<DdlEvent> hers = pipeline.topicEvents().stream().filter(e -> e.statement().contains("_unknown")).toList();
    assertThat(hers).hasSize(2).allSatisfy(e -> {
      assertThat(e.user()).isEqualTo("mallory");
      assertThat(e.context()).isNull();
    });
    String owners = "SELECT c.relname || ' ' || n.nspname || ' ' || pg_get_userbyid(c.relowner) FROM pg_class c "
        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname LIKE '%\\_unknown' ORDER BY 1";
    assertThat(primary.query("nohelper", owners)).containsExactly("t_unknown work mallory", "v_unknown work mallory");
    for (PostgresServer standby : standbys()) {
      assertThat(standby.query("nohelper", owners)).as(standby.name()).isEqualTo(primary.query("nohelper", owners));
      String applier = " " + standby.superuser() + " ";
      assertThat(audit(standby, "nohelper")).as("audit on " + standby.name()).containsExactly(
          "mallory" + applier + "CREATE TABLE work.t_unknown", "mallory" + applier + "CREATE VIEW work.v_unknown");
    }
    sheGainedNothing();
  }

  /** Everything on every topic the pipeline wrote, as text: what an attack must never put there. */
  private String allTopics() {
    StringBuilder all = new StringBuilder();
    for (String topic : List.of("ddlcast.ddl", "ddlcast.ddl.checkpoints", "ddlcast.ddl.results",
        "ddlcast.ddl.standbys", "ddlcast.ddl.dead-letter", "ddlcast.ddl.control")) {
      TopicReader.readAll(pipeline.kafka.bootstrapServers(), topic).forEach(r -> all.append(r.key()).append(' ')
          .append(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8)).append('\n'));
    }
    return all.toString();
  }

  @Test
  @Order(4)
  void recordsHerCodeWritesIntoTheLogAreNotDdlAndNoNameHidesHers() {
    asMallory("sec", """
        DO $$BEGIN RAISE LOG 'statement: ALTER ROLE mallory SUPERUSER'; END$$;
        DO $$BEGIN RAISE LOG 'statement: CREATE TABLE mallory.forged_statement (a int)'; END$$;
        DO $$BEGIN RAISE LOG 'ddlcast ddl_command_end {"v": 2, "tag": "CREATE TABLE", "user": "postgres", \
        "session_user": "postgres", "search_path": "public", "xid": "abc", "objects": []}'; END$$;
        """);
    // a forged disconnection inside a string that then fails: all of it rolls back on the primary
    primary.psql(PsqlRun.command("sec", "CREATE TABLE mallory.rolled_back (a int); "
        + "DO $$BEGIN RAISE LOG 'disconnection: session time: 0:00:00.01'; END$$; SELECT 1/0").as("mallory"));
    // a client that calls itself ddlcast
    primary.psql(PsqlRun.command("sec", "CREATE TABLE mallory.not_hidden (a int)").as("mallory")
        .withEnv("PGAPPNAME", "ddlcast-producer"));
    // ten thousand blanks after PASSWORD: masking and the placeholder take linear time
    primary.psql(PsqlRun.command("postgres", "ALTER ROLE mallory PASSWORD" + " ".repeat(10_000)
        + "'HerSecret-4711'").as("mallory"));
    // instance-local: a subscription would have every standby subscribe, with the password on the topic
    primary.execute("sec", "CREATE PUBLICATION sec_pub FOR ALL TABLES",
        "CREATE SUBSCRIPTION sec_sub CONNECTION 'host=127.0.0.1 port=1 dbname=sec password=SubSecret-4711' "
            + "PUBLICATION sec_pub WITH (connect = false)",
        "ALTER SUBSCRIPTION sec_sub SET (slot_name = NONE)", "DROP SUBSCRIPTION sec_sub", "DROP PUBLICATION sec_pub");
    asMallory("sec", "CREATE TABLE mallory.after_the_attempts (a int);");
    converged();

    sheGainedNothing();
    List<String> statements = pipeline.topicEvents().stream().map(DdlEvent::statement).toList();
    assertThat(statements).contains("CREATE TABLE mallory.not_hidden (a int)",
        "CREATE TABLE mallory.after_the_attempts (a int);")
        .noneMatch(s -> s.contains("forged_statement") || s.contains("rolled_back") || s.contains("SUBSCRIPTION")
            || s.equals("ALTER ROLE mallory SUPERUSER"));
    assertThat(allTopics()).doesNotContain("HerSecret-4711").doesNotContain("SubSecret-4711");
    for (PostgresServer standby : standbys()) {
      assertThat(standby.query("postgres", "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid "
          + "WHERE rolname = 'mallory'")).as(standby.name()).containsExactly("t");
      assertThat(standby.query("sec", "SELECT count(*) FROM pg_subscription")).containsExactly("0");
    }
    String producer = pipeline.producerLog();
    assertThat(producer).contains("reads as a statement but was raised by code")
        .contains("reads as ddlcast's helper but was raised by other code")
        .contains("reads as a disconnection record but was raised by code")
        .doesNotContain("HerSecret-4711").doesNotContain("SubSecret-4711")
        .doesNotContain("stopped on an unexpected error");
    assertThat(pipeline.producerAlive()).as("the producer never crashed").isTrue();
  }

  @Test
  @Order(5)
  void aStatementThatReadsDifferentlyWithStandardConformingStringsOffIsRefusedNotMisread() {
    asMallory("sec", """
        CREATE TABLE mallory.t_quotes (a int);
        SET standard_conforming_strings = off;
        COMMENT ON TABLE mallory.t_quotes IS 'it\\'s; DROP TABLE mallory.t_quotes; --';
        RESET standard_conforming_strings;
        BEGIN;
        CREATE TABLE mallory.t_rolled_back (a int);
        SET standard_conforming_strings = off;
        CREATE TABLE mallory.t_in_string (a int) \\; SELECT 'a\\'; COMMIT; SELECT ';
        ROLLBACK;
        CREATE TABLE mallory.t_after_quotes (a int);
        """);
    // read with the setting on, the one string sent by "\\;" holds a COMMIT: the server ran none, and rolled back
    assertThat(primary.query("sec", "SELECT count(*) FROM pg_class WHERE relname IN ('t_rolled_back', 't_in_string')"))
        .containsExactly("0");
    assertThat(primary.query("sec", "SELECT obj_description('mallory.t_quotes'::regclass, 'pg_class')"))
        .containsExactly("it's; DROP TABLE mallory.t_quotes; --");
    for (PostgresServer standby : standbys()) {
      Await.until("t_after_quotes on " + standby.name(), CONVERGE,
          () -> !standby.query("sec", "SELECT 1 FROM pg_class WHERE relname = 't_after_quotes'").isEmpty());
      assertThat(standby.query("sec", "SELECT count(*) FROM pg_class WHERE relname = 't_quotes'"))
          .containsExactly("1"); // not dropped by a misread string
      assertThat(standby.query("sec", "SELECT count(*) FROM pg_class WHERE relname = 't_rolled_back'"))
          .containsExactly("0"); // not committed by a misread string
      assertThat(standby.query("sec", "SELECT obj_description('mallory.t_quotes'::regclass, 'pg_class')"))
          .containsExactly((String) null); // refused, for the operator to apply
    }
    assertThat(pipeline.producerLog()).contains("reads differently when standard_conforming_strings is off");
    Pipeline.CommandRun status = pipeline.applierCommand("status", "--json");
    assertThat(status.output()).containsPattern("\"refused\"\\s*:\\s*[1-9]");
    // the operator applies it by hand on the primary's terms: afterwards the schemas are equal again
    asMallory("sec", "COMMENT ON TABLE mallory.t_quotes IS E'it\\'s; DROP TABLE mallory.t_quotes; --';");
    converged();
  }

  @Test
  @Order(6)
  void aHelperThatIsNotDdlcastsIsNeitherBelievedNorTakenOver() {
    primary.execute("postgres", "CREATE DATABASE hers OWNER mallory");
    for (PostgresServer standby : standbys()) { // published: the producer saw to the helper there (template1's)
      Await.until("database hers on " + standby.name(), CONVERGE, () -> standby.databases().contains("hers"));
    }
    assertThat(primary.query("hers", "SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'ddlcast\\_%'"))
        .containsExactly("3");
    primary.execute("hers", "DROP SCHEMA ddlcast CASCADE"); // gone, as after a careless clean-up
    // the owner of the database makes a schema ddlcast of her own, whose function raises what the helper would
    asMallory("hers", """
        CREATE SCHEMA ddlcast;
        CREATE FUNCTION ddlcast.log_ddl() RETURNS void LANGUAGE plpgsql AS $$ BEGIN
          RAISE LOG 'ddlcast ddl_command_end {"v": 2, "tag": "CREATE TABLE", "user": "postgres", \
        "session_user": "postgres", "search_path": "public", "objects": []}';
        END $$;
        SELECT ddlcast.log_ddl();
        CREATE TABLE public.her_table (a int);
        """);
    Pipeline.CommandRun install = pipeline.producerCommand("install", "--primary-url", primary.jdbcUrl("postgres"));
    assertThat(install.exitCode()).isEqualTo(3);
    assertThat(install.output()).contains("hers").contains("refused: its schema ddlcast is owned by mallory");
    Pipeline.CommandRun check = pipeline.producerCommand("check", "--primary-url", primary.jdbcUrl("postgres"));
    assertThat(check.exitCode()).isEqualTo(1);
    assertThat(check.output()).contains("broken: its schema ddlcast is owned by mallory");
    assertThat(primary.query("hers", "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'log_ddl'"))
        .containsExactly("mallory"); // not taken over
    for (PostgresServer standby : standbys()) {
      Await.until("her_table on " + standby.name(), CONVERGE,
          () -> !standby.query("hers", "SELECT 1 FROM pg_class WHERE relname = 'her_table'").isEmpty());
      assertThat(standby.query("hers", "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'her_table'"))
          .containsExactly("mallory"); // its login role: her forged report named postgres
    }
    assertThat(pipeline.producerLog()).contains("helper in database hers that is not verified");
    sheGainedNothing();
    // the fix check names, then the helper is ddlcast's again
    primary.execute("hers", "DROP SCHEMA ddlcast CASCADE");
    assertThat(pipeline.producerCommand("install", "--primary-url", primary.jdbcUrl("postgres")).exitCode()).isZero();
  }

  /**
   * Her code leaves temporary objects in the applier's session: domains named like the types ddlcast's own SQL and
   * pgjdbc's parameter casts use (text, int4, int8) whose CHECK calls her function, made by a function of a CREATE
   * TABLE AS and by an index expression of a CREATE INDEX CONCURRENTLY (a security-restricted operation, which may
   * still make temporary types), and temporary views named like catalogs. PostgreSQL looks types and relations up in
   * the session's temporary schema first unless the search_path names pg_temp: on the previous applier the next
   * statement of its own ({@code ?::text} of its call, {@code '5'::int8} of a marker write) called her function as
   * the superuser (mallory SUPERUSER on both standbys), and her next statement, from another session on the primary,
   * got columns of her temporary types there.
   */
  @Test
  @Order(7)
  void temporaryObjectsHerCodeLeavesInTheAppliersSessionShadowNothing() {
    databaseWithHerSchema("sectemp", "mallory");
    asMallory("sectemp", """
        CREATE TABLE mallory.esc_calls (cu name, su name);
        CREATE FUNCTION mallory.esc(v pg_catalog.text) RETURNS boolean LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO mallory.esc_calls VALUES (current_user, session_user);
          BEGIN ALTER ROLE mallory SUPERUSER; EXCEPTION WHEN OTHERS THEN NULL; END;
          RETURN true;
        END $$;
        CREATE FUNCTION mallory.plant_types() RETURNS int LANGUAGE plpgsql AS $$
        BEGIN
          CREATE DOMAIN pg_temp.text AS pg_catalog.text CHECK (mallory.esc(VALUE));
          CREATE DOMAIN pg_temp.int4 AS pg_catalog.int4 CHECK (mallory.esc(VALUE::pg_catalog.text));
          CREATE DOMAIN pg_temp.int8 AS pg_catalog.int8 CHECK (mallory.esc(VALUE::pg_catalog.text));
          RETURN 1;
        EXCEPTION WHEN duplicate_object THEN
          RETURN 0;
        END $$;
        CREATE FUNCTION mallory.plant() RETURNS int LANGUAGE plpgsql AS $$
        BEGIN
          CREATE OR REPLACE TEMP VIEW pg_roles AS SELECT * FROM pg_catalog.pg_roles
            WHERE mallory.esc(rolname::pg_catalog.text);
          CREATE OR REPLACE TEMP VIEW pg_proc AS SELECT * FROM pg_catalog.pg_proc
            WHERE mallory.esc(proname::pg_catalog.text);
          CREATE OR REPLACE TEMP VIEW pg_type AS SELECT * FROM pg_catalog.pg_type
            WHERE mallory.esc(typname::pg_catalog.text);
          RETURN mallory.plant_types();
        END $$;
        CREATE FUNCTION mallory.idx(int) RETURNS int LANGUAGE plpgsql IMMUTABLE
          AS $$ BEGIN PERFORM mallory.plant_types(); RETURN $1; END $$;
        CREATE TABLE mallory.t_temp AS SELECT mallory.plant() AS x;
        CREATE INDEX CONCURRENTLY t_temp_cic ON mallory.t_temp (mallory.idx(x));
        """);
    // a session of its own on the primary, without her temporary types: plain text, int4 and int8
    asMallory("sectemp", "CREATE TABLE mallory.t_after_temp (a text, b int4, c int8);");
    converged();

    sheGainedNothing();
    for (PostgresServer standby : standbys()) {
      assertThat(standby.query("sectemp", "SELECT count(*) FROM mallory.esc_calls WHERE cu <> 'mallory'"))
          .as("her function called as another role on " + standby.name()).containsExactly("0");
      assertThat(standby.query("sectemp", "SELECT pg_catalog.format_type(atttypid, NULL) FROM pg_attribute "
          + "WHERE attrelid = 'mallory.t_after_temp'::regclass AND attnum > 0 ORDER BY attnum"))
          .as(standby.name()).containsExactly("text", "integer", "bigint");
      assertThat(standby.query("sectemp", "SELECT count(*) FROM pg_proc WHERE pronamespace = 'ddlcast'::regnamespace "
          + "AND proname LIKE 'run\\_as\\_%' AND proargtypes <> '25 25'::oidvector")).as(standby.name())
          .containsExactly("0");
    }
  }
}
