package io.ddlcast.producer.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.producer.capture.StatementParts.Part;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
  void aNullPasswordTakesThePlaceOfEncryptedWhichOnlyAStringMayFollow() {
    String held = RolePasswords.withPlaceholder("CREATE ROLE p ENCRYPTED /* c */ PASSWORD 'foo' LOGIN");
    assertThat(RolePasswords.withVerifier(held, null)).isEqualTo("CREATE ROLE p PASSWORD NULL LOGIN");
    assertThat(RolePasswords.withVerifier(held, "v")).isEqualTo("CREATE ROLE p ENCRYPTED /* c */ PASSWORD 'v' LOGIN");
  }

  @Test
  void aPasswordThatIsNotNeededLeavesNoClause() {
    assertThat(RolePasswords.withoutPassword(RolePasswords.withPlaceholder(
        "CREATE ROLE p ENCRYPTED PASSWORD 'foo' LOGIN"))).isEqualTo("CREATE ROLE p LOGIN");
    assertThat(RolePasswords.withoutPassword(RolePasswords.withPlaceholder("ALTER ROLE p WITH PASSWORD 'foo'")))
        .isEqualTo("ALTER ROLE p WITH");
  }

  @Test
  void quotedAndSpecialRoleNamesAreRead() {
    assertThat(RolePasswords.roleWithClearPassword("ALTER USER \"Bob\" WITH PASSWORD 'x'")).isEqualTo("Bob");
    assertThat(RolePasswords.roleWithClearPassword("ALTER ROLE CURRENT_USER PASSWORD 'x'")).isEqualTo("current_user");
  }

  /** Each case: what is kept between PASSWORD and the literal, a bar, then the literal. */
  @ParameterizedTest
  @ValueSource(strings = {
      "/* new */ |'hunter2'",
      "-- new\n |'hunter2'",
      "--\r|'hunter2'",
      "/* a /* nested */ comment */|'hunter2'",
      "|U&'hunt\\0065r2'",
      "|u&'hunt!0065r2' /* c */ UESCAPE '!'",
      "|$p\u00e4$hunter2$p\u00e4$",
      "|$\u0663$hunter2$\u0663$",
      "|'hun'\n'ter2'",
      "|E'hun\\'ter2'",
  })
  void theClearPasswordIsNowhereInTheHeldStatementWhateverItsForm(String kept) {
    String between = kept.substring(0, kept.indexOf('|'));
    String literal = kept.substring(kept.indexOf('|') + 1);
    String sql = "CREATE ROLE app LOGIN PASSWORD " + between + literal + " VALID UNTIL 'infinity'";
    assertThat(RolePasswords.roleWithClearPassword(sql)).isEqualTo("app");
    String held = RolePasswords.withPlaceholder(sql);
    assertThat(held).doesNotContain("hun").doesNotContain("ter2")
        .isEqualTo("CREATE ROLE app LOGIN PASSWORD " + between + RolePasswords.PLACEHOLDER + " VALID UNTIL 'infinity'");
  }

  @Test
  void aPasswordAfterARoleNameEndingInANonAsciiSpaceIsHeld() {
    // PostgreSQL reads "\u2003$x$" as a role name (it runs this), not as a space and a dollar quote
    String sql = "CREATE ROLE app IN ROLE \u2003$x$ PASSWORD 'hunter2' ADMIN \u2003$x$y";
    assertThat(RolePasswords.roleWithClearPassword(sql)).isEqualTo("app");
    assertThat(RolePasswords.withPlaceholder(sql))
        .isEqualTo("CREATE ROLE app IN ROLE \u2003$x$ PASSWORD " + RolePasswords.PLACEHOLDER + " ADMIN \u2003$x$y");
  }

  @Test
  void aPasswordLikeTextInACommentBeforeTheStatementIsNotTakenForItsPassword() {
    String sql = "/* was: ALTER ROLE app PASSWORD 'old' */; ALTER ROLE app PASSWORD 'hunter2'";
    assertThat(RolePasswords.withPlaceholder(sql))
        .isEqualTo("/* was: ALTER ROLE app PASSWORD 'old' */; ALTER ROLE app PASSWORD " + RolePasswords.PLACEHOLDER);
  }

  @Test
  void onlyTheLiteralAfterTheKeywordIsReplaced() {
    String sql = "CREATE ROLE password PASSWORD 'password' IN ROLE \"PASSWORD\" VALID UNTIL 'password'";
    assertThat(RolePasswords.roleWithClearPassword(sql)).isEqualTo("password");
    assertThat(RolePasswords.withPlaceholder(sql)).isEqualTo("CREATE ROLE password PASSWORD "
        + RolePasswords.PLACEHOLDER + " IN ROLE \"PASSWORD\" VALID UNTIL 'password'");
  }

  @Test
  void aVeryLongPasswordIsHeld() {
    String sql = "CREATE ROLE app PASSWORD '" + "x".repeat(100_000) + "' LOGIN";
    assertThat(RolePasswords.withPlaceholder(sql)).isEqualTo("CREATE ROLE app PASSWORD " + RolePasswords.PLACEHOLDER
        + " LOGIN");
    String verifier = "CREATE ROLE app PASSWORD 'SCRAM-SHA-256$" + "x".repeat(100_000) + "' LOGIN";
    assertThat(RolePasswords.roleWithClearPassword(verifier)).isNull();
  }

  @Test
  void passwordNullAndVerifiersAreLeftAsWritten() {
    for (String sql : List.of("ALTER ROLE app PASSWORD NULL", "ALTER ROLE app PASSWORD /* c */ NULL",
        "CREATE ROLE app PASSWORD 'SCRAM-SHA-256$4096:a$b:c' LOGIN")) {
      assertThat(RolePasswords.roleWithClearPassword(sql)).isNull();
      assertThat(RolePasswords.withPlaceholder(sql)).isEqualTo(sql);
    }
  }

  @Test
  void aPartOfALoggedStringIsHeldOnItsOwnTokensWithoutLexingAgain() {
    String logged = " /* c */ ; CREATE ROLE app PASSWORD -- c\n 'hunter2';";
    Part part = StatementParts.of(logged).get(0);
    assertThat(RolePasswords.roleWithClearPassword(part.sql(), part.command())).isEqualTo("app");
    long before = SqlLexer.charactersLexed();
    String held = RolePasswords.withPlaceholder(logged, part.sql());
    String heldPart = RolePasswords.withPlaceholder(part.text(), part.sql());
    assertThat(SqlLexer.charactersLexed() - before).isZero();
    assertThat(held).isEqualTo(" /* c */ ; CREATE ROLE app PASSWORD -- c\n " + RolePasswords.PLACEHOLDER + ";");
    assertThat(heldPart).isEqualTo("CREATE ROLE app PASSWORD -- c\n " + RolePasswords.PLACEHOLDER);
  }

  @Test
  void onlyAPlaceholderThatIsARolesPasswordCountsAndBecomesTheVerifier() {
    String p = RolePasswords.PLACEHOLDER;
    String held = "CREATE ROLE app PASSWORD " + p + " VALID UNTIL " + p;
    assertThat(RolePasswords.hasPlaceholder(held)).isTrue();
    assertThat(RolePasswords.withVerifier(held, "v")).isEqualTo("CREATE ROLE app PASSWORD 'v' VALID UNTIL " + p);
    for (String planted : List.of("COMMENT ON TABLE t IS " + p, "CREATE ROLE app VALID UNTIL " + p,
        "CREATE TABLE t (a text DEFAULT " + p + ") -- PASSWORD")) {
      assertThat(RolePasswords.hasPlaceholder(planted)).isFalse();
      assertThat(RolePasswords.withVerifier(planted, "v")).isEqualTo(planted);
    }
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
