package io.ddlcast.common.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.sql.SqlLexer.Kind;
import io.ddlcast.common.sql.SqlLexer.Token;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlLexerTest {

  @Test
  void splitsAtTopLevelSemicolonsAndTrimsEachPart() {
    assertThat(SqlLexer.split("  CREATE TABLE a (x int) ;\n DROP TABLE b  "))
        .containsExactly("CREATE TABLE a (x int)", "DROP TABLE b");
  }

  @Test
  void statementsCarryTheTokensOfTheSplittingPassWithPositionsInTheirOwnText() {
    List<SqlText> statements = SqlLexer.statements("  CREATE TABLE a (x int) ;\n DROP TABLE b  ");
    assertThat(statements).extracting(SqlText::text).containsExactly("CREATE TABLE a (x int)", "DROP TABLE b");
    Token b = statements.get(1).token(2);
    assertThat(b.identifier()).isEqualTo("b");
    assertThat(statements.get(1).text().substring(b.start(), b.end())).isEqualTo("b");
    assertThat(statements.get(1).token(3)).isNull();
  }

  @Test
  void readingAStatementAfterSplittingItLexesNoCharacterTwice() {
    StringBuilder roles = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      roles.append(i == 0 ? "" : ", ").append("r").append(i);
    }
    String grant = "GRANT " + roles + " TO app";
    String sql = "CREATE TABLE t (a int); " + grant;
    long before = SqlLexer.charactersLexed();
    List<SqlText> statements = SqlLexer.statements(sql);
    assertThat(SqlLexer.charactersLexed() - before).isEqualTo(sql.length()); // the splitting pass: every character
    SqlCommand create = SqlCommand.of(statements.get(0));
    assertThat(SqlLexer.charactersLexed() - before).isEqualTo(sql.length()); // its command: nothing more
    SqlCommand membership = SqlCommand.of(statements.get(1)); // looks for TO past the kept tokens
    int keptEnd = statements.get(1).tokens(SqlLexer.KEPT_TOKENS).get(SqlLexer.KEPT_TOKENS - 1).end();
    // lazily, from the end of the kept tokens up to TO
    assertThat(SqlLexer.charactersLexed() - before).isEqualTo(sql.length() + grant.indexOf(" TO app") + 3 - keptEnd);
    assertThat(create.tag()).isEqualTo("CREATE TABLE");
    assertThat(membership.global()).isTrue();
    assertThat(statements.get(1).tokens(SqlLexer.KEPT_TOKENS + 5)).hasSize(SqlLexer.KEPT_TOKENS + 5);
  }

  @Test
  void semicolonInsideStringWithDoubledQuoteDoesNotSplit() {
    assertThat(SqlLexer.split("COMMENT ON TABLE t IS 'it''s; fine'; DROP TABLE u"))
        .containsExactly("COMMENT ON TABLE t IS 'it''s; fine'", "DROP TABLE u");
  }

  @Test
  void backslashQuoteInsideEscapeStringDoesNotEndIt() {
    assertThat(SqlLexer.split("COMMENT ON TABLE t IS E'a\\'; b'; DROP TABLE u"))
        .containsExactly("COMMENT ON TABLE t IS E'a\\'; b'", "DROP TABLE u");
  }

  @Test
  void lowerCaseEscapeStringPrefixIsRecognised() {
    assertThat(SqlLexer.split("COMMENT ON TABLE t IS e'a\\'; b'; DROP TABLE u"))
        .containsExactly("COMMENT ON TABLE t IS e'a\\'; b'", "DROP TABLE u");
  }

  @Test
  void backslashInStandardStringIsNotAnEscape() {
    assertThat(SqlLexer.split("COMMENT ON TABLE t IS 'C:\\'; DROP TABLE u"))
        .containsExactly("COMMENT ON TABLE t IS 'C:\\'", "DROP TABLE u");
  }

  @Test
  void semicolonInsideDollarQuotedBodyDoesNotSplit() {
    String function = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql";
    assertThat(SqlLexer.split(function + "; DROP TABLE u")).containsExactly(function, "DROP TABLE u");
  }

  @Test
  void taggedDollarBodyMayContainPlainDollarQuotesAndSemicolons() {
    String block = "DO $x$ BEGIN EXECUTE $$ CREATE TABLE a(); $$; PERFORM 1; END $x$";
    assertThat(SqlLexer.split(block + "; DROP TABLE u")).containsExactly(block, "DROP TABLE u");
  }

  @Test
  void dollarBodyEndsOnlyAtItsOwnTag() {
    String function = "CREATE FUNCTION f() RETURNS text AS $body$ SELECT '$x$;' $body$ LANGUAGE sql";
    assertThat(SqlLexer.split(function + ";CREATE TABLE t()")).containsExactly(function, "CREATE TABLE t()");
  }

  @Test
  void semicolonInsideQuotedIdentifierDoesNotSplit() {
    assertThat(SqlLexer.split("CREATE TABLE \"a;b\" (); DROP TABLE u"))
        .containsExactly("CREATE TABLE \"a;b\" ()", "DROP TABLE u");
  }

  @Test
  void semicolonInsideLineCommentDoesNotSplit() {
    assertThat(SqlLexer.split("CREATE TABLE a() -- no; split here\n; DROP TABLE u"))
        .containsExactly("CREATE TABLE a() -- no; split here", "DROP TABLE u");
  }

  @Test
  void nestedBlockCommentsEndAtTheOutermostClose() {
    assertThat(SqlLexer.split("CREATE TABLE a() /* outer /* inner; */ still; */; DROP TABLE u"))
        .containsExactly("CREATE TABLE a() /* outer /* inner; */ still; */", "DROP TABLE u");
  }

  @Test
  void beginAtomicBodyIsOneStatementUpToItsEnd() {
    String function = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END";
    assertThat(SqlLexer.split(function + "; CREATE TABLE t()")).containsExactly(function, "CREATE TABLE t()");
  }

  @Test
  void caseEndInsideBeginAtomicDoesNotCloseTheBody() {
    String function = "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql "
        + "BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END; SELECT 2; END";
    assertThat(SqlLexer.split(function + "; CREATE TABLE t()")).containsExactly(function, "CREATE TABLE t()");
  }

  @Test
  void semicolonsInsideTheParenthesesOfARuleWithSeveralActionsDoNotSplit() {
    String rule = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (new.a); "
        + "INSERT INTO log VALUES (-new.a);)";
    assertThat(SqlLexer.split(rule + "; CREATE TABLE u()")).containsExactly(rule, "CREATE TABLE u()");
  }

  @Test
  void splittingResumesOnceEveryParenthesisIsClosed() {
    assertThat(SqlLexer.split("CREATE RULE r AS ON UPDATE TO t DO INSTEAD (UPDATE a SET x = (SELECT 1); NOTIFY c);"
        + "CREATE TABLE u (x int CHECK ((x > 0)));DROP TABLE v"))
        .containsExactly("CREATE RULE r AS ON UPDATE TO t DO INSTEAD (UPDATE a SET x = (SELECT 1); NOTIFY c)",
            "CREATE TABLE u (x int CHECK ((x > 0)))", "DROP TABLE v");
  }

  @Test
  void parenthesesInsideStringsCommentsAndQuotedIdentifiersDoNotCount() {
    assertThat(SqlLexer.split("CREATE TABLE \"a(\" (x text DEFAULT '(' /* ( */); -- (\nCREATE TABLE b()"))
        .containsExactly("CREATE TABLE \"a(\" (x text DEFAULT '(' /* ( */)", "-- (\nCREATE TABLE b()");
  }

  @Test
  void aStrayClosingParenthesisDoesNotHideTheNextSemicolon() {
    assertThat(SqlLexer.split("SELECT 1); CREATE TABLE b(); CREATE TABLE c()"))
        .containsExactly("SELECT 1)", "CREATE TABLE b()", "CREATE TABLE c()");
  }

  @Test
  void caseEndInParenthesesInsideBeginAtomicKeepsTheBodyWhole() {
    String function = "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC "
        + "SELECT (CASE WHEN x > 0 THEN (1) ELSE 0 END); SELECT CASE x WHEN 1 THEN CASE WHEN x > 0 THEN 2 END END; "
        + "END";
    assertThat(SqlLexer.split(function + ";CREATE TABLE t()")).containsExactly(function, "CREATE TABLE t()");
  }

  @Test
  void emptyPartsAndTrailingSemicolonsAreDropped() {
    assertThat(SqlLexer.split(";; CREATE TABLE a() ;; ; CREATE TABLE b();\n;"))
        .containsExactly("CREATE TABLE a()", "CREATE TABLE b()");
  }

  @Test
  void commentOnlyPartAfterLastStatementIsDropped() {
    assertThat(SqlLexer.split("CREATE TABLE a(); -- done")).containsExactly("CREATE TABLE a()");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   \n\t ", "-- only a comment", "/* block */ -- line\n", ";", " ; ; "})
  void inputWithoutTokensGivesNoStatements(String sql) {
    assertThat(SqlLexer.split(sql)).isEmpty();
  }

  @Test
  void positionalParametersAreNotDollarQuotes() {
    assertThat(SqlLexer.split("PREPARE p(int, int) AS SELECT $1 + $2; PREPARE q AS SELECT $1"))
        .containsExactly("PREPARE p(int, int) AS SELECT $1 + $2", "PREPARE q AS SELECT $1");
  }

  @Test
  void positionalParameterIsNotLexedAsAString() {
    assertThat(SqlLexer.tokens("$1", 5)).extracting(Token::kind).doesNotContain(Kind.STRING);
  }

  @Test
  void dollarQuotedBodyIsOneStringToken() {
    List<Token> tokens = SqlLexer.tokens("AS $fn$ a; b $fn$ LANGUAGE", 5);
    assertThat(tokens).extracting(Token::kind).containsExactly(Kind.WORD, Kind.STRING, Kind.WORD);
    assertThat(tokens.get(1).text()).isEqualTo("$fn$ a; b $fn$");
  }

  @Test
  void tokensCarryTheirCharacterRange() {
    Token second = SqlLexer.tokens("CREATE  TABLE", 2).get(1);
    assertThat(second.start()).isEqualTo(8);
    assertThat(second.end()).isEqualTo(13);
  }

  @Test
  void tokensStopsAtTheRequestedMaximum() {
    assertThat(SqlLexer.tokens("a b c d e", 3)).hasSize(3);
  }

  @Test
  void tokensSkipLeadingCommentsAndWhitespace() {
    assertThat(SqlLexer.tokens("/* x */ -- y\n  create table", 1))
        .extracting(Token::keyword).containsExactly("CREATE");
  }

  @Test
  void keywordIsTheUpperCasedWord() {
    assertThat(SqlLexer.tokens("create Table", 2)).extracting(Token::keyword).containsExactly("CREATE", "TABLE");
  }

  @Test
  void keywordOfAQuotedIdentifierIsNull() {
    assertThat(SqlLexer.tokens("\"create\"", 1).get(0).keyword()).isNull();
  }

  @Test
  void isMatchesWordsIgnoringCaseButNotQuotedIdentifiers() {
    assertThat(SqlLexer.tokens("atomic", 1).get(0).is("ATOMIC")).isTrue();
    assertThat(SqlLexer.tokens("\"ATOMIC\"", 1).get(0).is("ATOMIC")).isFalse();
  }

  @Test
  void unquotedIdentifierIsFoldedToLowerCase() {
    assertThat(SqlLexer.tokens("MyTable", 1).get(0).identifier()).isEqualTo("mytable");
  }

  @Test
  void unquotedIdentifierFoldsOnlyAsciiLetters() {
    assertThat(SqlLexer.tokens("ÄrgerÖL", 1).get(0).identifier()).isEqualTo("ÄrgerÖl");
  }

  @Test
  void unquotedIdentifierMayContainDigitsUnderscoresAndDollars() {
    assertThat(SqlLexer.tokens("T_1$x", 1).get(0).identifier()).isEqualTo("t_1$x");
  }

  @Test
  void quotedIdentifierIsTakenLiterallyWithDoubledQuotesUndone() {
    Token token = SqlLexer.tokens("\"My \"\"Big\"\" Table\"", 1).get(0);
    assertThat(token.kind()).isEqualTo(Kind.QUOTED);
    assertThat(token.identifier()).isEqualTo("My \"Big\" Table");
  }

  @Test
  void stringTokenKeepsItsQuotes() {
    Token token = SqlLexer.tokens("'it''s'", 1).get(0);
    assertThat(token.kind()).isEqualTo(Kind.STRING);
    assertThat(token.text()).isEqualTo("'it''s'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"U&'d\\0061t\\+000061'", "u&'it''s'", "U&'d!0061ta' UESCAPE '!'",
      "U&'d!0061ta' /* c */ uescape -- d\n '!'"})
  void unicodeStringIsOneStringTokenWithItsUescapeClause(String literal) {
    List<Token> tokens = SqlLexer.tokens("PASSWORD " + literal + " LOGIN", 5);
    assertThat(tokens).extracting(Token::kind).containsExactly(Kind.WORD, Kind.STRING, Kind.WORD);
    assertThat(tokens.get(1).text()).isEqualTo(literal);
  }

  @Test
  void unicodeQuotedIdentifierIsOneTokenWithItsEscapesDecoded() {
    Token plain = SqlLexer.tokens("U&\"d\\0061t\\+000061\" x", 2).get(0);
    assertThat(plain.kind()).isEqualTo(Kind.QUOTED);
    assertThat(plain.identifier()).isEqualTo("data");
    Token escaped = SqlLexer.tokens("u&\"P!0061ss!!\"\"w\" UESCAPE '!' x", 2).get(0);
    assertThat(escaped.text()).isEqualTo("u&\"P!0061ss!!\"\"w\" UESCAPE '!'");
    assertThat(escaped.identifier()).isEqualTo("Pass!\"w");
    assertThat(SqlCommand.of("CREATE DATABASE U&\"d\\0061ta\"").databaseName()).isEqualTo("data");
  }

  @Test
  void uAmpersandWithoutAQuoteIsAWordAndASymbol() {
    assertThat(SqlLexer.tokens("U&x", 5)).extracting(Token::kind).containsExactly(Kind.WORD, Kind.SYMBOL, Kind.WORD);
  }

  @Test
  void lineCommentEndsAtACarriageReturn() {
    assertThat(SqlLexer.split("CREATE TABLE a() -- c\r; DROP TABLE u"))
        .containsExactly("CREATE TABLE a() -- c", "DROP TABLE u");
  }

  @Test
  void onlyPostgresWhitespaceSeparatesTokensOtherCharactersAbove127AreIdentifierCharacters() {
    // PostgreSQL reads "\u2003$x$" as an identifier, not as a space and a dollar quote
    assertThat(SqlLexer.split("SELECT 1 \u2003$x$; DROP TABLE u; SELECT 3 \u2003$x$"))
        .containsExactly("SELECT 1 \u2003$x$", "DROP TABLE u", "SELECT 3 \u2003$x$");
    assertThat(SqlLexer.tokens("a\u000Bb", 5)).extracting(Token::text).containsExactly("a", "b");
  }

  @Test
  void statementTokensStayInsideTheTrimmedTextWhateverSurroundsIt() {
    SqlText statement = SqlLexer.statements("; CREATE ROLE abc\u2003 ;").get(0);
    assertThat(statement.text()).isEqualTo("CREATE ROLE abc\u2003");
    Token name = statement.token(2);
    assertThat(statement.text().substring(name.start(), name.end())).isEqualTo("abc\u2003");
  }

  @ParameterizedTest
  @ValueSource(strings = {"$p\u00e4$a;b$p\u00e4$", "$\u0663$a;b$\u0663$", "$\u00e4$a;b$\u00e4$"})
  void dollarTagMayStartWithAnyNonAsciiCharacter(String body) {
    List<Token> tokens = SqlLexer.tokens("AS " + body + " x", 5);
    assertThat(tokens).extracting(Token::kind).containsExactly(Kind.WORD, Kind.STRING, Kind.WORD);
    assertThat(tokens.get(1).text()).isEqualTo(body);
  }

  @ParameterizedTest
  @ValueSource(strings = {"'sec'\n'ret'", "'sec' -- note\n  'ret'", "'sec'\r\n\t'ret'\n'!'", "E'a\\''\n'\\''",
      "U&'a'\n'b' UESCAPE '!'"})
  void stringContinuedOnTheNextLineIsOneToken(String literal) {
    List<Token> tokens = SqlLexer.tokens("PASSWORD " + literal + " LOGIN", 5);
    assertThat(tokens).extracting(Token::kind).containsExactly(Kind.WORD, Kind.STRING, Kind.WORD);
    assertThat(tokens.get(1).text()).isEqualTo(literal);
  }

  @ParameterizedTest
  @ValueSource(strings = {"'a' 'b'", "'a' /* c */\n'b'", "$$a$$\n'b'"})
  void stringsNotSeparatedByANewlineAloneAreTwoTokens(String literals) {
    assertThat(SqlLexer.tokens(literals, 5)).extracting(Token::kind).containsExactly(Kind.STRING, Kind.STRING);
  }

  @Test
  void continuationOfAnEscapeStringTakesBackslashEscapes() {
    // PostgreSQL: E'a' continued by '\'' is the string a', then two more statements
    assertThat(SqlLexer.split("SELECT E'a'\n'\\''; CREATE ROLE x PASSWORD 'secret'; SELECT ''"))
        .containsExactly("SELECT E'a'\n'\\''", "CREATE ROLE x PASSWORD 'secret'", "SELECT ''");
  }

  @ParameterizedTest
  @ValueSource(strings = {"B'0101'", "b'01''1'", "X'1F'", "x'a;b'", "N'it''s'", "n'x'"})
  void bitAndNationalStringsAreOneStringToken(String literal) {
    assertThat(SqlLexer.tokens(literal + " x", 5)).extracting(Token::kind).containsExactly(Kind.STRING, Kind.WORD);
  }

  @Test
  void withStandardConformingStringsOffABackslashInAPlainStringEscapes() {
    String sql = "COMMENT ON TABLE x IS 'it\\'s; DROP TABLE t'";
    assertThat(SqlLexer.statements(sql, true)).extracting(SqlText::text)
        .containsExactly("COMMENT ON TABLE x IS 'it\\'s", "DROP TABLE t'");
    assertThat(SqlLexer.statements(sql, false)).extracting(SqlText::text).containsExactly(sql);
    assertThat(SqlLexer.statements(sql)).extracting(SqlText::text).containsExactlyElementsOf(SqlLexer.split(sql));
    assertThat(SqlLexer.dependsOnStandardConformingStrings(sql)).isTrue();
  }

  @Test
  void aStatementReadOnItsOwnKeepsTheSettingItWasReadWith() {
    String sql = "ALTER ROLE x PASSWORD 'p\\' CONNECTION LIMIT 1 --'";
    assertThat(SqlText.of(sql, false).tokens(10)).extracting(Token::text)
        .containsExactly("ALTER", "ROLE", "x", "PASSWORD", "'p\\' CONNECTION LIMIT 1 --'");
    assertThat(SqlText.of(sql).tokens(10)).extracting(Token::text)
        .containsExactly("ALTER", "ROLE", "x", "PASSWORD", "'p\\'", "CONNECTION", "LIMIT", "1");
    assertThat(SqlLexer.statements(sql, false).get(0).tokens(10)).hasSize(5);
  }

  @Test
  void withTheSettingOffAStatementReadOnPastItsKeptTokensGoesOnWithIt() {
    String sql = "GRANT " + "r, ".repeat(SqlLexer.KEPT_TOKENS) + "'a\\' b' TO u";
    SqlText statement = SqlLexer.statements(sql, false).get(0);
    List<Token> tokens = statement.tokens(SqlLexer.KEPT_TOKENS * 3);
    assertThat(tokens.get(tokens.size() - 3).text()).isEqualTo("'a\\' b'");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "COMMENT ON TABLE x IS 'it''s; fine'",
      "COMMENT ON TABLE x IS E'it\\'s'",
      "CREATE FUNCTION f() RETURNS text AS $$ SELECT 'a\\b' $$ LANGUAGE sql",
      "CREATE FUNCTION f() RETURNS text AS $q$ SELECT '\\' $q$ LANGUAGE sql",
      "CREATE TABLE \"a\\b\" (c text DEFAULT U&'\\0061')",
      "CREATE TABLE t (b bit(4) DEFAULT B'\\', c text) -- \\'",
      "/* \\' */ CREATE TABLE t (c text DEFAULT e'\\\\')",
      "CREATE TABLE t ()",
  })
  void textWithoutABackslashInAPlainStringDoesNotDependOnTheSetting(String sql) {
    assertThat(SqlLexer.dependsOnStandardConformingStrings(sql)).isFalse();
    assertThat(SqlLexer.statements(sql, false)).extracting(SqlText::text)
        .containsExactlyElementsOf(SqlLexer.split(sql));
  }

  @ParameterizedTest
  @ValueSource(strings = {"SELECT 'a\\b'", "SELECT N'\\'", "SELECT E'x'\n'y', 'z\\'", "SELECT 'a'\n'\\'"})
  void aBackslashInAnyPlainStringMakesTheTextDependOnTheSetting(String sql) {
    assertThat(SqlLexer.dependsOnStandardConformingStrings(sql)).isTrue();
  }

  @Test
  void unterminatedEscapeStringEndingInBackslashDoesNotThrow() {
    assertThat(SqlLexer.split("COMMENT ON TABLE t IS E'abc\\")).containsExactly("COMMENT ON TABLE t IS E'abc\\");
  }
}
