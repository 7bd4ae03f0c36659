package io.ddlcast.producer.capture;

import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.Scope;
import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.common.sql.SqlLexer.Kind;
import io.ddlcast.common.sql.SqlLexer.Token;
import io.ddlcast.common.sql.SqlText;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which schemas a DDL command touches, for {@code DdlEvent.schemas()} (what schema filters
 * judge). From ddlcast's event trigger when it reported the objects: their schemas (for a schema itself, its name;
 * for a drop, the objects the statement named, not those dropped along with them; never {@code pg_toast} or
 * {@code pg_temp*}). Otherwise (no helper in the database; GRANT, REVOKE and ALTER DEFAULT PRIVILEGES, which the
 * trigger reports without objects; statements no trigger sees) a guess from the text:
 *
 * <pre>
 * CREATE SCHEMA audit / DROP SCHEMA a, b         the schemas named
 * GRANT ... ON ALL TABLES IN SCHEMA audit ...    the schemas after IN SCHEMA
 * CREATE INDEX i ON audit.t (...)                the schema of the first qualified name (before any '(' or AS)
 * CREATE TABLE t (...)                           the first schema of the search_path the command ran under
 * </pre>
 *
 * <p>None for statements on cluster-wide objects and on objects outside schemas (extensions, foreign-data wrappers,
 * servers, user mappings, event triggers, publications, subscriptions, languages, casts, access methods, default
 * privileges for all schemas, REASSIGN/DROP OWNED), and none when neither the text nor a known search_path tells.
 */
final class EventSchemas {
  private static final Set<String> OUTSIDE_SCHEMAS = Set.of("EXTENSION", "FOREIGN DATA WRAPPER", "SERVER",
      "USER MAPPING", "EVENT TRIGGER", "PUBLICATION", "SUBSCRIPTION", "LANGUAGE", "CAST", "ACCESS METHOD",
      "TRANSFORM", "DEFAULT PRIVILEGES", "OWNED");
  private static final int LOOKAHEAD = SqlLexer.KEPT_TOKENS;

  private EventSchemas() {}

  static List<String> of(Scope scope, String command, HelperRecord helper, List<HelperRecord.HelperObject> dropped,
      SqlText sql, ExecutionContext context) {
    if (scope == Scope.CLUSTER) {
      return List.of();
    }
    if (helper != null) {
      List<HelperRecord.HelperObject> objects = helper.objects().isEmpty() ? dropped : helper.objects();
      if (objects.stream().anyMatch(o -> o.identity() != null)) {
        return fromObjects(objects);
      }
    }
    return fromText(command, sql, context);
  }

  static List<String> fromObjects(List<HelperRecord.HelperObject> objects) {
    List<HelperRecord.HelperObject> named = objects.stream().filter(o -> !Boolean.FALSE.equals(o.original()))
        .toList();
    Set<String> schemas = new LinkedHashSet<>();
    for (HelperRecord.HelperObject o : named.isEmpty() ? objects : named) {
      String schema = "schema".equals(o.type()) ? unquote(o.identity()) : o.schema();
      if (schema != null && !isSystem(schema)) {
        schemas.add(schema);
      }
    }
    return List.copyOf(schemas);
  }

  static List<String> fromText(String command, SqlText sql, ExecutionContext context) {
    String tag = command == null ? "" : command;
    List<Token> tokens = sql.tokens(LOOKAHEAD);
    for (int i = 0; i + 2 < tokens.size(); i++) {
      if (tokens.get(i).is("IN") && tokens.get(i + 1).is("SCHEMA")) {
        return names(tokens, i + 2);
      }
    }
    String type = tag.contains(" ") ? tag.substring(tag.indexOf(' ') + 1) : "";
    if (OUTSIDE_SCHEMAS.contains(type)) {
      return List.of();
    }
    if (type.equals("SCHEMA")) {
      int k = 2;
      while (k < tokens.size() && (tokens.get(k).is("IF") || tokens.get(k).is("NOT") || tokens.get(k).is("EXISTS"))) {
        k++;
      }
      return k < tokens.size() && tokens.get(k).is("AUTHORIZATION") ? List.of() : names(tokens, k);
    }
    boolean grant = tag.equals("GRANT") || tag.equals("REVOKE");
    for (int i = 1; i + 2 < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.is("AS") || (!grant && t.kind() == Kind.SYMBOL && t.text().equals("("))) {
        break;
      }
      if (isName(t) && isDot(tokens.get(i + 1)) && isName(tokens.get(i + 2))) {
        boolean threeParts = i + 4 < tokens.size() && isDot(tokens.get(i + 3)) && isName(tokens.get(i + 4));
        String schema = threeParts ? tokens.get(i + 2).identifier() : t.identifier();
        return isSystem(schema) ? List.of() : List.of(schema);
      }
    }
    String first = firstOfSearchPath(context == null ? null : context.searchPath());
    return first == null ? List.of() : List.of(first);
  }

  /** The first schema of a search_path setting that names a schema ("$user" depends on the role: skipped). */
  static String firstOfSearchPath(String searchPath) {
    if (searchPath == null) {
      return null;
    }
    for (String part : searchPath.split(",")) {
      String entry = part.strip();
      if (entry.isEmpty() || entry.equals("\"$user\"") || entry.equals("$user")) {
        continue;
      }
      String schema = entry.startsWith("\"") ? unquote(entry) : entry.toLowerCase(Locale.ROOT);
      if (schema.equals("pg_catalog") || isSystem(schema)) {
        continue;
      }
      return schema;
    }
    return null;
  }

  private static List<String> names(List<Token> tokens, int from) {
    List<String> out = new ArrayList<>();
    for (int k = from; k < tokens.size() && isName(tokens.get(k)); k += 2) {
      out.add(tokens.get(k).identifier());
      if (k + 1 >= tokens.size() || !tokens.get(k + 1).text().equals(",")) {
        break;
      }
    }
    return List.copyOf(new LinkedHashSet<>(out));
  }

  private static boolean isName(Token t) {
    return t.kind() == Kind.WORD || t.kind() == Kind.QUOTED;
  }

  private static boolean isDot(Token t) {
    return t.kind() == Kind.SYMBOL && t.text().equals(".");
  }

  private static boolean isSystem(String schema) {
    return schema.startsWith("pg_toast") || schema.startsWith("pg_temp");
  }

  /** An identifier as quote_ident wrote it ({@code "My ""x"""}), as the catalog stores it ({@code My "x"}). */
  static String unquote(String identifier) {
    if (identifier != null && identifier.length() >= 2 && identifier.startsWith("\"") && identifier.endsWith("\"")) {
      return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
    }
    return identifier;
  }
}
