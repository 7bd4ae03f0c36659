package io.ddlcast.producer.capture;

import io.ddlcast.common.sql.SqlLexer.Kind;
import io.ddlcast.common.sql.SqlLexer.Token;
import io.ddlcast.common.sql.SqlText;
import io.ddlcast.producer.capture.HelperRecord.HelperObject;
import io.ddlcast.producer.capture.StatementParts.Part;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The part of a statement a standby can run when it named objects the standby has together with objects it never
 * had (temporary ones; INVALID indexes left by failed concurrent builds; objects over temporary ones). The statement
 * as it ran fails on the standby and does nothing there; what ships is the same statement on the objects the
 * standby has:
 *
 * <pre>{@code
 * DROP TABLE tt, perm CASCADE              ->  DROP TABLE public.perm CASCADE   (the identities the trigger reported)
 * GRANT SELECT ON tt, perm TO r            ->  GRANT SELECT ON perm TO r        (the names as written)
 * }</pre>
 *
 * <p>A DROP's objects come from the event trigger (quoted by the server; what was dropped along with them goes the
 * same way on the standby; IF EXISTS is not needed: only objects that existed are reported). GRANT and REVOKE report
 * no object: their relations are read from the text and resolved as PostgreSQL does, the session's temporary
 * relations first unless the search_path names {@code pg_temp} elsewhere; a name that cannot be resolved so is
 * {@link Target#unknown}.
 */
public final class PermanentPart {
  private static final Pattern TEMPORARY_SCHEMA = Pattern.compile("pg_temp(_\\d+)?");
  /** Words after ON that name objects other than relations (GRANT ... ON FUNCTION f() ...). */
  private static final Set<String> NOT_RELATIONS = Set.of("ALL", "FUNCTION", "PROCEDURE", "ROUTINE", "SCHEMA",
      "DATABASE", "DOMAIN", "FOREIGN", "LANGUAGE", "LARGE", "TABLESPACE", "TYPE", "PARAMETER");

  /** A relation a GRANT or REVOKE names: where it is in the part's text, and whether it is temporary. */
  public record Target(int start, int end, boolean temporary, boolean unknown) {}

  private PermanentPart() {}

  /**
   * The text to ship for {@code part}: {@code text} itself, unless the command named objects the standbys have
   * together with objects they never had ({@code dropped}: what the trigger reported dropped just before
   * {@code helper}'s end of the command, marked with what its start reported).
   */
  public static String of(Part part, String text, HelperRecord helper, List<HelperObject> dropped) {
    if (helper == null || helper.kind() != HelperRecord.Kind.DDL_COMMAND_END) {
      return text;
    }
    String tag = part.command().tag();
    if (tag.startsWith("DROP ") && helper.objects().isEmpty()) {
      List<HelperObject> named = dropped.stream().filter(o -> Boolean.TRUE.equals(o.original())).toList();
      List<HelperObject> kept = named.stream().filter(HelperObject::onStandbys).toList();
      if (kept.isEmpty() || kept.size() == named.size()) {
        return text;
      }
      return tag + " " + kept.stream().map(HelperObject::identity).collect(Collectors.joining(", "))
          + (endsWithCascade(part.sql()) ? " CASCADE" : "");
    }
    List<Target> targets = grantTargets(part, helper);
    if (targets.stream().noneMatch(Target::temporary) || targets.stream().allMatch(Target::temporary)
        || targets.stream().anyMatch(Target::unknown)) {
      return text;
    }
    String sql = part.text();
    StringBuilder kept = new StringBuilder();
    for (Target target : targets) {
      if (!target.temporary()) {
        kept.append(kept.isEmpty() ? "" : ", ").append(sql, target.start(), target.end());
      }
    }
    return sql.substring(0, targets.get(0).start()) + kept + sql.substring(targets.get(targets.size() - 1).end());
  }

  /**
   * The relations a GRANT or REVOKE on relations names, resolved against the session's temporary relations the
   * helper reported; empty for other commands, for grants on other objects, when the session has no temporary
   * relations, or when the text does not read as such a list.
   */
  public static List<Target> grantTargets(Part part, HelperRecord helper) {
    String tag = part.command().tag();
    if (!(tag.equals("GRANT") || tag.equals("REVOKE")) || helper == null || helper.temporaryRelations() == null
        || helper.temporaryRelations().isEmpty()) {
      return List.of();
    }
    SqlText sql = part.sql();
    int k = 1;
    Token token;
    while ((token = sql.token(k)) != null && !token.is("ON")) {
      k++;
    }
    Token type = sql.token(++k);
    if (type == null || NOT_RELATIONS.contains(String.valueOf(type.keyword()))) {
      return List.of();
    }
    if (type.is("TABLE") || type.is("SEQUENCE")) {
      k++;
    }
    String searchPath = helper.context() == null ? null : helper.context().searchPath();
    List<Target> targets = new ArrayList<>();
    while (true) {
      List<Token> name = new ArrayList<>();
      for (Token t = sql.token(k); t != null && isName(t); t = sql.token(k)) {
        name.add(t);
        Token dot = sql.token(k + 1);
        k += dot != null && dot.text().equals(".") ? 2 : 1;
        if (dot == null || !dot.text().equals(".")) {
          break;
        }
      }
      if (name.isEmpty()) {
        return List.of();
      }
      targets.add(resolve(name, helper.temporaryRelations(), searchPath));
      Token next = sql.token(k);
      if (next != null && next.text().equals(",")) {
        k++;
      } else if (next != null && (next.is("TO") || next.is("FROM"))) {
        return targets;
      } else {
        return List.of();
      }
    }
  }

  private static Target resolve(List<Token> name, List<String> temporaryRelations, String searchPath) {
    int start = name.get(0).start();
    int end = name.get(name.size() - 1).end();
    if (name.size() > 1) {
      String schema = name.get(name.size() - 2).identifier();
      return new Target(start, end, TEMPORARY_SCHEMA.matcher(schema).matches(), false);
    }
    if (!temporaryRelations.contains(name.get(0).identifier())) {
      return new Target(start, end, false, false);
    }
    // the session's temporary schema is searched first for relations, unless the search_path places pg_temp later
    int at = searchPath == null ? -1 : pgTempPosition(searchPath);
    return new Target(start, end, at <= 0, at > 0);
  }

  /** Where pg_temp stands among the search_path's entries (0 first), or -1 when it is not named. */
  private static int pgTempPosition(String searchPath) {
    String[] entries = searchPath.split(",");
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].strip();
      if (entry.equalsIgnoreCase("pg_temp") || entry.equals("\"pg_temp\"")) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isName(Token t) {
    return t.kind() == Kind.WORD || t.kind() == Kind.QUOTED;
  }

  private static boolean endsWithCascade(SqlText sql) {
    Token last = null;
    Token token;
    for (int i = 0; (token = sql.token(i)) != null; i++) {
      if (!token.text().equals(";")) {
        last = token;
      }
    }
    return last != null && last.is("CASCADE");
  }
}
