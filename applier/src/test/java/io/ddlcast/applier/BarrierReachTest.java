package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.applier.BarrierReach.Extent;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BarrierReachTest {
  private static BarrierReach reach(String statement) {
    return BarrierReach.of(TestEvents.clusterWide("postgres", 1, "", statement));
  }

  @ParameterizedTest
  @ValueSource(strings = {"CREATE ROLE x", "CREATE USER x PASSWORD 'SCRAM-SHA-256$4096:...'",
      "CREATE ROLE x IN ROLE app ROLE bob", "CREATE GROUP g", "GRANT app TO bob", "GRANT CONNECT ON DATABASE a TO x",
      "CREATE TABLESPACE ts LOCATION '/srv/ts'", "COMMENT ON ROLE x IS 'y'", "COMMENT ON DATABASE a IS 'z'"})
  void whatOnlyAddsRunsAheadOfEveryStoppedDatabase(String statement) {
    BarrierReach reach = reach(statement);
    assertThat(reach.extent()).isEqualTo(Extent.NONE);
    assertThat(reach.holding(Map.of(Lane.database("a"), 3L, Lane.database("template1"), 4L))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"DROP ROLE x", "DROP ROLE IF EXISTS x", "ALTER ROLE x RENAME TO y",
      "ALTER ROLE x NOSUPERUSER", "ALTER ROLE x SET search_path = s", "REVOKE app FROM bob",
      "REVOKE CREATE ON TABLESPACE ts FROM x",
      "DROP TABLESPACE ts", "ALTER TABLESPACE ts RENAME TO ts2", "DROP USER x", "ALTER GROUP g DROP USER x",
      "SECURITY LABEL ON ROLE x IS 'secret'", "CREATE DATABASE d TEMPLATE E'a\\\\b'", "CREATE DATABASE d OWNER (x)",
      "CREATE DATABASE d TEMPLATE", "ALTER DATABASE"})
  void whatMayTakeAwayWaitsForEveryStoppedDatabase(String statement) {
    BarrierReach reach = reach(statement);
    assertThat(reach.extent()).isEqualTo(Extent.ALL);
    assertThat(reach.holding(Map.of(Lane.database("a"), 3L, Lane.database("b"), 4L)))
        .containsExactlyInAnyOrder(Lane.database("a"), Lane.database("b"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "CREATE DATABASE d                                                        | d,template1",
      "CREATE DATABASE d TEMPLATE a                                             | d,a",
      "CREATE DATABASE \"D\" WITH OWNER = app TEMPLATE = \"A b\" ENCODING 'UTF8' | D,A b",
      "CREATE DATABASE d OWNER template CONNECTION LIMIT = -1 TEMPLATE 'a''b'   | d,a'b",
      "CREATE DATABASE d TEMPLATE DEFAULT IS_TEMPLATE true                      | d,template1",
      "CREATE DATABASE d STRATEGY wal_log TEMPLATE template0                    | d,template0",
      "DROP DATABASE a                                                          | a",
      "DROP DATABASE IF EXISTS a WITH (FORCE)                                   | a",
      "ALTER DATABASE a OWNER TO x                                              | a",
      "ALTER DATABASE a SET search_path = s                                     | a",
      "ALTER DATABASE a RENAME TO b                                             | a,b"})
  void aStatementOnDatabasesWaitsForThoseDatabasesOnly(String statement, String databases) {
    BarrierReach reach = reach(statement);
    assertThat(reach.extent()).isEqualTo(Extent.DATABASES);
    assertThat(reach.databases()).containsExactlyInAnyOrder(databases.split(","));
    String first = databases.split(",")[1 % databases.split(",").length];
    assertThat(reach.holding(Map.of(Lane.database(first), 3L, Lane.database("other"), 4L, Lane.CLUSTER, 5L)))
        .containsExactly(Lane.database(first));
  }
}
