package io.ddlcast.common.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
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

  @ParameterizedTest
  @ValueSource(strings = {"U&'s\\0065cret'", "u&'s!0065cret' UESCAPE '!'", "U&'sec' /* c */ UESCAPE\n'!'"})
  void unicodePasswordIsMaskedWholeWithItsUescapeClause(String literal) {
    assertThat(Secrets.mask("CREATE ROLE x PASSWORD " + literal + " LOGIN"))
        .isEqualTo("CREATE ROLE x PASSWORD '********' LOGIN");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-- the new one\n", "--\r", "/* a /* nested */ comment */", "/* c */ -- d\n  "})
  void commentsBetweenPasswordAndItsLiteralAreKept(String comment) {
    assertThat(Secrets.mask("ALTER ROLE x PASSWORD " + comment + "'secret' LOGIN"))
        .isEqualTo("ALTER ROLE x PASSWORD " + comment + "'********' LOGIN");
  }

  @ParameterizedTest
  @ValueSource(strings = {"$p\u00e4$secret$p\u00e4$", "$\u0663$secret$\u0663$", "$_1$secret$_1$"})
  void passwordInDollarQuotesWithAnyTagIsMasked(String literal) {
    assertThat(Secrets.mask("CREATE ROLE x PASSWORD " + literal + " LOGIN"))
        .isEqualTo("CREATE ROLE x PASSWORD '********' LOGIN");
  }

  @Test
  void passwordContinuedOnTheNextLineIsMaskedWhole() {
    assertThat(Secrets.mask("CREATE ROLE x PASSWORD 'sec'\n'ret' LOGIN"))
        .isEqualTo("CREATE ROLE x PASSWORD '********' LOGIN");
  }

  @Test
  void passwordAfterAnIdentifierEndingInANonAsciiSpaceIsMasked() {
    // PostgreSQL reads "\u2003$x$" as a role name: no dollar quote hides the password
    assertThat(Secrets.mask("CREATE ROLE r IN ROLE \u2003$x$ PASSWORD 'secret' ADMIN \u2003$x$y"))
        .isEqualTo("CREATE ROLE r IN ROLE \u2003$x$ PASSWORD '********' ADMIN \u2003$x$y");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sslpassword", "passwd", "secret", "token", "api_key", "secret_key", "client_secret",
      "aws_secret_access_key", "PASSWORD", "\"password\"", "\"SslPassword\"", "U&\"p\\0061ssword\"", "Token"})
  void optionsThatAreSecretsByNameAreMasked(String name) {
    assertThat(Secrets.mask("CREATE SERVER s FOREIGN DATA WRAPPER w OPTIONS (host 'h', " + name + " 'x1', port '1')"))
        .isEqualTo("CREATE SERVER s FOREIGN DATA WRAPPER w OPTIONS (host 'h', " + name + " '********', port '1')");
  }

  @ParameterizedTest
  @ValueSource(strings = {"user", "secretary", "tokens", "password_required", "api_keys", "secrets", "mysecret",
      "\"pass word\""})
  void optionsThatAreNotSecretsByNameAreKept(String name) {
    String sql = "ALTER USER MAPPING FOR u SERVER s OPTIONS (ADD " + name + " 'x1')";
    assertThat(Secrets.mask(sql)).isEqualTo(sql);
  }

  @Test
  void passwordsInDollarQuotedBodiesAreMasked() {
    assertThat(Secrets.mask("DO $do$ BEGIN IF true THEN CREATE ROLE a PASSWORD 'one'; "
        + "EXECUTE $x$ ALTER ROLE a PASSWORD -- c\n U&'two' $x$; END IF; END $do$"))
        .isEqualTo("DO $do$ BEGIN IF true THEN CREATE ROLE a PASSWORD '********'; "
            + "EXECUTE $x$ ALTER ROLE a PASSWORD -- c\n '********' $x$; END IF; END $do$");
  }

  @Test
  void aDollarQuotedBodyNestedDeeperThanItIsReadIsMaskedWhole() {
    String deep = "$e$ x $e$";
    for (String tag : new String[] {"d", "c", "b", "a"}) {
      deep = "$" + tag + "$ " + deep + " $" + tag + "$";
    }
    assertThat(Secrets.mask("DO " + deep)).isEqualTo("DO $a$ $b$ $c$ $d$ '********' $d$ $c$ $b$ $a$");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-- was: ALTER ROLE x PASSWORD 'old'\n", "/* don't keep password 'old' */",
      "/* \"password\"  $$old$$ */", "-- PASSWORD E'old\\'s'\n"})
  void passwordsInCommentsAreMasked(String comment) {
    assertThat(Secrets.mask(comment + " CREATE TABLE t ()")).doesNotContain("old").contains(Secrets.MASK);
  }

  @Test
  void aPasswordInACommentIsMaskedNoFurtherThanTheComment() {
    assertThat(Secrets.mask("/* password 'x */ CREATE TABLE t ('a')"))
        .isEqualTo("/* password '********'*/ CREATE TABLE t ('a')");
  }

  @Test
  void passwordThatReadsDifferentlyWithStandardConformingStringsOffIsMaskedEitherWay() {
    // with standard_conforming_strings off the password is "p' CONNECTION LIMIT 1 --", with on it is "p\"
    assertThat(Secrets.mask("ALTER ROLE x PASSWORD 'p\\' CONNECTION LIMIT 1 --'"))
        .isEqualTo("ALTER ROLE x PASSWORD '********'");
    assertThat(Secrets.mask("ALTER ROLE x PASSWORD 'p\\' LOGIN; SELECT 'a'"))
        .isEqualTo("ALTER ROLE x PASSWORD '********'a'");
  }

  @Test
  void aVeryLongPasswordIsMasked() {
    assertThat(Secrets.mask("CREATE ROLE x PASSWORD '" + "a".repeat(100_000) + "' LOGIN"))
        .isEqualTo("CREATE ROLE x PASSWORD '********' LOGIN");
    assertThat(Secrets.mask("CREATE SUBSCRIPTION s CONNECTION E'password=\\'" + "a".repeat(100_000) + "\\''"))
        .isEqualTo("CREATE SUBSCRIPTION s CONNECTION E'password=********'");
  }

  @Test
  void sslPasswordInConnectionStringIsMasked() {
    assertThat(Secrets.mask("CREATE SUBSCRIPTION s CONNECTION 'host=a sslpassword=k3y' PUBLICATION p"))
        .isEqualTo("CREATE SUBSCRIPTION s CONNECTION 'host=a sslpassword=********' PUBLICATION p");
  }

  @Test
  void connectionStringPasswordsQuotedForEachKindOfLiteralAreMaskedWhole() {
    assertThat(Secrets.mask("ALTER SUBSCRIPTION s CONNECTION E'host=a password=\\'my secret\\' dbname=b'"))
        .isEqualTo("ALTER SUBSCRIPTION s CONNECTION E'host=a password=******** dbname=b'");
    assertThat(Secrets.mask("ALTER SUBSCRIPTION s CONNECTION $$host=a password='my secret' dbname=b$$"))
        .isEqualTo("ALTER SUBSCRIPTION s CONNECTION $$host=a password=******** dbname=b$$");
    assertThat(Secrets.mask("ALTER SUBSCRIPTION s CONNECTION 'host=a password = x dbname=b'"))
        .isEqualTo("ALTER SUBSCRIPTION s CONNECTION 'host=a password = ******** dbname=b'");
    assertThat(Secrets.mask("ALTER SUBSCRIPTION s CONNECTION 'postgres://u:secret@a/b', 'POSTGRESQL://:x@h'"))
        .isEqualTo("ALTER SUBSCRIPTION s CONNECTION 'postgres://u:********@a/b', 'POSTGRESQL://:********@h'");
  }

  @Test
  void maskTakesLinearTimeOnBlanksAfterPassword() {
    String blanks = " ".repeat(10_000);
    assertFast(() -> "CREATE ROLE x PASSWORD" + blanks + "'s'", "CREATE ROLE x PASSWORD" + blanks + Secrets.MASK);
    assertFast(() -> "CREATE ROLE x PASSWORD" + " ".repeat(10_000), null);
    assertFast(() -> "CREATE ROLE x PASSWORD /**/" + " ".repeat(10_000) + "/**/", null);
  }

  @Test
  void maskTakesLinearTimeOnAMegabyteOfPasswordWords() {
    assertFast(() -> "CREATE ROLE x " + "password ".repeat(120_000), null);
    assertFast(() -> ("password" + " ".repeat(16)).repeat(45_000), null);
  }

  @Test
  void maskTakesLinearTimeOnLongTextsMadeToBeSlow() {
    assertFast(() -> "CREATE ROLE x " + "password 'x' ".repeat(20_000), null);
    assertFast(() -> "-- " + "password 'x ".repeat(20_000), null);
    assertFast(() -> "DO $$ " + "password $a$ ".repeat(20_000), null);
    assertFast(() -> "postgresql://:".repeat(20_000), null);
    assertFast(() -> "password=''".repeat(25_000), null);
    assertFast(() -> "password='" + "''".repeat(125_000), null);
    assertFast(() -> "password=\\'" + "a".repeat(250_000), null);
    assertFast(() -> "CONNECTION 'host=a password=x dbname=b' ".repeat(6_000), null);
  }

  /**
   * Masks the text in under 400 ms, measured with System.nanoTime after a warm-up call: the best of up to twenty
   * runs, so that a busy machine or a method still being compiled does not count; then compares when expected is
   * given. A text that takes more than a few seconds times out. Linear masking takes 1-10 ms here and quadratic
   * masking of these texts seconds to minutes: the bound is far from both (50 ms failed once at load 20).
   */
  private static void assertFast(Supplier<String> text, String expected) {
    String sql = text.get();
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      String masked = Secrets.mask(sql); // warm-up
      List<Double> runs = new ArrayList<>();
      while (runs.size() < 20 && (runs.isEmpty() || Collections.min(runs) >= 400.0)) {
        long start = System.nanoTime();
        masked = Secrets.mask(sql);
        runs.add((System.nanoTime() - start) / 1_000_000.0);
      }
      assertThat(Collections.min(runs)).as("ms to mask %d characters (runs: %s)", sql.length(), runs)
          .isLessThan(400.0);
      if (expected != null) {
        assertThat(masked).isEqualTo(expected);
      }
    });
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

  @Test
  void aStatementQuotedInAnErrorsContextIsMaskedToo() {
    // seen in IndependentDatabasesIT: PostgreSQL's error for a statement run by EXECUTE quotes it in its context
    String error = "ERROR: user mapping for \"postgres\" already exists for server \"remote\"\n"
        + "  Where: SQL statement \"CREATE USER MAPPING FOR postgres SERVER remote OPTIONS (user 'app', "
        + "password 'TopSecret42')\"\nPL/pgSQL function ddlcast.run_as_x(text,text) line 12 at EXECUTE";
    assertThat(Secrets.mask(error)).doesNotContain("TopSecret42").contains("password '********'")
        .contains("user mapping for \"postgres\" already exists");
  }
}
