package io.ddlcast.common.sql;

import io.ddlcast.common.sql.SqlLexer.Kind;
import io.ddlcast.common.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code pg_dump} or {@code pg_dumpall} plain-text script as the steps a JDBC client runs: its SQL statements, one
 * by one, and the one psql meta-command whose effect matters, {@code \connect DB} (pg_dump {@code --create} writes
 * it after {@code CREATE DATABASE}). psql reads a line that starts with a backslash outside any statement as a
 * meta-command; so does this, with the same lexer that splits the statements, so a backslash line inside a string or
 * a function body stays SQL.
 *
 * <p>{@code \restrict KEY} and <code>&#92;unrestrict KEY</code> (PostgreSQL 15.14 and later) bracket the SQL:
 * between them psql refuses every meta-command but the matching <code>&#92;unrestrict</code>, so that an object name
 * crafted to end a line and start a meta-command cannot run one. This does the same, and refuses any meta-command
 * other than those three anywhere: nothing else in a schema dump is for a client to run, and a shell escape
 * ({@code \!}) never is.
 * A refused script is an {@link IllegalArgumentException} naming the line.
 */
public final class DumpScript {
  /** One thing to do, in order. */
  public sealed interface Step permits Sql, Connect {}

  /** A statement to run in the current database. */
  public record Sql(String text) implements Step {}

  /** Go on in this database ({@code \connect}). */
  public record Connect(String database) implements Step {}

  private DumpScript() {}

  /** The steps of a script; throws IllegalArgumentException for a meta-command it does not run. */
  public static List<Step> parse(String script) {
    List<Step> steps = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    String restrictKey = null;
    int lineNumber = 0;
    for (String line : script.split("\n", -1)) {
      lineNumber++;
      if (!line.startsWith("\\") || !atTopLevel(pending)) {
        pending.append(line).append('\n');
        continue;
      }
      SqlLexer.split(pending.toString()).forEach(s -> steps.add(new Sql(s)));
      pending.setLength(0);
      String meta = line.strip();
      String[] words = meta.split("\\s+", 2);
      String arg = words.length > 1 ? words[1].strip() : "";
      if (restrictKey != null && !(words[0].equals("\\unrestrict") && arg.equals(restrictKey))) {
        throw new IllegalArgumentException("line " + lineNumber + ": meta-command " + words[0] + " inside \\restrict "
            + "(psql refuses it there too)");
      }
      switch (words[0]) {
        case "\\restrict" -> restrictKey = requireKey(arg, lineNumber);
        case "\\unrestrict" -> restrictKey = null;
        case "\\connect", "\\c" -> steps.add(new Connect(connectTarget(arg, lineNumber)));
        default -> throw new IllegalArgumentException("line " + lineNumber + ": meta-command " + words[0]
            + " is not one a schema dump runs");
      }
    }
    if (restrictKey != null) {
      throw new IllegalArgumentException("the script ends inside \\restrict (it was cut short)");
    }
    SqlLexer.split(pending.toString()).forEach(s -> steps.add(new Sql(s)));
    return steps;
  }

  private static String requireKey(String key, int lineNumber) {
    if (!key.matches("[A-Za-z0-9]+")) {
      throw new IllegalArgumentException("line " + lineNumber + ": \\restrict without a key");
    }
    return key;
  }

  /**
   * True when a line starting here would begin outside any statement: nothing but comments yet, or the last token
   * is a statement's closing semicolon (not one inside a string, a dollar-quoted body or an atomic body).
   */
  static boolean atTopLevel(CharSequence pending) {
    String text = pending.toString();
    SqlLexer lexer = new SqlLexer(text);
    Token last = null;
    Token token;
    while ((token = lexer.next()) != null) {
      last = token;
    }
    if (last == null) {
      return true;
    }
    if (last.kind() != Kind.SYMBOL || !last.text().equals(";")) {
      return false;
    }
    List<String> parts = SqlLexer.split(text + "\nddlcast_probe");
    if (parts.isEmpty()) {
      return false;
    }
    List<Token> probe = SqlLexer.tokens(parts.get(parts.size() - 1), 2);
    return probe.size() == 1 && probe.get(0).text().equals("ddlcast_probe");
  }

  /**
   * The database of pg_dump's {@code \connect}: a name as {@code fmtId} writes it ({@code shop}, {@code "Shop"}), or
   * {@code -reuse-previous=on "dbname='it\'s'"} for a name with other characters.
   */
  static String connectTarget(String arg, int lineNumber) {
    String prefix = "-reuse-previous=on ";
    if (!arg.startsWith(prefix)) {
      return identifier(arg, lineNumber);
    }
    String connstr = identifier(arg.substring(prefix.length()).strip(), lineNumber);
    if (!connstr.startsWith("dbname=")) {
      throw new IllegalArgumentException("line " + lineNumber + ": \\connect " + arg + " names no dbname");
    }
    String value = connstr.substring("dbname=".length());
    if (!value.startsWith("'")) {
      if (value.isEmpty() || value.contains(" ")) {
        throw new IllegalArgumentException("line " + lineNumber + ": \\connect " + arg + " is not a database name");
      }
      return value;
    }
    StringBuilder name = new StringBuilder();
    int i = 1;
    while (i < value.length() && value.charAt(i) != '\'') {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        i++;
        c = value.charAt(i);
      }
      name.append(c);
      i++;
    }
    if (i != value.length() - 1) {
      throw new IllegalArgumentException("line " + lineNumber + ": \\connect " + arg + " is not a database name");
    }
    return name.toString();
  }

  private static String identifier(String text, int lineNumber) {
    if (text.startsWith("\"")) {
      if (text.length() < 2 || !text.endsWith("\"")) {
        throw new IllegalArgumentException("line " + lineNumber + ": unterminated quoted name " + text);
      }
      String inner = text.substring(1, text.length() - 1);
      if (inner.replace("\"\"", "").contains("\"")) {
        throw new IllegalArgumentException("line " + lineNumber + ": more than one name in " + text);
      }
      return inner.replace("\"\"", "\"");
    }
    if (text.isEmpty() || !text.matches("[A-Za-z0-9_.]+")) {
      throw new IllegalArgumentException("line " + lineNumber + ": '" + text + "' is not a database name");
    }
    return text;
  }
}
