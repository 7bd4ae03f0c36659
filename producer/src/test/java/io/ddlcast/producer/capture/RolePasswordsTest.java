package io.ddlcast.producer.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RolePasswordsTest {
  @Test
  void aClearTextPasswordIsReplacedByThePlaceholderThenByTheVerifier() {
    String sql = "CREATE ROLE app LOGIN PASSWORD 'it''s secret' VALID UNTIL 'infinity'";
    assertThat(RolePasswords.roleWithClearPassword(sql)).isEqualTo("app");
    String held = RolePasswords.withPlaceholder(sql);
    assertThat(held).doesNotContain("secret").contains(RolePasswords.PLACEHOLDER).endsWith("VALID UNTIL 'infinity'");
    assertThat(RolePasswords.withVerifier(held, "SCRAM-SHA-256$4096:abc=$def=:ghi="))
        .isEqualTo("CREATE ROLE app LOGIN PASSWORD 'SCRAM-SHA-256$4096:abc=$def=:ghi=' VALID UNTIL 'infinity'");
  }

  @Test
  void withoutAVerifierThePasswordBecomesNull() {
    assertThat(RolePasswords.withVerifier(RolePasswords.withPlaceholder("ALTER USER \"Bob\" WITH PASSWORD 'x'"), null))
        .isEqualTo("ALTER USER \"Bob\" WITH PASSWORD NULL");
  }

  @Test
  void quotedAndSpecialRoleNamesAreRead() {
    assertThat(RolePasswords.roleWithClearPassword("ALTER USER \"Bob\" WITH PASSWORD 'x'")).isEqualTo("Bob");
    assertThat(RolePasswords.roleWithClearPassword("ALTER ROLE CURRENT_USER PASSWORD 'x'")).isEqualTo("current_user");
  }

  @Test
  void statementsWithoutAClearPasswordAreLeftAlone() {
    assertThat(RolePasswords.roleWithClearPassword("CREATE ROLE app PASSWORD 'SCRAM-SHA-256$4096:a$b:c'")).isNull();
    assertThat(RolePasswords.roleWithClearPassword("CREATE ROLE app PASSWORD 'md5" + "0".repeat(32) + "'")).isNull();
    assertThat(RolePasswords.roleWithClearPassword("CREATE ROLE app PASSWORD NULL")).isNull();
    assertThat(RolePasswords.roleWithClearPassword("CREATE USER MAPPING FOR app SERVER s OPTIONS (password 'x')"))
        .isNull();
    assertThat(RolePasswords.roleWithClearPassword("CREATE TABLE password (x int)")).isNull();
  }
}
