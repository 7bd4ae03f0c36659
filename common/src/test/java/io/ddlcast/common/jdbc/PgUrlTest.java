package io.ddlcast.common.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PgUrlTest {
  private static final String URL = "jdbc:postgresql://127.0.0.1:5433/postgres?user=postgres";

  @Test
  void aRemoteServerIsAuthenticatedOnlyWithVerifyFull() {
    assertThat(PgUrl.parse("jdbc:postgresql://db.example/app?sslmode=verify-full&sslrootcert=/ca.pem")
        .unverifiedServer()).isEmpty();
    assertThat(PgUrl.parse("jdbc:postgresql://db.example/app?ssl=true").unverifiedServer()).isEmpty();
    assertThat(PgUrl.parse("jdbc:postgresql://db.example/app").unverifiedServer()).get(STRING)
        .contains("sslmode=prefer does not authenticate db.example:5432", "verify-full");
    assertThat(PgUrl.parse("jdbc:postgresql://db.example/app?sslmode=require").unverifiedServer()).get(STRING)
        .contains("sslmode=require does not authenticate");
    assertThat(PgUrl.parse("jdbc:postgresql://db.example/app?sslmode=disable").unverifiedServer()).get(STRING)
        .contains("may not encrypt at all");
    assertThat(PgUrl.parse("jdbc:postgresql://db.example/app?sslmode=verify-ca").unverifiedServer()).get(STRING)
        .contains("not that it names db.example:5432");
  }

  @Test
  void aLoopbackServerIsNotReported() {
    assertThat(PgUrl.parse(URL).unverifiedServer()).isEmpty();
    assertThat(PgUrl.parse("jdbc:postgresql://localhost/app?sslmode=disable").unverifiedServer()).isEmpty();
    assertThat(PgUrl.parse("jdbc:postgresql://127.0.0.1:1,db.example:2/app").unverifiedServer()).isPresent();
  }

  @Test
  void databaseIsReadFromTheUrl() {
    assertThat(PgUrl.parse(URL).database()).isEqualTo("postgres");
  }

  @Test
  void hostsAreHostColonPort() {
    assertThat(PgUrl.parse(URL).hosts()).isEqualTo("127.0.0.1:5433");
  }

  @Test
  void userIsReadFromTheQuery() {
    assertThat(PgUrl.parse(URL).user()).isEqualTo("postgres");
  }

  @Test
  void hostWithoutPortGetsTheDefaultPort() {
    assertThat(PgUrl.parse("jdbc:postgresql://db/app").hosts()).isEqualTo("db:5432");
  }

  @Test
  void multiHostUrlListsEveryHostWithItsPort() {
    assertThat(PgUrl.parse("jdbc:postgresql://a:5432,b:5433/app?targetServerType=primary").hosts())
        .isEqualTo("a:5432,b:5433");
  }

  @Test
  void rawIsTheUrlAsGiven() {
    assertThat(PgUrl.parse(URL).raw()).isEqualTo(URL);
  }

  @ParameterizedTest
  @ValueSource(strings = {"münchen", "with space", "a+b", "semi;colon", "per%cent", "Mixed\"Quote", "q?x=1/y"})
  void withDatabaseGivesExactlyThatDatabase(String name) {
    assertThat(PgUrl.parse(URL).withDatabase(name).database()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"münchen", "with space", "a+b", "semi;colon", "per%cent", "Mixed\"Quote", "q?x=1/y"})
  void withDatabaseUrlNamesExactlyThatDatabaseWhenParsedAgain(String name) {
    String raw = PgUrl.parse(URL).withDatabase(name).raw();
    assertThat(PgUrl.parse(raw).database()).isEqualTo(name);
  }

  @Test
  void withDatabaseKeepsHostsAndPorts() {
    assertThat(PgUrl.parse(URL).withDatabase("münchen").hosts()).isEqualTo("127.0.0.1:5433");
  }

  @Test
  void withDatabaseKeepsTheUser() {
    assertThat(PgUrl.parse(URL).withDatabase("münchen").user()).isEqualTo("postgres");
  }

  @Test
  void withDatabaseKeepsEveryHostOfAMultiHostUrl() {
    assertThat(PgUrl.parse("jdbc:postgresql://a:5432,b:5433/app").withDatabase("x").hosts())
        .isEqualTo("a:5432,b:5433");
  }

  @Test
  void withDatabaseLeavesTheOriginalUnchanged() {
    PgUrl original = PgUrl.parse(URL);
    original.withDatabase("other");
    assertThat(original.database()).isEqualTo("postgres");
  }

  @Test
  void toStringShowsUserHostsAndDatabase() {
    assertThat(PgUrl.parse(URL).toString()).isEqualTo("postgresql://postgres@127.0.0.1:5433/postgres");
  }

  @Test
  void toStringNeverShowsAPassword() {
    PgUrl url = PgUrl.parse("jdbc:postgresql://h:5432/db?user=u&password=secret");
    assertThat(url.toString()).doesNotContain("secret");
  }

  @Test
  void toStringOfAnotherDatabaseNeverShowsAPassword() {
    PgUrl url = PgUrl.parse("jdbc:postgresql://h:5432/db?user=u&password=secret").withDatabase("x");
    assertThat(url.toString()).doesNotContain("secret");
  }

  @Test
  void toStringWithoutUserHasNoAtSign() {
    assertThat(PgUrl.parse("jdbc:postgresql://h:5432/db").toString()).isEqualTo("postgresql://h:5432/db");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "http://x", "jdbc:mysql://x/db", "postgresql://h/db"})
  void parseRejectsWhatIsNotAPostgresJdbcUrl(String url) {
    assertThatThrownBy(() -> PgUrl.parse(url)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parseRejectsNull() {
    assertThatThrownBy(() -> PgUrl.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void optionsAreReadFromTheUrlAndKeptForAnotherDatabase() {
    PgUrl url = PgUrl.parse("jdbc:postgresql://h:5432/db?user=u&options=-c%20work_mem%3D8MB");
    assertThat(url.options()).isEqualTo("-c work_mem=8MB");
    assertThat(url.withDatabase("x").options()).isEqualTo("-c work_mem=8MB");
    assertThat(PgUrl.parse("jdbc:postgresql://h:5432/db").options()).isNull();
  }
}
