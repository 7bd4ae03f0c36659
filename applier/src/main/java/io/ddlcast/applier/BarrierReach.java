package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.sql.SqlLexer.Kind;
import io.ddlcast.common.sql.SqlLexer.Token;
import io.ddlcast.common.sql.SqlText;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which database lanes stopped on an error a cluster-wide event must still wait for. A cluster-wide event is a
 * barrier ({@link EventConsumer}): it always waits for the lanes still applying events before it, and everything
 * after it waits for it. A lane stopped on an error before it may stay stopped for hours; whether the barrier may run
 * ahead of that lane's remaining events (the failed one and those after it, up to the barrier) depends on whether
 * running it first can change what they do. A DBA's answer, statement by statement:
 *
 * <ul>
 *   <li>{@link Extent#NONE} — it only adds, so every earlier event of the stopped lane, which succeeded on the primary
 *       without it, does the same with it: {@code CREATE ROLE/USER/GROUP}, {@code GRANT} of a role or of privileges
 *       on a database or tablespace, {@code CREATE TABLESPACE}, {@code COMMENT ON} a role, database or tablespace.
 *   <li>{@link Extent#DATABASES} — it acts on named databases only: {@code CREATE DATABASE x TEMPLATE t} copies t
 *       (template1 by default) as it stands, so it waits for t's lane (and x's); {@code DROP DATABASE x} and
 *       {@code ALTER DATABASE x} (rename, owner, settings a later event's unknown search_path resolves with) wait
 *       for x's lane, and a rename also for the new name's. Other stopped databases do not hold it.
 *   <li>{@link Extent#ALL} — anything else: it may take away what a stopped database's remaining events need.
 *       {@code DROP ROLE r} fails (2BP01) while objects that r owns exist, and if it succeeds, a later
 *       {@code ALTER TABLE t OWNER TO r} of the stopped database fails when it is retried; {@code ALTER ROLE}
 *       (a rename, NOSUPERUSER, a default search_path), {@code REVOKE}, {@code DROP/ALTER TABLESPACE} likewise. It
 *       waits for every lane stopped before it, as does a statement this class cannot read.
 * </ul>
 */
record BarrierReach(Extent extent, Set<String> databases) {
  /** How far a cluster-wide event reaches into the databases' earlier events. */
  enum Extent {
    NONE,
    DATABASES,
    ALL
  }

  private static final BarrierReach NONE = new BarrierReach(Extent.NONE, Set.of());
  private static final BarrierReach ALL = new BarrierReach(Extent.ALL, Set.of());
  private static final String DEFAULT_TEMPLATE = "template1";

  static BarrierReach of(DdlEvent event) {
    SqlText sql = SqlText.of(event.statement());
    SqlCommand command = SqlCommand.of(sql);
    return switch (command.tag()) {
      case "CREATE ROLE", "CREATE USER", "CREATE GROUP", "CREATE TABLESPACE", "GRANT", "COMMENT" -> NONE;
      case "CREATE DATABASE" -> createDatabase(sql, command.databaseName());
      case "DROP DATABASE" -> databases(command.databaseName(), null);
      case "ALTER DATABASE" -> databases(command.databaseName(), renamedTo(sql));
      default -> ALL;
    };
  }

  /** The stopped lanes (lane to the offset it stopped at) this event must wait for. */
  Set<Lane> holding(Map<Lane, Long> stopped) {
    Set<Lane> out = new LinkedHashSet<>();
    for (Lane lane : stopped.keySet()) {
      boolean named = !lane.isCluster() && databases.contains(lane.database());
      if (extent == Extent.ALL || (extent == Extent.DATABASES && named)) {
        out.add(lane);
      }
    }
    return out;
  }

  private static BarrierReach databases(String name, String other) {
    if (name == null) {
      return ALL;
    }
    Set<String> names = new LinkedHashSet<>();
    names.add(name);
    if (other != null) {
      names.add(other);
    }
    return new BarrierReach(Extent.DATABASES, Set.copyOf(names));
  }

  /**
   * {@code CREATE DATABASE name [WITH] [option [=] value] ...}: the database and its template. An option list this
   * cannot read (an escaped string, an unexpected token) reaches everything.
   */
  private static BarrierReach createDatabase(SqlText sql, String name) {
    if (name == null || !isName(sql.token(2))) {
      return ALL;
    }
    int i = 3;
    if (sql.token(i) != null && sql.token(i).is("WITH")) {
      i++;
    }
    String template = DEFAULT_TEMPLATE;
    Token option;
    while ((option = sql.token(i)) != null) {
      if (option.kind() != Kind.WORD) {
        return ALL;
      }
      i += option.is("CONNECTION") && sql.token(i + 1) != null && sql.token(i + 1).is("LIMIT") ? 2 : 1;
      if (sql.token(i) != null && sql.token(i).text().equals("=")) {
        i++;
      }
      Token value = sql.token(i);
      if (value != null && (value.text().equals("-") || value.text().equals("+"))) {
        i++;
        value = sql.token(i);
      }
      if (value == null || value.kind() == Kind.SYMBOL) {
        return ALL;
      }
      i++;
      if (option.is("TEMPLATE")) {
        template = value.is("DEFAULT") ? DEFAULT_TEMPLATE : valueName(value);
        if (template == null) {
          return ALL;
        }
      }
    }
    return databases(name, template);
  }

  /** An option's value naming a database: an identifier, or a plain {@code '...'} string; else null. */
  private static String valueName(Token value) {
    if (isName(value)) {
      return value.identifier();
    }
    String text = value.text();
    if (value.kind() == Kind.STRING && text.length() >= 2 && text.startsWith("'") && text.endsWith("'")
        && text.indexOf('\n') < 0) {
      return text.substring(1, text.length() - 1).replace("''", "'");
    }
    return null;
  }

  private static boolean isName(Token token) {
    return token.kind() == Kind.WORD || token.kind() == Kind.QUOTED;
  }

  /** The new name of {@code ALTER DATABASE x RENAME TO y}, or null. */
  private static String renamedTo(SqlText sql) {
    Token token;
    for (int i = 2; (token = sql.token(i)) != null && i < 8; i++) {
      Token to = sql.token(i + 1);
      Token name = sql.token(i + 2);
      if (token.is("RENAME") && to != null && to.is("TO") && name != null && isName(name)) {
        return name.identifier();
      }
    }
    return null;
  }
}
