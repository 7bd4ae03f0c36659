package io.ddlcast.common.catalog;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads an identity as {@code pg_identify_object} writes it, and refuses anything else, before {@link Undo} puts
 * it into a statement: a listing may come from a topic, and an identity such as {@code public.t, public.u} or
 * {@code public.t; DROP ...} must not become SQL. Identifiers are bare ({@code [a-z_][a-z0-9_$]*}, letters
 * beyond ASCII included) or double-quoted with {@code ""} inside; outside quotes only the punctuation of each form
 * is allowed: {@code a.b.c}, {@code n on a.b}, {@code u on server s}, {@code a.f(integer, text[])},
 * {@code a.===(integer,integer)}, {@code (integer AS text)}. No form lets a quote, a semicolon or a comment through.
 */
final class IdentityText {
  private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?";

  private final String text;
  private int at;

  private IdentityText(String text) {
    this.text = text;
  }

  /** {@code a}, {@code a.b} or {@code a.b.c}: the parts, each as written (quotes kept). */
  static List<String> qualified(String identity, int minParts, int maxParts) {
    IdentityText r = new IdentityText(identity);
    List<String> parts = r.names();
    r.end();
    if (parts.size() < minParts || parts.size() > maxParts) {
      throw invalid(identity, "expected " + minParts + " to " + maxParts + " dot-separated names");
    }
    return parts;
  }

  /** {@code name on a.b}: the name and the qualified name after {@code on}. */
  static List<String> on(String identity) {
    IdentityText r = new IdentityText(identity);
    String name = r.name();
    r.expect(" on ");
    String target = String.join(".", r.names());
    r.end();
    return List.of(name, target);
  }

  /** {@code user on server s}: the user and the server. */
  static List<String> userMapping(String identity) {
    IdentityText r = new IdentityText(identity);
    String user = r.name();
    r.expect(" on server ");
    String server = r.name();
    r.end();
    return List.of(user, server);
  }

  /** {@code a.f(type, ...)}: checked, returned as given. */
  static String signature(String identity) {
    IdentityText r = new IdentityText(identity);
    r.names();
    r.arguments();
    r.end();
    return identity;
  }

  /** {@code a.<operator>(left,right)}: the name and the argument list, to be written with a space between. */
  static List<String> operator(String identity) {
    IdentityText r = new IdentityText(identity);
    String schema = r.name();
    r.expect(".");
    int start = r.at;
    while (r.at < identity.length() && OPERATOR_CHARS.indexOf(identity.charAt(r.at)) >= 0) {
      r.at++;
    }
    String op = identity.substring(start, r.at);
    if (op.isEmpty() || op.contains("--") || op.contains("/*")) {
      throw invalid(identity, "not an operator name");
    }
    int args = r.at;
    r.arguments();
    r.end();
    return List.of(schema + "." + op, identity.substring(args));
  }

  /** {@code (source AS target)}: checked, returned as given. */
  static String cast(String identity) {
    IdentityText r = new IdentityText(identity);
    r.arguments();
    r.end();
    return identity;
  }

  private List<String> names() {
    List<String> parts = new ArrayList<>();
    parts.add(name());
    while (at < text.length() && text.charAt(at) == '.' && at + 1 < text.length() && isNameStart(at + 1)) {
      at++;
      parts.add(name());
    }
    return parts;
  }

  private boolean isNameStart(int i) {
    char ch = text.charAt(i);
    return ch == '"' || ch == '_' || Character.isLetter(ch);
  }

  private String name() {
    int start = at;
    if (at < text.length() && text.charAt(at) == '"') {
      at++;
      while (true) {
        int close = text.indexOf('"', at);
        if (close < 0) {
          throw invalid(text, "unterminated quoted name");
        }
        at = close + 1;
        if (at < text.length() && text.charAt(at) == '"') {
          at++;
        } else {
          break;
        }
      }
      if (at - start == 2) {
        throw invalid(text, "empty quoted name");
      }
      return text.substring(start, at);
    }
    if (at >= text.length() || !isNameStart(at) || text.charAt(at) == '"') {
      throw invalid(text, "a name expected at position " + at);
    }
    while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_'
        || text.charAt(at) == '$')) {
      at++;
    }
    return text.substring(start, at);
  }

  /** {@code (...)} holding names, dots, commas, spaces and {@code []}: type names as format_type writes them. */
  private void arguments() {
    expect("(");
    while (at < text.length() && text.charAt(at) != ')') {
      char ch = text.charAt(at);
      if (ch == '"' || isNameStart(at)) {
        name();
      } else if (ch == '.' || ch == ',' || ch == ' ' || ch == '[' || ch == ']' || Character.isDigit(ch)) {
        at++;
      } else {
        throw invalid(text, "unexpected '" + ch + "' in an argument list");
      }
    }
    expect(")");
  }

  private void expect(String token) {
    if (!text.startsWith(token, at)) {
      throw invalid(text, "'" + token.strip() + "' expected at position " + at);
    }
    at += token.length();
  }

  private void end() {
    if (at != text.length()) {
      throw invalid(text, "unexpected text at position " + at);
    }
  }

  private static IllegalArgumentException invalid(String identity, String why) {
    return new IllegalArgumentException("not an identity pg_identify_object writes: " + identity + " (" + why + ")");
  }
}
