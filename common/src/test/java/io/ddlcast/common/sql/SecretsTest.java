package io.ddlcast.common.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {

  @Test
  void rolePasswordInAStringIsMasked() {
    assertThat(Secrets.mask("CREATE ROLE x LOGIN PASSWORD 'secret'"))
        .isEqualTo("CREATE ROLE x LOGIN PASSWORD '********'");
  }

  @Test
  void encryptedPasswordWithDoubledQuoteIsMaskedWhole() {
    assertThat(Secrets.mask("CREATE ROLE x ENCRYPTED PASSWORD 'it''s' VALID UNTIL 'infinity'"))
        .isEqualTo("CREATE ROLE x ENCRYPTED PASSWORD '********' VALID UNTIL 'infinity'");
  }

  @Test
  void passwordInEscapeStringWithBackslashQuoteIsMaskedWhole() {
    assertThat(Secrets.mask("CREATE ROLE x PASSWORD E'a\\'b' LOGIN"))
        .isEqualTo("CREATE ROLE x PASSWORD '********' LOGIN");
  }

  @Test
  void passwordInEscapeStringEndingInEscapedBackslashKeepsTheRest() {
    assertThat(Secrets.mask("CREATE ROLE x PASSWORD E'a\\\\' LOGIN"))
        .isEqualTo("CREATE ROLE x PASSWORD '********' LOGIN");
  }

  @Test
  void passwordInDollarQuotesIsMasked() {
    assertThat(Secrets.mask("CREATE ROLE x PASSWORD $$dollar$$ LOGIN"))
        .isEqualTo("CREATE ROLE x PASSWORD '********' LOGIN");
  }

  @Test
  void passwordInTaggedDollarQuotesIsMaskedUpToItsOwnTag() {
    assertThat(Secrets.mask("CREATE ROLE x PASSWORD $pw$a$$b$pw$ LOGIN"))
        .isEqualTo("CREATE ROLE x PASSWORD '********' LOGIN");
  }

  @Test
  void alterUserWithPasswordIsMasked() {
    assertThat(Secrets.mask("ALTER USER bob WITH password\n  'secret'"))
        .isEqualTo("ALTER USER bob WITH password\n  '********'");
  }

  @Test
  void everyPasswordOfAMultiStatementStringIsMasked() {
    assertThat(Secrets.mask("CREATE ROLE a PASSWORD 'one'; CREATE ROLE b PASSWORD 'two'"))
        .isEqualTo("CREATE ROLE a PASSWORD '********'; CREATE ROLE b PASSWORD '********'");
  }

  @Test
  void userMappingPasswordOptionIsMaskedAndUserKept() {
    assertThat(Secrets.mask("CREATE USER MAPPING FOR bob SERVER s OPTIONS (user 'u', password 'secret')"))
        .isEqualTo("CREATE USER MAPPING FOR bob SERVER s OPTIONS (user 'u', password '********')");
  }

  @Test
  void alterUserMappingSetPasswordIsMasked() {
    assertThat(Secrets.mask("ALTER USER MAPPING FOR bob SERVER s OPTIONS (SET password 'new')"))
        .isEqualTo("ALTER USER MAPPING FOR bob SERVER s OPTIONS (SET password '********')");
  }

  @Test
  void passwordInSubscriptionConnectionStringIsMasked() {
    assertThat(Secrets.mask("CREATE SUBSCRIPTION sub CONNECTION 'host=a password=secret dbname=b' PUBLICATION p"))
        .isEqualTo("CREATE SUBSCRIPTION sub CONNECTION 'host=a password=******** dbname=b' PUBLICATION p");
  }

  @Test
  void quotedPasswordInConnectionStringIsMaskedWhole() {
    assertThat(Secrets.mask("CREATE SUBSCRIPTION sub CONNECTION 'host=a password=''my secret'' dbname=b' "
        + "PUBLICATION p"))
        .isEqualTo("CREATE SUBSCRIPTION sub CONNECTION 'host=a password=******** dbname=b' PUBLICATION p");
  }

  @Test
  void passwordLastInConnectionStringKeepsTheClosingQuote() {
    assertThat(Secrets.mask("ALTER SUBSCRIPTION sub CONNECTION 'host=a password=secret'"))
        .isEqualTo("ALTER SUBSCRIPTION sub CONNECTION 'host=a password=********'");
  }

  @Test
  void passwordNullIsUnchanged() {
    String sql = "ALTER ROLE x PASSWORD NULL";
    assertThat(Secrets.mask(sql)).isEqualTo(sql);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE TABLE users (name text, password text DEFAULT '')",
      "COMMENT ON COLUMN users.password IS 'a hash'",
      "CREATE ROLE x LOGIN",
      "CREATE SUBSCRIPTION sub CONNECTION 'host=a dbname=b' PUBLICATION p",
  })
  void statementWithoutPasswordIsUnchanged(String sql) {
    assertThat(Secrets.mask(sql)).isEqualTo(sql);
  }

  @Test
  void nullStaysNull() {
    assertThat(Secrets.mask(null)).isNull();
  }

  @Test
  void passwordLiteralWithoutSpaceBeforeItIsMasked() {
    assertThat(Secrets.mask("CREATE ROLE x PASSWORD'secret'")).doesNotContain("secret");
  }

  @Test
  void passwordInUriConnectionStringIsMasked() {
    assertThat(Secrets.mask("CREATE SUBSCRIPTION sub CONNECTION 'postgresql://u:secret@a/b' PUBLICATION p"))
        .doesNotContain("secret");
  }

  @Test
  void maskAndShortenCollapsesWhitespace() {
    assertThat(Secrets.maskAndShorten("  CREATE TABLE t (\n\ta int,\r\n  b text\n)  ", 100))
        .isEqualTo("CREATE TABLE t ( a int, b text )");
  }

  @Test
  void maskAndShortenMasks() {
    assertThat(Secrets.maskAndShorten("CREATE ROLE x\n  PASSWORD 'secret'", 100))
        .isEqualTo("CREATE ROLE x PASSWORD '********'");
  }

  @Test
  void maskAndShortenCutsToMaxWithAnEllipsis() {
    String shortened = Secrets.maskAndShorten("CREATE TABLE abcdefghijklmnopqrstuvwxyz ()", 20);
    assertThat(shortened).isEqualTo("CREATE TABLE abcd...").hasSize(20);
  }

  @Test
  void maskAndShortenKeepsTextOfExactlyMaxLength() {
    assertThat(Secrets.maskAndShorten("DROP TABLE t", 12)).isEqualTo("DROP TABLE t");
  }

  @Test
  void maskAndShortenMasksBeforeCuttingSoThatNoPartOfTheSecretShows() {
    assertThat(Secrets.maskAndShorten("CREATE ROLE x PASSWORD 'supersecretvalue'", 34)).doesNotContain("super");
  }
}
