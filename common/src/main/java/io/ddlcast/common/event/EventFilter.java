package io.ddlcast.common.event;

import io.ddlcast.common.cli.InvalidConfigException;
import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.sql.SqlCommand;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which events to take, by database, schema and command: the one filter of the producer (what it publishes) and of
 * each applier (what its standby takes), built from the same six options.
 *
 * <pre>{@code
 * --include-databases app_*,shop     --exclude-databases scratch_*
 * --include-schemas   sales,tenant?  --exclude-schemas   audit
 * --include-commands  'CREATE *'     --exclude-commands  'CREATE INDEX,DROP INDEX'
 * }</pre>
 *
 * <p>Values are comma-separated glob patterns ({@code *} any characters, {@code ?} one). Database and schema
 * patterns match names as the catalog stores them, case-sensitively and without quotes ({@code Zürich}, not
 * {@code "Zürich"}); command patterns match command tags ({@code CREATE TABLE}; {@code CREATE *} for every CREATE),
 * case-insensitively. Exclude wins over include; an include option that is not given includes everything.
 *
 * <p>What is judged against what:
 * <ul>
 *   <li>databases: the database the event belongs to, its key (for {@code CREATE/ALTER/DROP DATABASE x}, x).
 *       Statements on other cluster-wide objects (roles, membership, tablespaces) belong to no database: database
 *       filters do not apply to them, command filters do;
 *   <li>schemas: the schemas the event touches ({@link DdlEvent#schemas()}). An event is taken if at least one of
 *       them is taken (a {@code DROP ... CASCADE} in schema app that also drops a view in an excluded schema still
 *       goes). Events without schemas (cluster-wide objects, objects outside schemas such as extensions or foreign
 *       servers, statements whose schema is unknown) pass schema filters;
 *   <li>commands: the event's command tag.
 * </ul>
 */
public final class EventFilter {
  /** The six options as given: comma-separated patterns, or null/blank when not given. */
  public record Options(
      String includeDatabases,
      String excludeDatabases,
      String includeSchemas,
      String excludeSchemas,
      String includeCommands,
      String excludeCommands) {
    public static final Options NONE = new Options(null, null, null, null, null, null);
  }

  /** Takes every event. */
  public static final EventFilter ALL = new EventFilter(null, null, null, null, null, null);

  /** One option's patterns. */
  private record Rule(String option, List<String> patterns, List<Pattern> compiled) {
    /** The first pattern that matches the name, or null. */
    String match(String name) {
      for (int i = 0; i < compiled.size(); i++) {
        if (compiled.get(i).matcher(name).matches()) {
          return patterns.get(i);
        }
      }
      return null;
    }

    String given() {
      return option + "=" + String.join(",", patterns);
    }
  }

  private final Rule includeDatabases;
  private final Rule excludeDatabases;
  private final Rule includeSchemas;
  private final Rule excludeSchemas;
  private final Rule includeCommands;
  private final Rule excludeCommands;

  private EventFilter(Rule includeDatabases, Rule excludeDatabases, Rule includeSchemas, Rule excludeSchemas,
      Rule includeCommands, Rule excludeCommands) {
    this.includeDatabases = includeDatabases;
    this.excludeDatabases = excludeDatabases;
    this.includeSchemas = includeSchemas;
    this.excludeSchemas = excludeSchemas;
    this.includeCommands = includeCommands;
    this.excludeCommands = excludeCommands;
  }

  /** The filter the options describe; what is wrong with them is added to {@code problems} (then null returns). */
  public static EventFilter of(Options options, Problems problems) {
    if (options == null) {
      return ALL;
    }
    List<String> found = new ArrayList<>();
    EventFilter filter = new EventFilter(
        names("--include-databases", options.includeDatabases(), found),
        names("--exclude-databases", options.excludeDatabases(), found),
        names("--include-schemas", options.includeSchemas(), found),
        names("--exclude-schemas", options.excludeSchemas(), found),
        commands("--include-commands", options.includeCommands(), found),
        commands("--exclude-commands", options.excludeCommands(), found));
    for (int i = 0; i < found.size(); i += 3) {
      problems.invalid(found.get(i), found.get(i + 1), found.get(i + 2));
    }
    return found.isEmpty() ? filter : null;
  }

  /** The filter the options describe, or IllegalArgumentException listing what is wrong (for tests and tools). */
  public static EventFilter parse(Options options) {
    Problems problems = new Problems();
    EventFilter filter = of(options, problems);
    try {
      problems.throwIfAny();
    } catch (InvalidConfigException e) {
      throw new IllegalArgumentException(String.join("; ", e.problems()), e);
    }
    return filter;
  }

  /** True when no option was given: every event is taken. */
  public boolean isEmpty() {
    return includeDatabases == null && excludeDatabases == null && includeSchemas == null && excludeSchemas == null
        && includeCommands == null && excludeCommands == null;
  }

  public boolean accepts(DdlEvent event) {
    return rejection(event) == null;
  }

  /** Why the event is not taken ({@code excluded by --exclude-databases=scratch_*}), or null if it is. */
  public String rejection(DdlEvent event) {
    String database = databaseOf(event);
    if (database != null) {
      String reason = judge(database, includeDatabases, excludeDatabases, "database " + database);
      if (reason != null) {
        return reason;
      }
    }
    String command = normalizeCommand(event.command() == null ? "" : event.command());
    String reason = judge(command, includeCommands, excludeCommands, "command " + command);
    if (reason != null) {
      return reason;
    }
    List<String> schemas = event.schemas();
    if (schemas.isEmpty() || (includeSchemas == null && excludeSchemas == null)) {
      return null;
    }
    String first = null;
    for (String schema : schemas) {
      String r = judge(schema, includeSchemas, excludeSchemas, "schema " + schema);
      if (r == null) {
        return null; // one schema it touches is taken: the event goes
      }
      if (first == null) {
        first = r;
      }
    }
    return first;
  }

  /** The options that are set, for a log line ("--exclude-databases=scratch_*, --exclude-schemas=audit"). */
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (Rule rule : new Rule[] {includeDatabases, excludeDatabases, includeSchemas, excludeSchemas, includeCommands,
        excludeCommands}) {
      if (rule != null) {
        parts.add(rule.given());
      }
    }
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }

  /** The database an event belongs to, or null for statements on roles, membership and tablespaces. */
  private static String databaseOf(DdlEvent event) {
    if (event.scope() == Scope.CLUSTER && !isDatabaseCommand(event.command())) {
      return null;
    }
    return event.key();
  }

  private static boolean isDatabaseCommand(String command) {
    return command != null && command.endsWith(" DATABASE")
        && (command.startsWith("CREATE") || command.startsWith("ALTER") || command.startsWith("DROP"));
  }

  private static String judge(String name, Rule include, Rule exclude, String what) {
    if (exclude != null) {
      String pattern = exclude.match(name);
      if (pattern != null) {
        return "excluded by " + exclude.option() + "=" + pattern + " (" + what + ")";
      }
    }
    if (include != null && include.match(name) == null) {
      return "not included by " + include.given() + " (" + what + ")";
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------------- parsing

  /** Database or schema patterns; problems are appended to {@code found} as option, value, reason. */
  private static Rule names(String option, String value, List<String> found) {
    List<String> patterns = split(option, value, found);
    if (patterns == null) {
      return null;
    }
    for (String p : patterns) {
      if (p.length() >= 2 && p.startsWith("\"") && p.endsWith("\"")) {
        found.addAll(List.of(option, value, "pattern " + p + " is quoted: patterns match names as the catalog "
            + "stores them, write " + p.substring(1, p.length() - 1).replace("\"\"", "\"")));
      } else if (p.indexOf('*') < 0 && p.indexOf('?') < 0 && p.getBytes(StandardCharsets.UTF_8).length > 63) {
        found.addAll(List.of(option, value, "'" + p + "' is longer than PostgreSQL's names (63 bytes): it matches "
            + "nothing"));
      }
    }
    return new Rule(option, patterns, patterns.stream().map(EventFilter::glob).toList());
  }

  /** Command tag patterns: words of letters, '*' and '?'; the first word, unless a wildcard, a DDL verb. */
  private static Rule commands(String option, String value, List<String> found) {
    List<String> given = split(option, value, found);
    if (given == null) {
      return null;
    }
    List<String> patterns = new ArrayList<>();
    for (String p : given) {
      String tag = normalizeCommand(p);
      patterns.add(tag);
      if (!tag.matches("[A-Z*? ]+")) {
        found.addAll(List.of(option, value, "'" + p + "' is not a command tag pattern (letters, spaces, '*' and "
            + "'?', e.g. CREATE TABLE, DROP INDEX, CREATE *)"));
        continue;
      }
      String verb = tag.split(" ", 2)[0];
      if (verb.indexOf('*') < 0 && verb.indexOf('?') < 0 && !SqlCommand.of(tag.replace('*', 'x').replace('?', 'x'))
          .isDdl()) {
        found.addAll(List.of(option, value, "'" + p + "' does not start with a DDL command (CREATE, ALTER, DROP, "
            + "COMMENT, GRANT, REVOKE, ...)"));
      }
    }
    return new Rule(option, patterns, patterns.stream().map(EventFilter::glob).toList());
  }

  /** The comma-separated patterns, or null if the option is not given; an empty pattern is a problem. */
  private static List<String> split(String option, String value, List<String> found) {
    if (value == null || value.isBlank()) {
      return null;
    }
    List<String> patterns = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String p = part.strip();
      if (p.isEmpty()) {
        found.addAll(List.of(option, value, "empty pattern (a comma too many?)"));
        return null;
      }
      patterns.add(p);
    }
    return List.copyOf(patterns);
  }

  /** Upper case, single spaces: {@code create  table} is {@code CREATE TABLE}. */
  private static String normalizeCommand(String command) {
    return command.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
  }

  private static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
