package io.ddlcast.common.sql;

import io.ddlcast.common.sql.SqlLexer.Kind;
import io.ddlcast.common.sql.SqlLexer.Token;
import java.util.List;

/**
 * Reads a {@code U&"..."} identifier as PostgreSQL does: {@code ""} undone, then each escape decoded, the escape
 * character being {@code \} or the one its {@code UESCAPE '!'} names: {@code \XXXX} (4 hex digits) and
 * {@code \+XXXXXX} (6) are the character of that code, {@code \\} a backslash. {@code U&"d\0061t\+000061"} is
 * {@code data}. A malformed escape (PostgreSQL rejects the statement) leaves the identifier undecoded.
 */
final class UnicodeEscapes {
  private UnicodeEscapes() {}

  /** The identifier of a QUOTED token's text that starts with {@code U&"}. */
  static String identifier(String text) {
    StringBuilder body = new StringBuilder();
    int i = 3; // after U&"
    boolean closed = false;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
        body.append('"');
        i += 2;
      } else if (c == '"') {
        closed = true;
        i++;
        break;
      } else {
        body.append(c);
        i++;
      }
    }
    char escape = closed ? escapeCharacter(text.substring(i)) : '\\';
    String decoded = escape == 0 ? null : decode(body, escape);
    return decoded == null ? body.toString() : decoded;
  }

  /** The escape character named by {@code UESCAPE 'c'} in what follows the identifier; {@code \} without it. */
  private static char escapeCharacter(String uescape) {
    List<Token> tokens = SqlLexer.tokens(uescape, 2);
    if (tokens.size() < 2 || !tokens.get(0).is("UESCAPE") || tokens.get(1).kind() != Kind.STRING) {
      return '\\';
    }
    String literal = tokens.get(1).text();
    char c = literal.length() == 3 && literal.charAt(0) == '\'' ? literal.charAt(1) : 0;
    boolean invalid = Character.digit(c, 16) >= 0 || c == '+' || c == '\'' || c == '"' || SqlLexer.isSpace(c);
    return invalid ? 0 : c;
  }

  private static String decode(CharSequence body, char escape) {
    StringBuilder out = new StringBuilder(body.length());
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (c != escape) {
        out.append(c);
        i++;
      } else if (i + 1 < body.length() && body.charAt(i + 1) == escape) {
        out.append(escape);
        i += 2;
      } else {
        boolean wide = i + 1 < body.length() && body.charAt(i + 1) == '+';
        int digits = wide ? 6 : 4;
        int from = i + (wide ? 2 : 1);
        int code = hex(body, from, digits);
        if (code < 0 || code > Character.MAX_CODE_POINT) {
          return null;
        }
        out.appendCodePoint(code);
        i = from + digits;
      }
    }
    return out.toString();
  }

  private static int hex(CharSequence s, int from, int digits) {
    if (from + digits > s.length()) {
      return -1;
    }
    int value = 0;
    for (int k = from; k < from + digits; k++) {
      int d = Character.digit(s.charAt(k), 16);
      if (d < 0 || s.charAt(k) > 127) {
        return -1;
      }
      value = value * 16 + d;
    }
    return value;
  }
}
